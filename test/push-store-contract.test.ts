/**
 * One contract for Web Push's record — VAPID keys kept once, subscriptions by owner and
 * their bound, the notifier's claims and cursor, forgetting with the owner and moving at
 * sign-in — run on SQLite (alerts.db) and on a PostgreSQL server of our own.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { OWNED_MOVES_POSTGRES, OWNED_MOVES_SQLITE } from '../server/accounts/owned-records';
import type { AlertStore } from '../server/alerts/alert-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import { PostgresPushStore } from '../server/push/postgres-push-store';
import type { PushStore } from '../server/push/push-store';
import { SqlitePushStore } from '../server/push/sqlite-push-store';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { storeLegs } from './helpers/store-legs';

interface Stores {
  push: PushStore;
  alerts: AlertStore;
  move(from: string, to: string): Promise<void>;
}

const legs = storeLegs<Stores>('push store contract', {
  sqlite: (dir) => {
    // The alert store makes the push tables too: a sign-in's moves find them whichever opened first.
    const alerts = new SqliteAlertStore(dir);
    const db: Database.Database = alerts.db;
    return {
      push: new SqlitePushStore(dir),
      alerts,
      move: async (from, to) => {
        db.transaction(() => {
          for (const sql of OWNED_MOVES_SQLITE) db.prepare(sql).run({ from, to });
        })();
      },
    };
  },
  postgres: (p) => ({
    push: new PostgresPushStore(p),
    alerts: new PostgresAlertStore(p),
    move: async (from, to) => {
      const c = await p.connect();
      try {
        await c.query('BEGIN');
        for (const m of OWNED_MOVES_POSTGRES) await c.query(m.text, m.names.map((n) => (n === 'from' ? from : to)));
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    },
  }),
});

const sub = (n: string) => ({
  endpoint: `https://fcm.googleapis.com/fcm/send/${n}`,
  expirationTime: null,
  keys: { p256dh: Buffer.concat([Buffer.from([4]), crypto.randomBytes(64)]).toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
});

for (const leg of legs) {
  describe(`push store contract: ${leg.name}`, () => {
    let s: Stores;
    beforeAll(async () => {
      s = await leg.open();
    }, 60_000);
    afterAll(async () => {
      await s?.push.close();
      await s?.alerts.close();
      await leg.done();
    });

    it('keeps the first VAPID keys it is given, for every caller', async () => {
      const first = await s.push.vapidKeys({ publicKey: 'pub-1', privateKey: 'priv-1' });
      expect(first).toEqual({ publicKey: 'pub-1', privateKey: 'priv-1' });
      expect(await s.push.vapidKeys({ publicKey: 'pub-2', privateKey: 'priv-2' })).toEqual(first);
    });

    it('keeps subscriptions by owner with their language; an endpoint posted again moves to its new owner', async () => {
      const [a, b] = [sub('a'), sub('b')];
      await s.push.subscribe('o-1', a, 'en', 10);
      await s.push.subscribe('o-1', b, 'zh', 11);
      expect(await s.push.subscriptionsOf('o-1')).toEqual([
        { endpoint: a.endpoint, owner: 'o-1', keys: a.keys, locale: 'en', createdAt: 10 },
        { endpoint: b.endpoint, owner: 'o-1', keys: b.keys, locale: 'zh', createdAt: 11 },
      ]);
      const renewed = { ...b, keys: sub('x').keys };
      await s.push.subscribe('o-2', renewed, 'en', 12);
      expect((await s.push.subscriptionsOf('o-1')).map((x) => x.endpoint)).toEqual([a.endpoint]);
      expect((await s.push.subscriptionsOf('o-2'))[0]).toMatchObject({ endpoint: b.endpoint, keys: renewed.keys });
      expect(await s.push.unsubscribe('o-2', a.endpoint)).toBe(false);
      expect(await s.push.unsubscribe('o-1', a.endpoint)).toBe(true);
      expect(await s.push.subscriptionsOf('o-1')).toEqual([]);
    });

    it('bounds an owner: past the most, the oldest go', async () => {
      for (let i = 0; i < 5; i++) await s.push.subscribe('o-3', sub(`bound-${i}`), 'en', 100 + i, 3);
      expect((await s.push.subscriptionsOf('o-3')).map((x) => x.endpoint)).toEqual([2, 3, 4].map((i) => sub(`bound-${i}`).endpoint));
      await s.push.drop(sub('bound-3').endpoint);
      expect(await s.push.subscriptionsOf('o-3')).toHaveLength(2);
    });

    it('reads several owners\' subscriptions at once, as one each would: an owner with none is absent', async () => {
      await s.push.subscribe('many-1', sub('many-a'), 'en', 300);
      await s.push.subscribe('many-1', sub('many-b'), 'zh', 301);
      await s.push.subscribe('many-2', sub('many-c'), 'en', 302);
      const got = await s.push.subscriptionsOfMany(['many-1', 'many-2', 'many-none', 'many-1']);
      expect([...got.keys()].sort()).toEqual(['many-1', 'many-2']);
      expect(got.get('many-1')).toEqual(await s.push.subscriptionsOf('many-1'));
      expect(got.get('many-2')).toEqual(await s.push.subscriptionsOf('many-2'));
      expect(await s.push.subscriptionsOfMany([])).toEqual(new Map());
    });

    it('claims a notice once per period, whoever asks', async () => {
      expect(await s.push.claimNotice('c-1:acc-1', 1_000, 600)).toBe(true);
      expect(await s.push.claimNotice('c-1:acc-1', 1_500, 600)).toBe(false);
      expect(await s.push.claimNotice('c-2:acc-1', 1_500, 600)).toBe(true);
      expect(await s.push.claimNotice('c-1:acc-1', 1_600, 600)).toBe(true);
      const racing = await Promise.all(Array.from({ length: 8 }, () => s.push.claimNotice('c-3:acc-1', 5_000, 600)));
      expect(racing.filter(Boolean)).toHaveLength(1);
    });

    it('keeps a cursor that only moves forward', async () => {
      expect(await s.push.cursor('message-notify')).toBeNull();
      await s.push.setCursor('message-notify', 7);
      await s.push.setCursor('message-notify', 5);
      expect(await s.push.cursor('message-notify')).toBe(7);
    });

    it('moves subscriptions at sign-in and forgets them with their owner', async () => {
      await s.push.subscribe('anon-1', sub('m-1'), 'en', 1);
      await s.push.subscribe('anon-1', sub('m-2'), 'en', 2);
      await s.move('anon-1', 'acc-9');
      expect(await s.push.subscriptionsOf('anon-1')).toEqual([]);
      expect((await s.push.subscriptionsOf('acc-9')).map((x) => x.endpoint)).toEqual([sub('m-1').endpoint, sub('m-2').endpoint]);
      await s.alerts.forgetOwner('acc-9');
      expect(await s.push.subscriptionsOf('acc-9')).toEqual([]);
    });
  });
}
