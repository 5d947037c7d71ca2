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
import { isUnavailableStatus, type BulkOperation, type ClusterClient } from './cluster-client';
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
   * Reads the batch's ids, decides per id what changes (an update keeps `listedAt`; an
   * equal record changes nothing), and writes through the bulk helper with optimistic
   * concurrency: `create` for new ids, `if_seq_no` for existing ones. An id another writer
   * changed in between is read again and retried.
   */
  async upsertMany(records: ListingRecord[]): Promise<WriteCounts> {
    const counts = { inserted: 0, updated: 0 };
    let pending = records;
    for (let round = 0; pending.length > 0; round++) {
      if (round === CONFLICT_ROUNDS) throw new EngineUnavailable(`${pending.length} listings kept conflicting with other writers`);
      const stored = await this.read([...new Set(pending.map((r) => r.id))]);
      const next = new Map<string, ListingRecord>();
      const now = Date.now();
      for (const incoming of pending) {
        const current = next.get(incoming.id) ?? stored.get(incoming.id)?.record ?? null;
        if (round === 0) {
          if (current) counts.updated++;
          else counts.inserted++;
        }
        if (current && sameContent(current, incoming)) continue;
        next.set(incoming.id, current ? { ...incoming, listedAt: current.listedAt, updatedAt: now } : incoming);
      }
      const operations: BulkOperation[] = [...next.values()].map((r) => {
        const s = stored.get(r.id);
        const target = { _index: LISTINGS_ALIAS, _id: r.id };
        return s
          ? { action: { index: { ...target, if_seq_no: s.seqNo, if_primary_term: s.primaryTerm } }, document: listingDoc(r) }
          : { action: { create: target }, document: listingDoc(r) };
      });
      const drops = await this.client.bulk(operations, false);
      const conflicts = drops.filter((d) => d.status === 409);
      if (conflicts.length < drops.length) {
        const d = drops.find((x) => x.status !== 409)!;
        throw isUnavailableStatus(d.status)
          ? new EngineUnavailable(`${drops.length - conflicts.length} listings not written: ${d.status} ${d.reason}`)
          : new EngineFailure(`${drops.length - conflicts.length} listings refused: ${d.status} ${d.reason}`, d.status);
      }
      const conflicted = new Set(conflicts.map((d) => (d.operation.action.index ?? d.operation.action.create)!._id));
      pending = pending.filter((r) => conflicted.has(r.id));
    }
    return counts;
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
