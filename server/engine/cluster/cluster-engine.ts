import { levelForZoom } from '../../core/levels';
import { sameContent, type Listing, type ListingRecord } from '../../core/listing';
import { EngineConflict, EngineFailure, EngineUnavailable } from '../engine-errors';
import type {
  EngineHealth,
  ListPage,
  ListQuery,
  SearchDefinition,
  SearchEngine,
  SearchQuery,
  SearchResult,
  WriteCounts,
} from '../search-engine';
import { isUnavailableStatus, type BulkDrop, type BulkOperation, type ClusterClient } from './cluster-client';
import { targetOf } from './bulk-helper';
import { ensureIndices } from './index-admin';
import {
  LISTINGS_ALIAS,
  listBody,
  listingDoc,
  META_INDEX,
  percolateBody,
  percolatorDoc,
  recordOf,
  SAVED_SEARCHES_INDEX,
  searchBody,
  type ListingDoc,
} from './query-bodies';
import { listingsOf, percolateMatches, searchResultOf, totalOf, type SearchResponseBody } from './responses';

/** How long a list's point in time stays open between two pages. */
const PIT_KEEP_ALIVE = '2m';
/** Saved searches fetched per percolate request; more are paged. */
const PERCOLATE_PAGE = 5_000;
/** Rounds of re-reading ids whose conditional write lost to another writer. */
const CONFLICT_ROUNDS = 5;

interface Stored {
  record: ListingRecord;
  seqNo: number;
  primaryTerm: number;
}

/**
 * The engine on an Elasticsearch or OpenSearch cluster: the same answers as the embedded
 * engine (the contract suite holds both to that), request bodies from `query-bodies.ts`,
 * the product's client behind `ClusterClient`.
 */
export class ClusterEngine implements SearchEngine {
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
    const body = await this.searchRequest(`/${LISTINGS_ALIAS}/_search`, searchBody(query));
    return searchResultOf(levelForZoom(query.zoom), body);
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

  async get(id: string): Promise<Listing | null> {
    const stored = await this.read([id]);
    const r = stored.get(id);
    return r ? listingsOf({ hits: { hits: [{ _id: id, _source: listingDoc(r.record) }] } })[0]! : null;
  }

  async count(): Promise<number> {
    await this.ready();
    return (await this.client.request<{ count: number }>({ method: 'GET', path: `/${LISTINGS_ALIAS}/_count` })).body.count;
  }

  /** The stored state of each id that exists, with what a conditional write needs. */
  private async read(ids: string[]): Promise<Map<string, Stored>> {
    await this.ready();
    const out = new Map<string, Stored>();
    if (ids.length === 0) return out;
    const res = await this.client.request<{ docs: { _id: string; found: boolean; _source?: ListingDoc; _seq_no?: number; _primary_term?: number }[] }>({
      method: 'POST',
      path: `/${LISTINGS_ALIAS}/_mget`,
      body: { ids },
    });
    for (const d of res.body.docs) {
      if (d.found && d._source) out.set(d._id, { record: recordOf(d._source), seqNo: d._seq_no!, primaryTerm: d._primary_term! });
    }
    return out;
  }

  /**
   * Writes a batch as the embedded store does — an update keeps `listedAt`, an equal
   * record changes nothing — without reading first: every id is sent as `create`, which
   * succeeds for new ids (all of a first import); the ids that exist come back as
   * conflicts and only those are read and written with `if_seq_no`, so a writer that
   * changed one in between is noticed and the id is read again. Reading every batch
   * first measured 18,000 docs/s at 1M listings; creating first is the import's rate.
   */
  async upsertMany(records: ListingRecord[]): Promise<WriteCounts> {
    await this.ready();
    const counts = { inserted: 0, updated: 0 };
    // A repeated id within the batch: its later rows update its first (as row by row).
    const latest = new Map<string, ListingRecord>();
    const now = Date.now();
    for (const r of records) {
      const earlier = latest.get(r.id);
      if (earlier) counts.updated++;
      latest.set(r.id, earlier ? (sameContent(earlier, r) ? earlier : { ...r, listedAt: earlier.listedAt, updatedAt: now }) : r);
    }
    const created = await this.client.bulk(
      [...latest.values()].map((r) => ({ action: { create: { _index: LISTINGS_ALIAS, _id: r.id } }, document: listingDoc(r) })),
      false,
    );
    let existing = this.conflictedIds(created);
    counts.inserted += latest.size - existing.length;
    counts.updated += existing.length;
    for (let round = 0; existing.length > 0; round++) {
      if (round === CONFLICT_ROUNDS) throw new EngineUnavailable(`${existing.length} listings kept conflicting with other writers`);
      const stored = await this.read(existing);
      const operations: BulkOperation[] = [];
      for (const id of existing) {
        const incoming = latest.get(id)!;
        const s = stored.get(id);
        if (!s) {
          // Removed since the create failed: it is new again.
          operations.push({ action: { create: { _index: LISTINGS_ALIAS, _id: id } }, document: listingDoc(incoming) });
          continue;
        }
        if (sameContent(s.record, incoming)) continue;
        const next = { ...incoming, listedAt: s.record.listedAt, updatedAt: now };
        operations.push({
          action: { index: { _index: LISTINGS_ALIAS, _id: id, if_seq_no: s.seqNo, if_primary_term: s.primaryTerm } },
          document: listingDoc(next),
        });
      }
      existing = this.conflictedIds(await this.client.bulk(operations, false));
    }
    return counts;
  }

  /** The ids whose operation lost to an existing document; any other refusal is thrown. */
  private conflictedIds(drops: BulkDrop[]): string[] {
    const conflicts = drops.filter((d) => d.status === 409);
    if (conflicts.length < drops.length) {
      const d = drops.find((x) => x.status !== 409)!;
      const n = drops.length - conflicts.length;
      throw isUnavailableStatus(d.status)
        ? new EngineUnavailable(`${n} listings not written: ${d.status} ${d.reason}`)
        : new EngineFailure(`${n} listings refused: ${d.status} ${d.reason}`, d.status);
    }
    return conflicts.map((d) => targetOf(d.operation)._id);
  }

  async removeMany(ids: string[]): Promise<number> {
    const unique = [...new Set(ids)];
    const existing = await this.read(unique);
    const operations: BulkOperation[] = [...existing.keys()].map((id) => ({ action: { delete: { _index: LISTINGS_ALIAS, _id: id } } }));
    const drops = (await this.client.bulk(operations, false)).filter((d) => d.status !== 404);
    if (drops.length > 0) {
      const d = drops[0]!;
      throw isUnavailableStatus(d.status)
        ? new EngineUnavailable(`${drops.length} listings not removed: ${d.status} ${d.reason}`)
        : new EngineFailure(`${drops.length} removals refused: ${d.status} ${d.reason}`, d.status);
    }
    return existing.size;
  }

  async refresh(): Promise<void> {
    await this.ready();
    await this.client.request({ method: 'POST', path: `/${LISTINGS_ALIAS}/_refresh` });
  }

  async putSearch(search: SearchDefinition): Promise<void> {
    await this.ready();
    await this.client.request({
      method: 'PUT',
      path: `/${SAVED_SEARCHES_INDEX}/_doc/${encodeURIComponent(search.id)}`,
      // Refreshed at once: a renter who saves a search expects the next listing to match.
      querystring: { refresh: 'true' },
      body: percolatorDoc(search),
    });
  }

  async removeSearch(id: string): Promise<void> {
    await this.ready();
    await this.client.request(
      { method: 'DELETE', path: `/${SAVED_SEARCHES_INDEX}/_doc/${encodeURIComponent(id)}`, querystring: { refresh: 'true' } },
      { allow: [404] },
    );
  }

  async percolate(states: ListingRecord[]): Promise<string[][]> {
    const out: string[][] = states.map(() => []);
    if (states.length === 0) return out;
    const base = percolateBody(states, PERCOLATE_PAGE);
    let after: unknown[] | undefined;
    for (;;) {
      const res = await this.searchRequest<unknown>(`/${SAVED_SEARCHES_INDEX}/_search`, {
        ...base,
        sort: [{ id: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
      percolateMatches(res, states.length).forEach((ids, i) => out[i]!.push(...ids));
      const hits = res.hits.hits;
      if (hits.length < PERCOLATE_PAGE) break;
      after = hits[hits.length - 1]!.sort;
    }
    return out.map((ids) => ids.sort());
  }

  async boundaries(): Promise<string | null> {
    await this.ready();
    const res = await this.client.request<{ found?: boolean; _source?: { value: { text: string } } }>(
      { method: 'GET', path: `/${META_INDEX}/_doc/boundaries` },
      { allow: [404] },
    );
    return res.status === 404 ? null : (res.body._source?.value.text ?? null);
  }

  async setBoundaries(geojson: string): Promise<void> {
    await this.ready();
    await this.client.request({
      method: 'PUT',
      path: `/${META_INDEX}/_doc/boundaries`,
      querystring: { refresh: 'wait_for' },
      body: { value: { text: geojson } },
    });
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
