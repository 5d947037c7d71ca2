import type pg from 'pg';
import type { PushSubscriptionJson } from '../contract/alert-channels';
import { inTransaction, query } from '../store/postgres/database';
import { MAX_PUSH_SUBSCRIPTIONS, type PushStore, type StoredSubscription, type VapidKeys } from './push-store';

type Row = { endpoint: string; owner: string; p256dh: string; auth: string; locale: string; created_at: number };

/** Push's record in the shared database (migration 14; the keys in meta). Shares the record's pool. */
export class PostgresPushStore implements PushStore {
  constructor(private readonly pool: pg.Pool) {}

  async vapidKeys(candidate: VapidKeys): Promise<VapidKeys> {
    await query(this.pool, "INSERT INTO meta (key, value) VALUES ('vapid-keys', $1) ON CONFLICT (key) DO NOTHING", [JSON.stringify(candidate)]);
    const r = await query<{ value: string }>(this.pool, "SELECT value FROM meta WHERE key = 'vapid-keys'");
    return JSON.parse(r.rows[0]!.value) as VapidKeys;
  }

  async subscribe(owner: string, sub: PushSubscriptionJson, locale: string, now: number, max = MAX_PUSH_SUBSCRIPTIONS): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO push_subscriptions (endpoint, owner, p256dh, auth, locale, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (endpoint) DO UPDATE SET owner = excluded.owner, p256dh = excluded.p256dh, auth = excluded.auth, locale = excluded.locale, created_at = excluded.created_at`,
        [sub.endpoint, owner, sub.keys.p256dh, sub.keys.auth, locale, now],
      );
      await c.query(
        'DELETE FROM push_subscriptions WHERE owner = $1 AND endpoint NOT IN (SELECT endpoint FROM push_subscriptions WHERE owner = $1 ORDER BY created_at DESC, endpoint LIMIT $2)',
        [owner, max],
      );
    });
  }

  async unsubscribe(owner: string, endpoint: string): Promise<boolean> {
    return (await query(this.pool, 'DELETE FROM push_subscriptions WHERE owner = $1 AND endpoint = $2', [owner, endpoint])).rowCount === 1;
  }

  async subscriptionsOf(owner: string): Promise<StoredSubscription[]> {
    const r = await query<Row>(this.pool, 'SELECT endpoint, owner, p256dh, auth, locale, created_at FROM push_subscriptions WHERE owner = $1 ORDER BY created_at, endpoint', [owner]);
    return r.rows.map((row) => ({ endpoint: row.endpoint, owner: row.owner, keys: { p256dh: row.p256dh, auth: row.auth }, locale: row.locale, createdAt: row.created_at }));
  }

  async subscriptionsOfMany(owners: string[]): Promise<Map<string, StoredSubscription[]>> {
    const out = new Map<string, StoredSubscription[]>();
    if (owners.length === 0) return out;
    const r = await query<Row>(this.pool, 'SELECT endpoint, owner, p256dh, auth, locale, created_at FROM push_subscriptions WHERE owner = ANY($1::text[]) ORDER BY created_at, endpoint', [[...new Set(owners)]]);
    for (const row of r.rows) {
      const list = out.get(row.owner) ?? [];
      list.push({ endpoint: row.endpoint, owner: row.owner, keys: { p256dh: row.p256dh, auth: row.auth }, locale: row.locale, createdAt: row.created_at });
      out.set(row.owner, list);
    }
    return out;
  }

  async drop(endpoint: string): Promise<void> {
    await query(this.pool, 'DELETE FROM push_subscriptions WHERE endpoint = $1', [endpoint]);
  }

  async claimNotice(key: string, now: number, periodMs: number): Promise<boolean> {
    const r = await query(
      this.pool,
      'INSERT INTO push_notices (key, at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE push_notices.at <= $3',
      [key, now, now - periodMs],
    );
    return r.rowCount === 1;
  }

  async cursor(name: string): Promise<number | null> {
    const r = await query<{ value: number }>(this.pool, 'SELECT value FROM push_cursors WHERE name = $1', [name]);
    return r.rows[0]?.value ?? null;
  }

  async setCursor(name: string, value: number): Promise<void> {
    await query(this.pool, 'INSERT INTO push_cursors (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = GREATEST(push_cursors.value, excluded.value)', [name, value]);
  }

  /** The pool is the listing store's to end. */
  async close(): Promise<void> {}
}
