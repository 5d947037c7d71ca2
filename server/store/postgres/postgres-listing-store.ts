import type pg from 'pg';
import { applyWrite, updatedFrom } from '../../changes/apply-write';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../../changes/change-event';
import { sameContent, type ListingRecord } from '../../core/listing';
import type { SearchDefinition, WriteCounts } from '../../engine/search-engine';
import type { ListingStore, SearchAreaChange } from '../listing-store';
import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction, NOW_MS, query } from './database';

/**
 * The one lock every transaction that appends to a log takes before it takes a sequence
 * number: held to commit, it makes sequence order commit order (two writers that took 7
 * and 8 in the other order could commit 8 first, and a reader at 8 would never see 7).
 * Writes stay short, so serialising their last step costs little (BENCHMARKS.md). Every
 * writer takes listing rows first (FOR UPDATE, in id order) and this lock after, before
 * it inserts anything, so no two writers wait on each other in opposite orders.
 */
export const LOG_LOCK = 0x524f4f53; // "ROOS"

/** COPY's text format: backslashes doubled (JSON escapes every other control character), NULL as \N. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
function copyField(v: string | null): string {
  return v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!);
}

/** Streams rows into `COPY … FROM STDIN` on this transaction's connection. */
async function copyRows(c: pg.PoolClient, sql: string, rows: (string | null)[][]): Promise<void> {
  const stream = c.query(copyFrom(sql));
  const chunk = 1_000;
  for (let i = 0; i < rows.length; i += chunk) {
    const text = rows.slice(i, i + chunk).map((r) => `${r.map(copyField).join('\t')}\n`).join('');
    if (!stream.write(text)) await new Promise((r) => stream.once('drain', r));
  }
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end();
  });
}

/** A write that found its new id created by another writer meanwhile: rolled back and done again. */
class Raced extends Error {}

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

  private query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return query<R>(this.pool, text, values);
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

  /**
   * A batch in one transaction: the stored records read in one query, the merge done here
   * (the same rules as every store: listedAt kept, an equal record written nowhere), then
   * the listings and their change rows written with COPY — a 10,000-row import batch is a
   * handful of round trips, not 20,000 statements.
   */
  async upsertMany(records: ListingRecord[]): Promise<WriteCounts & { changed: number }> {
    if (records.length === 0) return { inserted: 0, updated: 0, changed: 0 };
    for (let round = 0; ; round++) {
      try {
        return await this.upsertOnce(records);
      } catch (err) {
        if (!(err instanceof Raced) || round === 5) throw err;
      }
    }
  }

  private upsertOnce(records: ListingRecord[]): Promise<WriteCounts & { changed: number }> {
    return inTransaction(this.pool, async (c) => {
      const stored = new Map<string, ListingRecord>();
      const found = await c.query<{ id: string; record: ListingRecord }>('SELECT id, record FROM listings WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [records.map((r) => r.id)]);
      for (const row of found.rows) stored.set(row.id, row.record);
      await c.query(`SELECT pg_advisory_xact_lock(${LOG_LOCK})`);
      let inserted = 0;
      let updated = 0;
      const now = Date.now();
      const writes: { before: ListingRecord | null; after: ListingRecord }[] = [];
      // The last of repeated ids in one batch wins, as one write after another would.
      const latest = new Map<string, ListingRecord>();
      for (const incoming of records) {
        const before = latest.get(incoming.id) ?? stored.get(incoming.id) ?? null;
        if (before) updated++;
        else inserted++;
        if (before && sameContent(before, incoming)) continue;
        const after: ListingRecord = before ? updatedFrom(before, incoming, now) : incoming;
        writes.push({ before, after });
        latest.set(after.id, after);
      }
      if (writes.length > 0) {
        // Each record serialised once, for its listing row and its change row.
        const json = new Map<ListingRecord, string>();
        const text = (r: ListingRecord) => json.get(r) ?? json.set(r, JSON.stringify(r)).get(r)!;
        const rows = [...latest.values()].map((r) => [r.id, text(r)]);
        if (stored.size === 0) {
          // All new (a first import): straight in, no staging table. An id another writer
          // created between the read and the lock fails the COPY: the batch is redone.
          await copyRows(c, 'COPY listings (id, record) FROM STDIN', rows).catch((err: unknown) => {
            throw (err as { code?: string }).code === '23505' ? new Raced('a listing of the batch was created meanwhile') : err;
          });
        } else {
          await c.query('CREATE TEMP TABLE incoming (id TEXT, record JSON) ON COMMIT DROP');
          await copyRows(c, 'COPY incoming (id, record) FROM STDIN', rows);
          await c.query('INSERT INTO listings (id, record) SELECT id, record FROM incoming ON CONFLICT (id) DO UPDATE SET record = excluded.record');
        }
        // Sequence numbers for the whole batch at once: under the lock nobody else takes any.
        const last = (await c.query<{ last: number }>("SELECT setval('changes_seq', nextval('changes_seq') + $1 - 1) AS last", [writes.length])).rows[0]!.last;
        const first = last - writes.length + 1;
        await copyRows(
          c,
          'COPY changes (seq, listing_id, op, before, after, at) FROM STDIN',
          writes.map((w, i) => [String(first + i), w.after.id, 'upsert', w.before ? JSON.stringify(w.before) : null, text(w.after), String(now)]),
        );
      }
      return { inserted, updated, changed: writes.length };
    });
  }

  /**
   * One API write in four round trips: BEGIN; the stored record locked (FOR UPDATE: a
   * writer of the same listing waits, then reads what the other committed); the listing
   * and its change row in one statement that first takes the log lock; COMMIT. The log
   * lock is held only from that statement to the commit, not for the whole write: it is
   * what every writer queues on (held from BEGIN, 681 writes/s; BENCHMARKS.md). A new id
   * has no row to lock: two writers creating it at once both see none, so the insert is
   * ON CONFLICT DO NOTHING and the one that finds the row there is redone from the start.
   */
  async write(w: ListingWrite): Promise<WriteOutcome> {
    for (let round = 0; ; round++) {
      try {
        return await inTransaction(this.pool, (c) => this.writeOnce(c, w));
      } catch (err) {
        if (!(err instanceof Raced) || round === 5) throw err;
      }
    }
  }

  private async writeOnce(c: pg.PoolClient, w: ListingWrite): Promise<WriteOutcome> {
    const id = w.op === 'put' ? w.record.id : w.id;
    // Named: prepared once per connection, so PostgreSQL parses and plans each write's statements once.
    const found = await c.query<{ record: ListingRecord }>({ name: 'write-read', text: 'SELECT record FROM listings WHERE id = $1 FOR UPDATE', values: [id] });
    const now = Date.now();
    const r = applyWrite(found.rows[0]?.record ?? null, w, now);
    switch (r.kind) {
      case 'missing':
        return { event: null, listing: null, existed: false };
      case 'unchanged':
        return { event: null, listing: r.listing, existed: true };
      case 'removed': {
        const logged = await c.query<{ seq: number }>({
          name: 'write-remove',
          text: `WITH lock AS (SELECT pg_advisory_xact_lock(${LOG_LOCK})), gone AS (DELETE FROM listings WHERE id = $1)
           INSERT INTO changes (seq, listing_id, op, before, after, at) SELECT nextval('changes_seq'), $1, 'remove', $2, NULL, $3 FROM lock RETURNING seq`,
          values: [id, r.before, now],
        });
        return { event: { seq: logged.rows[0]!.seq, listingId: id, op: 'remove', before: r.before, after: null, at: now }, listing: null, existed: true };
      }
      case 'written': {
        // Its rows come from `lock`: the lock is held before the insert can wait on anyone.
        const put = r.before
          ? 'INSERT INTO listings (id, record) SELECT $1, $2 FROM lock ON CONFLICT (id) DO UPDATE SET record = excluded.record RETURNING 1'
          : 'INSERT INTO listings (id, record) SELECT $1, $2 FROM lock ON CONFLICT (id) DO NOTHING RETURNING 1';
        // The sequence number is taken after the lock (the row comes from `lock`): order stays commit order.
        const logged = await c.query<{ seq: number }>({
          name: r.before ? 'write-update' : 'write-create',
          text: `WITH lock AS (SELECT pg_advisory_xact_lock(${LOG_LOCK})), put AS (${put})
           INSERT INTO changes (seq, listing_id, op, before, after, at)
           SELECT nextval('changes_seq'), $1, 'upsert', $3, $2, $4 FROM lock WHERE EXISTS (SELECT 1 FROM put) RETURNING seq`,
          values: [id, r.after, r.before, now],
        });
        const row = logged.rows[0];
        if (!row) throw new Raced(`listing ${id}: created by another writer meanwhile`);
        const event: ChangeEvent = { seq: row.seq, listingId: id, op: 'upsert', before: r.before, after: r.after, at: now };
        return { event, listing: r.after, existed: r.before !== null };
      }
    }
  }

  async removeMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return inTransaction(this.pool, async (c) => {
      await c.query('SELECT id FROM listings WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ids]);
      await c.query(`SELECT pg_advisory_xact_lock(${LOG_LOCK})`);
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
  async snapshot(onRecord: (r: ListingRecord) => void, onSeq?: (seq: number) => void): Promise<number> {
    return inTransaction(
      this.pool,
      async (c) => {
        const last = await c.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM changes');
        onSeq?.(last.rows[0]!.seq);
        await c.query('DECLARE every_listing NO SCROLL CURSOR FOR SELECT record FROM listings');
        for (;;) {
          const batch = await c.query<{ record: ListingRecord }>(`FETCH ${SNAPSHOT_BATCH} FROM every_listing`);
          for (const row of batch.rows) onRecord(row.record);
          if (batch.rows.length < SNAPSHOT_BATCH) break;
        }
        return last.rows[0]!.seq;
      },
      // Read-only, it locks nothing a writer waits for, and a large snapshot's loader may
      // pause between fetches longer than the idle bound allows.
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL idle_in_transaction_session_timeout = 0',
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

  async metaOnce(key: string, value: string): Promise<string> {
    await this.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.getMeta(key))!;
  }

  async claimLease(name: string, node: string, leaseMs: number): Promise<boolean> {
    const r = await this.query(
      `INSERT INTO leases (name, holder, expires) VALUES ($1, $2, ${NOW_MS} + $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
       WHERE leases.holder = excluded.holder OR leases.expires < ${NOW_MS}`,
      [name, node, leaseMs],
    );
    return r.rowCount === 1;
  }

  async releaseLease(name: string, node: string): Promise<void> {
    await this.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, node]);
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
