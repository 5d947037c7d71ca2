import { levelForZoom, REGION_MAX_ZOOM } from '../../core/levels';
import { linkRegions, type RegionMap } from '../../core/regions';
import type { ListingRecord } from '../../core/listing';
import { EngineConflict, EngineFailure, EngineUnavailable } from '../engine-errors';
import type { ChangeEvent } from '../../changes/change-event';
import type { EngineHealth, PriceHistogramQuery, ListPage, ListQuery, SearchQuery, SearchResult } from '../search-engine';
import { isUnavailableStatus, type BulkDrop, type BulkOperation, type ClusterClient } from './cluster-client';
import { createNextListingsIndex, ensureIndices, switchListingsAlias } from './index-admin';
import { LISTINGS_ALIAS, LISTINGS_REFRESH_INTERVAL, listBody, priceHistogramBody, listingDoc, META_INDEX, searchBody, type ListingDoc } from './query-bodies';
import { listingsOf, priceBandsOf, searchResultOf, totalOf, type SearchResponseBody } from './responses';

/** How long the regions are kept before they are linked again (as the embedded engine does). */
const REGIONS_KEPT_MS = 60_000;

/** How long a list's point in time stays open between two pages. */
const PIT_KEEP_ALIVE = '2m';
/** Refresh interval while an index is rebuilt from the store. */
const BULK_REFRESH_INTERVAL = '30s';
/** The meta document holding the index's place in the store's log. */
const CURSOR_DOC = 'log-cursor';

/** How far into which store's log an index is: nodes sharing a cluster must share a store. */
export interface IndexCursor {
  seq: number;
  /** The store's id (ListingStore.storeId): an index filled from one store cannot follow another. */
  store: string;
}

/**
 * The search index on an Elasticsearch or OpenSearch cluster, derived from the store: it
 * answers the same queries as the in-memory index (the contract suite holds both to that)
 * and is written only from the change log (IndexApplier), request bodies from
 * `query-bodies.ts`, the product's client behind `ClusterClient`.
 */
export class ClusterIndex {
  readonly name: string;
  private indicesReady: Promise<void> | null = null;

  constructor(readonly client: ClusterClient) {
    this.name = client.product;
  }

  /**
   * Creates the indices on first use. A failure is not remembered: a node started
   * before its cluster answers once the cluster is back, with no restart.
   */
  ready(): Promise<void> {
    if (!this.indicesReady) {
      this.indicesReady = ensureIndices(this.client).catch((err: unknown) => {
        this.indicesReady = null;
        throw err;
      });
    }
    return this.indicesReady;
  }

  private async searchRequest<S = ListingDoc>(path: string, body: object): Promise<SearchResponseBody<S>> {
    await this.ready();
    return (await this.client.request<SearchResponseBody<S>>({ method: 'POST', path, body })).body;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const level = levelForZoom(query.zoom);
    const body = await this.searchRequest(`/${LISTINGS_ALIAS}/_search`, searchBody(query));
    return searchResultOf(level, body, level === 'region' ? await this.regions() : undefined);
  }

  private linked: { map: Promise<RegionMap>; at: number } | null = null;

  /**
   * The regions, linked from every district's unfiltered totals (one world-wide `terms`
   * aggregation), kept for a minute as the embedded engine keeps its own: both link the
   * same districts' centroids into the same regions.
   */
  private regions(): Promise<RegionMap> {
    if (!this.linked || Date.now() - this.linked.at > REGIONS_KEPT_MS) {
      const map = this.searchRequest(`/${LISTINGS_ALIAS}/_search`, searchBody({ bbox: [-180, -90, 180, 90], zoom: REGION_MAX_ZOOM + 1, filters: {} })).then((body) =>
        linkRegions(searchResultOf('district', body).buckets.map((b) => ({ key: b.key, count: b.count, lat: b.lat, lon: b.lon }))),
      );
      this.linked = { map, at: Date.now() };
      map.catch(() => {
        if (this.linked?.map === map) this.linked = null;
      });
    }
    return this.linked.map;
  }

  async priceHistogram(query: PriceHistogramQuery): Promise<number[]> {
    const body = await this.searchRequest(`/${LISTINGS_ALIAS}/_search`, priceHistogramBody(query));
    return priceBandsOf(body, query.edges.length);
  }

  /**
   * A page of the list. Pages after the first read a point in time, so a deep walk sees
   * one consistent snapshot; its id travels in the cursor. A point in time that expired
   * or was tampered with falls back to the live index: the (value, id) keyset alone
   * still gives no gaps or repeats.
   */
  async list(query: ListQuery): Promise<ListPage> {
    const body = listBody(query);
    let res: SearchResponseBody | null = null;
    let pit = query.after?.pit;
    if (pit) {
      try {
        res = await this.searchRequest('/_search', { ...body, pit: { id: pit, keep_alive: PIT_KEEP_ALIVE } });
        pit = res.pit_id ?? pit;
      } catch (err) {
        if (!(err instanceof EngineFailure)) throw err;
        pit = undefined;
      }
    }
    res ??= await this.searchRequest(`/${LISTINGS_ALIAS}/_search`, body);
    const hits = res.hits.hits;
    const more = hits.length > query.limit;
    const page = more ? hits.slice(0, query.limit) : hits;
    if (more && !pit) pit = await this.client.openPointInTime(LISTINGS_ALIAS, PIT_KEEP_ALIVE).catch(() => undefined);
    if (!more && pit) void this.client.closePointInTime(pit).catch(() => undefined);
    const last = page[page.length - 1];
    return {
      total: totalOf(res),
      listings: listingsOf({ ...res, hits: { ...res.hits, hits: page } }),
      nextCursor:
        more && last?.sort ? { value: Number(last.sort[0]), id: String(last.sort[1]), ...(pit ? { pit } : {}) } : null,
    };
  }

  async count(): Promise<number> {
    await this.ready();
    return (await this.client.request<{ count: number }>({ method: 'GET', path: `/${LISTINGS_ALIAS}/_count` })).body.count;
  }

  /**
   * Applies changes from the log, each listing's document versioned by the change's
   * sequence number (`version_type: external`): a change older than the document's is
   * refused by the cluster, so a batch applied twice (a holder that died mid-batch, a
   * writer that applied its own change first) is a redo that changes nothing, and no
   * order between appliers can put an older state over a newer one. A removal leaves a
   * tombstone with its version for `index.gc_deletes` (an hour, query-bodies.ts).
   * `target`: an index being built beside the alias's (a rebuild), else the alias.
   */
  async apply(changes: ChangeEvent[], refresh: boolean, target: string = LISTINGS_ALIAS): Promise<void> {
    await this.ready();
    // The newest change of each listing in the batch: the older ones would be refused anyway.
    const latest = new Map<string, ChangeEvent>();
    for (const c of changes) latest.set(c.listingId, c);
    const operations: BulkOperation[] = [...latest.values()].map((c) => {
      const doc = { _index: target, _id: c.listingId, version: c.seq, version_type: 'external' as const };
      return c.op === 'upsert' && c.after ? { action: { index: doc }, document: listingDoc(c.after) } : { action: { delete: doc } };
    });
    // 409: the index holds a newer change already; 404: removing what is not there.
    throwRefused((await this.client.bulk(operations, refresh)).filter((d) => d.status !== 409 && d.status !== 404), 'written');
  }

  /**
   * One change this node committed, in the index before the write answers and searchable
   * at the index's next refresh (each second: CONTRACT.md gives a write 1 s to be visible).
   * Not `refresh=wait_for`: that held every API write for half a second on average (60
   * writes in a row took 55 s). Versioned like `apply`, so the applier's later copy is a no-op.
   */
  async applyOne(c: ChangeEvent): Promise<void> {
    await this.ready();
    const path = `/${LISTINGS_ALIAS}/_doc/${encodeURIComponent(c.listingId)}`;
    const querystring = { version: c.seq, version_type: 'external' };
    await this.client.request(
      c.op === 'upsert' && c.after ? { method: 'PUT', path, querystring, body: listingDoc(c.after) } : { method: 'DELETE', path, querystring },
      { allow: [404, 409] },
    );
  }

  /**
   * A new, empty listings index beside the alias's (which keeps answering searches while
   * the new one fills): its name, and the name of the one the alias points at now.
   */
  async createNext(): Promise<{ current: string; next: string }> {
    await this.ready();
    return createNextListingsIndex(this.client);
  }

  /** Searches and writes go to `to` from now on, atomically; `from` is deleted after. */
  async switchTo(from: string, to: string): Promise<void> {
    await switchListingsAlias(this.client, from, to);
    await this.client.request({ method: 'DELETE', path: `/${from}` }, { allow: [404] });
  }

  /**
   * Every listing of a store's snapshot, each at the snapshot's sequence number: what a
   * new (or lost) index is rebuilt from before it follows the log after that number.
   */
  async fill(records: ListingRecord[], seq: number, target: string = LISTINGS_ALIAS): Promise<void> {
    await this.ready();
    const operations: BulkOperation[] = records.map((r) => ({
      action: { index: { _index: target, _id: r.id, version: seq, version_type: 'external' } },
      document: listingDoc(r),
    }));
    throwRefused((await this.client.bulk(operations, false)).filter((d) => d.status !== 409), 'written');
  }

  /** Where in which store's log the index is, or null for an index never filled. */
  async cursor(): Promise<IndexCursor | null> {
    await this.ready();
    const res = await this.client.request<{ _source?: { value: IndexCursor } }>(
      { method: 'GET', path: `/${META_INDEX}/_doc/${CURSOR_DOC}` },
      { allow: [404] },
    );
    return res.status === 404 ? null : (res.body._source?.value ?? null);
  }

  /**
   * Moves the cursor, versioned by its sequence number like the listings: a paused
   * applier that wakes after another moved on cannot move it back.
   */
  async setCursor(cursor: IndexCursor): Promise<void> {
    await this.ready();
    await this.client.request(
      {
        method: 'PUT',
        path: `/${META_INDEX}/_doc/${CURSOR_DOC}`,
        querystring: { version: cursor.seq, version_type: 'external_gte' },
        body: { value: cursor },
      },
      { allow: [409] },
    );
  }

  /**
   * Runs a bulk load with the listings refreshed every 30 s instead of every second, then
   * puts the default back and refreshes. Measured on 300k listings into a local node:
   * 15,353 docs/s refreshing each second, 27,847 at 30 s. Not disabled outright: an import
   * killed midway would leave writes that wait for a refresh waiting for good.
   */
  async duringBulkLoad<T>(run: () => Promise<T>, target: string = LISTINGS_ALIAS): Promise<T> {
    await this.ready();
    const settings = (interval: string) =>
      this.client.request({ method: 'PUT', path: `/${target}/_settings`, body: { index: { refresh_interval: interval } } });
    await settings(BULK_REFRESH_INTERVAL);
    try {
      return await run();
    } finally {
      await settings(LISTINGS_REFRESH_INTERVAL);
      await this.refresh(target);
    }
  }

  async refresh(target: string = LISTINGS_ALIAS): Promise<void> {
    await this.ready();
    await this.client.request({ method: 'POST', path: `/${target}/_refresh` });
  }

  /** Ready when the cluster answers, is not red, and Roost's indices are in place. */
  async health(): Promise<EngineHealth> {
    try {
      const res = await this.client.request<{ status: string; number_of_nodes: number }>(
        { method: 'GET', path: '/_cluster/health', querystring: { timeout: '2s' } },
        { timeoutMs: 3_000, allow: [408] },
      );
      if (res.body.status === 'red') return { ok: false, detail: `${this.name}: cluster is red` };
      await this.ready();
      return { ok: true, detail: `${this.name}: ${res.body.status}, ${res.body.number_of_nodes} nodes` };
    } catch (err) {
      return { ok: false, detail: err instanceof EngineUnavailable || err instanceof EngineConflict ? err.message : `${this.name}: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Bulk operations the cluster refused, as one of Roost's errors: "not now" or "never". */
function throwRefused(drops: BulkDrop[], what: 'written' | 'removed'): void {
  const d = drops[0];
  if (!d) return;
  const message = `${drops.length} listings not ${what}: ${d.status} ${d.reason}`;
  throw isUnavailableStatus(d.status) ? new EngineUnavailable(message) : new EngineFailure(message, d.status);
}
