import type pg from 'pg';
import { applyWrite } from '../../changes/apply-write';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../../changes/change-event';
import { sameContent, type ListingRecord } from '../../core/listing';
import type { SearchDefinition, WriteCounts } from '../../engine/search-engine';
import type { ListingStore, SearchAreaChange } from '../listing-store';
import { asStoreError, inTransaction } from './database';

/**
 * The one lock every transaction that appends to a log takes before it takes a sequence
 * number: held to commit, it makes sequence order commit order (two writers that took 7
 * and 8 in the other order could commit 8 first, and a reader at 8 would never see 7).
 * Writes stay short, so serialising their last step costs little (BENCHMARKS.md).
 */
const LOG_LOCK = 0x524f4f53; // "ROOS"

/** Rows per FETCH while reading every listing at start. */
const SNAPSHOT_BATCH = 10_000;

type ChangeRow = { seq: number; listing_id: string; op: ChangeEvent['op']; before: ListingRecord | null; after: ListingRecord | null; at: number };

function eventOf(r: ChangeRow): ChangeEvent {
  return { seq: r.seq, listingId: r.listing_id, op: r.op, before: r.before, after: r.after, at: r.at };
}

/** Listings, their change log and saved-search areas in PostgreSQL (DATABASE_URL): the record every node shares. */
export class PostgresListingStore implements ListingStore {
  readonly name = 'postgresql';

  constructor(private readonly pool: pg.Pool) {}

  /** One statement on the pool, its connection failures as EngineUnavailable. */
  private async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      throw asStoreError(err);
    }
  }

  async get(id: string): Promise<ListingRecord | null> {
    const r = await this.query<{ record: ListingRecord }>('SELECT record FROM listings WHERE id = $1', [id]);
    return r.rows[0]?.record ?? null;
  }

  async count(): Promise<number> {
    const r = await this.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM listings');
    return r.rows[0]!.n;
  }

  private async log(c: pg.PoolClient, id: string, op: ChangeEvent['op'], before: ListingRecord | null, after: ListingRecord | null, at: number): Promise<ChangeEvent> {
    const r = await c.query<{ seq: number }>(
      "INSERT INTO changes (seq, listing_id, op, before, after, at) VALUES (nextval('changes_seq'), $1, $2, $3, $4, $5) RETURNING seq",
      [id, op, before, after, at],
    );
    return { seq: r.rows[0]!.seq, listingId: id, op, before, after, at };
  }

  private async put(c: pg.PoolClient, r: ListingRecord): Promise<void> {
    await c.query('INSERT INTO listings (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = excluded.record', [r.id, r]);
  }

  async upsertMany(records: ListingRecord[]): Promise<WriteCounts & { changed: number }> {
    if (records.length === 0) return { inserted: 0, updated: 0, changed: 0 };
    return inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
      const ids = records.map((r) => r.id);
      const stored = new Map<string, ListingRecord>();
      const found = await c.query<{ id: string; record: ListingRecord }>('SELECT id, record FROM listings WHERE id = ANY($1::text[]) FOR UPDATE', [ids]);
      for (const row of found.rows) stored.set(row.id, row.record);
      let inserted = 0;
      let updated = 0;
      let changed = 0;
      const now = Date.now();
      for (const incoming of records) {
        const before = stored.get(incoming.id) ?? null;
        if (before) updated++;
        else inserted++;
        if (before && sameContent(before, incoming)) continue;
        const after: ListingRecord = before ? { ...incoming, listedAt: before.listedAt, updatedAt: now } : incoming;
        await this.put(c, after);
        await this.log(c, after.id, 'upsert', before, after, now);
        stored.set(after.id, after);
        changed++;
      }
      return { inserted, updated, changed };
    });
  }

  async write(w: ListingWrite): Promise<WriteOutcome> {
    const id = w.op === 'put' ? w.record.id : w.id;
    return inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
      const found = await c.query<{ record: ListingRecord }>('SELECT record FROM listings WHERE id = $1 FOR UPDATE', [id]);
      const now = Date.now();
      const r = applyWrite(found.rows[0]?.record ?? null, w, now);
      switch (r.kind) {
        case 'missing':
          return { event: null, listing: null, existed: false };
        case 'unchanged':
          return { event: null, listing: r.listing, existed: true };
        case 'removed':
          await c.query('DELETE FROM listings WHERE id = $1', [id]);
          return { event: await this.log(c, id, 'remove', r.before, null, now), listing: null, existed: true };
        case 'written':
          await this.put(c, r.after);
          return { event: await this.log(c, id, 'upsert', r.before, r.after, now), listing: r.after, existed: r.before !== null };
      }
    });
  }

  async removeMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
      const gone = await c.query<{ id: string; record: ListingRecord }>('DELETE FROM listings WHERE id = ANY($1::text[]) RETURNING id, record', [ids]);
      const now = Date.now();
      for (const row of gone.rows) await this.log(c, row.id, 'remove', row.record, null, now);
      return gone.rows.length;
    });
  }

  async priceHistory(id: string): Promise<{ at: number; price: number }[]> {
    const r = await this.query<{ at: number; price: number; listed_at: number }>(
      "SELECT at, (after->>'price')::int AS price, (after->>'listedAt')::bigint AS listed_at FROM changes WHERE listing_id = $1 AND op = 'upsert' ORDER BY seq",
      [id],
    );
    const out: { at: number; price: number }[] = [];
    for (const { at, price, listed_at } of r.rows) {
      if (out.length > 0 && out[out.length - 1]!.price === price) continue;
      out.push({ at: out.length === 0 ? Math.min(at, listed_at) : at, price });
    }
    return out;
  }

  async lastSeq(): Promise<number> {
    const r = await this.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM changes');
    return r.rows[0]!.seq;
  }

  async changesAfter(seq: number, limit = 10_000): Promise<ChangeEvent[]> {
    const r = await this.query<ChangeRow>('SELECT seq, listing_id, op, before, after, at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
    return r.rows.map(eventOf);
  }

  /** One REPEATABLE READ snapshot: the listings and the last sequence number agree. */
  async snapshot(onRecord: (r: ListingRecord) => void): Promise<number> {
    return inTransaction(
      this.pool,
      async (c) => {
        const last = await c.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM changes');
        await c.query('DECLARE every_listing NO SCROLL CURSOR FOR SELECT record FROM listings');
        for (;;) {
          const batch = await c.query<{ record: ListingRecord }>(`FETCH ${SNAPSHOT_BATCH} FROM every_listing`);
          for (const row of batch.rows) onRecord(row.record);
          if (batch.rows.length < SNAPSHOT_BATCH) break;
        }
        return last.rows[0]!.seq;
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async putSearchArea(search: SearchDefinition): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK + 1]);
      await c.query('INSERT INTO search_areas (id, definition) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition', [search.id, search]);
      await c.query("INSERT INTO search_area_log (version, id, definition) VALUES (nextval('search_area_versions'), $1, $2)", [search.id, search]);
    });
  }

  async removeSearchArea(id: string): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK + 1]);
      await c.query('DELETE FROM search_areas WHERE id = $1', [id]);
      await c.query("INSERT INTO search_area_log (version, id, definition) VALUES (nextval('search_area_versions'), $1, NULL)", [id]);
    });
  }

  async searchAreasAt(): Promise<{ version: number; areas: SearchDefinition[] }> {
    return inTransaction(
      this.pool,
      async (c) => {
        const v = await c.query<{ version: number }>('SELECT COALESCE(MAX(version), 0)::bigint AS version FROM search_area_log');
        const areas = await c.query<{ definition: SearchDefinition }>('SELECT definition FROM search_areas');
        return { version: v.rows[0]!.version, areas: areas.rows.map((r) => r.definition) };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async searchAreaChanges(after: number): Promise<SearchAreaChange[]> {
    const r = await this.query<{ version: number; id: string; definition: SearchDefinition | null }>(
      'SELECT version, id, definition FROM search_area_log WHERE version > $1 ORDER BY version',
      [after],
    );
    return r.rows.map((row) => ({ version: row.version, id: row.id, search: row.definition }));
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return r.rows[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  poolUse(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
