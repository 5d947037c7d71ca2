import type Database from 'better-sqlite3';
import { openSharedDatabase, whenFree } from '../core/shared-database';
import type { PushSubscriptionJson } from '../contract/alert-channels';
import { PUSH_SCHEMA_SQLITE } from './push-schema';
import { MAX_PUSH_SUBSCRIPTIONS, type PushStore, type StoredSubscription, type VapidKeys } from './push-store';

const VAPID = 'vapid-keys';
type Row = { endpoint: string; owner: string; p256dh: string; auth: string; locale: string; created_at: number };

/** Push's record in alerts.db (one file to back up with the owners it belongs to). */
export class SqlitePushStore implements PushStore {
  private readonly db: Database.Database;
  private readonly s;
  private readonly subscribeTx;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, 'alerts.db');
    this.db.exec(PUSH_SCHEMA_SQLITE);
    this.s = {
      keepVapid: this.db.prepare('INSERT INTO push_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
      vapid: this.db.prepare('SELECT value FROM push_meta WHERE key = ?').pluck(),
      put: this.db.prepare(
        `INSERT INTO push_subscriptions (endpoint, owner, p256dh, auth, locale, created_at) VALUES (@endpoint, @owner, @p256dh, @auth, @locale, @now)
         ON CONFLICT (endpoint) DO UPDATE SET owner = excluded.owner, p256dh = excluded.p256dh, auth = excluded.auth, locale = excluded.locale, created_at = excluded.created_at`,
      ),
      trim: this.db.prepare(
        'DELETE FROM push_subscriptions WHERE owner = @owner AND endpoint NOT IN (SELECT endpoint FROM push_subscriptions WHERE owner = @owner ORDER BY created_at DESC, endpoint LIMIT @max)',
      ),
      remove: this.db.prepare('DELETE FROM push_subscriptions WHERE owner = ? AND endpoint = ?'),
      of: this.db.prepare('SELECT endpoint, owner, p256dh, auth, locale, created_at FROM push_subscriptions WHERE owner = ? ORDER BY created_at, endpoint'),
      drop: this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?'),
      claim: this.db.prepare('INSERT INTO push_notices (key, at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE push_notices.at <= ?'),
      cursor: this.db.prepare('SELECT value FROM push_cursors WHERE name = ?').pluck(),
      setCursor: this.db.prepare('INSERT INTO push_cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)'),
    };
    this.subscribeTx = this.db.transaction((row: { endpoint: string; owner: string; p256dh: string; auth: string; locale: string; now: number; max: number }) => {
      this.s.put.run(row);
      this.s.trim.run({ owner: row.owner, max: row.max });
    });
  }

  async vapidKeys(candidate: VapidKeys): Promise<VapidKeys> {
    await whenFree(() => this.s.keepVapid.run(VAPID, JSON.stringify(candidate)));
    return JSON.parse(this.s.vapid.get(VAPID) as string) as VapidKeys;
  }

  async subscribe(owner: string, sub: PushSubscriptionJson, locale: string, now: number, max = MAX_PUSH_SUBSCRIPTIONS): Promise<void> {
    await whenFree(() => this.subscribeTx.immediate({ endpoint: sub.endpoint, owner, p256dh: sub.keys.p256dh, auth: sub.keys.auth, locale, now, max }));
  }

  async unsubscribe(owner: string, endpoint: string): Promise<boolean> {
    return (await whenFree(() => this.s.remove.run(owner, endpoint))).changes === 1;
  }

  async subscriptionsOf(owner: string): Promise<StoredSubscription[]> {
    return (this.s.of.all(owner) as Row[]).map((r) => ({ endpoint: r.endpoint, owner: r.owner, keys: { p256dh: r.p256dh, auth: r.auth }, locale: r.locale, createdAt: r.created_at }));
  }

  async subscriptionsOfMany(owners: string[]): Promise<Map<string, StoredSubscription[]>> {
    const out = new Map<string, StoredSubscription[]>();
    for (const o of new Set(owners)) {
      const subs = await this.subscriptionsOf(o);
      if (subs.length > 0) out.set(o, subs);
    }
    return out;
  }

  async drop(endpoint: string): Promise<void> {
    await whenFree(() => this.s.drop.run(endpoint));
  }

  async claimNotice(key: string, now: number, periodMs: number): Promise<boolean> {
    return (await whenFree(() => this.s.claim.run(key, now, now - periodMs))).changes === 1;
  }

  async cursor(name: string): Promise<number | null> {
    return (this.s.cursor.get(name) as number | undefined) ?? null;
  }

  async setCursor(name: string, value: number): Promise<void> {
    await whenFree(() => this.s.setCursor.run(name, value));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
