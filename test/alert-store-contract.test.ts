/**
 * One contract for saved searches, the inbox and the matcher's cursor and lease, run on
 * SQLite (DATA_DIR) and on a PostgreSQL server of our own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertStore, NewAlert, SavedSearch } from '../server/alerts/alert-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import type { ListingRecord } from '../server/core/listing';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { tempDir } from './helpers/roost';

const LISTING: ListingRecord = {
  id: 'l1', title: 'Home', lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1,
  listedAt: Date.UTC(2026, 0, 1), updatedAt: Date.UTC(2026, 0, 1),
};

function search(id: string, extra: Partial<SavedSearch> = {}): SavedSearch {
  return { id, name: `Search ${id}`, area: { bbox: [-74, 40.6, -73.9, 40.8] }, filters: { priceMax: 3000 }, notify: ['new', 'price_drop'], paused: false, createdAt: Date.UTC(2026, 0, 2), since: 7, channels: ['page'], frequency: 'instant', ...extra };
}

function alert(seq: number, session: string, searchId: string): NewAlert {
  return { seq, session, searchId, reason: 'new', listing: LISTING };
}

interface Leg {
  name: string;
  open(): Promise<AlertStore>;
  done(): Promise<void>;
}

const legs: Leg[] = [{ name: 'SQLite', open: async () => new SqliteAlertStore(tempDir('alert-contract')), done: async () => undefined }];
if (postgresBin()) {
  let server: PostgresServer | null = null;
  let end: (() => Promise<void>) | null = null;
  legs.push({
    name: 'PostgreSQL',
    open: async () => {
      server = await PostgresServer.start();
      const pool = await openDatabase({ url: await server.createDatabase('alert_contract'), poolMax: 6 });
      end = () => pool.end();
      return new PostgresAlertStore(pool);
    },
    done: async () => {
      await end?.();
      await server?.stop();
    },
  });
} else {
  console.log('alert store contract, PostgreSQL leg skipped: no server binaries under /usr/lib/postgresql');
}

for (const leg of legs) {
  describe(`alert store contract: ${leg.name}`, () => {
    let store: AlertStore;
    beforeAll(async () => {
      store = await leg.open();
    }, 60_000);
    afterAll(async () => {
      await store.close();
      await leg.done();
    });

    it('saved searches belong to their session: create, list in order, rename, pause, delete', async () => {
      await store.createSearch('alice', search('s1'));
      await store.createSearch('alice', search('s2', { createdAt: Date.UTC(2026, 0, 3), area: { polygon: [[-74, 40.6], [-73.9, 40.6], [-73.9, 40.7], [-74, 40.6]] } }));
      await store.createSearch('bob', search('s3'));
      expect((await store.searchesOf('alice')).map((s) => s.id)).toEqual(['s1', 's2']);
      expect(await store.searchOf('alice', 's2')).toEqual(search('s2', { createdAt: Date.UTC(2026, 0, 3), area: { polygon: [[-74, 40.6], [-73.9, 40.6], [-73.9, 40.7], [-74, 40.6]] } }));
      expect(await store.searchOf('bob', 's1')).toBeNull();
      expect(await store.countOf('alice')).toBe(2);
      expect(await store.updateSearch('alice', search('s1', { name: 'Renamed', paused: true }))).toBe(true);
      expect(await store.updateSearch('bob', search('s1', { name: 'Stolen' }))).toBe(false);
      expect((await store.searchOf('alice', 's1'))?.name).toBe('Renamed');
      const owners = await store.owners(['s1', 's3', 'nope']);
      expect([...owners.entries()].sort()).toEqual([
        ['s1', { session: 'alice', notify: ['new', 'price_drop'], paused: true, since: 7, channels: ['page'], frequency: 'instant' }],
        ['s3', { session: 'bob', notify: ['new', 'price_drop'], paused: false, since: 7, channels: ['page'], frequency: 'instant' }],
      ]);
      expect(await store.deleteSearch('bob', 's2')).toBe(false);
      expect(await store.deleteSearch('alice', 's2')).toBe(true);
      expect(await store.countOf('alice')).toBe(1);
    });

    it('one lease: the holder commits its batch fenced on the cursor; a paused holder that wakes after a takeover commits nothing', async () => {
      // With no cursor yet, the first claim starts it where it is told; after that the log's end is not asked for.
      let asked = 0;
      const startAt = (seq: number) => async () => (asked++, seq);
      expect(await store.claim('node-a', 300, startAt(100))).toBe(true);
      expect(await store.matcherCursor()).toBe(100);
      expect(await store.claim('node-a', 300, startAt(50))).toBe(true);
      expect(await store.claim('node-b', 300, startAt(50))).toBe(false);
      expect(asked).toBe(1);
      await store.release('node-a');
      await store.initCursor(100);
      await store.initCursor(5); // an existing cursor is kept
      expect(await store.matcherCursor()).toBe(100);
      expect(await store.claim('node-a', 300, async () => 0)).toBe(true);
      expect(await store.claim('node-b', 300, async () => 0)).toBe(false);
      const ids = await store.commitBatch('node-a', 100, 110, 300, [alert(101, 'alice', 's1'), alert(102, 'bob', 's3')]);
      expect(ids).toHaveLength(2);
      expect(await store.matcherCursor()).toBe(110);
      // node-a stops renewing (paused); its lease runs out and node-b takes over.
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.claim('node-b', 5_000, async () => 0)).toBe(true);
      expect(await store.commitBatch('node-b', 110, 120, 5_000, [alert(111, 'alice', 's1')])).toHaveLength(1);
      // node-a wakes with the batch it read at 110: refused, nothing written.
      expect(await store.commitBatch('node-a', 110, 120, 300, [alert(111, 'alice', 's1'), alert(112, 'alice', 's1')])).toBeNull();
      expect(await store.matcherCursor()).toBe(120);
      await store.release('node-b');
      expect(await store.claim('node-a', 300, async () => 0)).toBe(true);
      await store.release('node-a');
    });

    /** A batch committed by the matcher's lease holder, retried from the cursor it finds when another batch got in first. */
    async function commit(alerts: NewAlert[]): Promise<number[]> {
      for (;;) {
        expect(await store.claim('inbox', 5_000, async () => 0)).toBe(true);
        const from = await store.matcherCursor();
        const ids = await store.commitBatch('inbox', from, from + 1, 5_000, alerts);
        if (ids) return ids;
      }
    }

    it('the inbox: ids increase, a redo of the same (change, search) is not written twice, each session reads its own', async () => {
      const first = await commit([alert(200, 'alice', 's1'), alert(200, 'bob', 's3')]);
      const again = await commit([alert(200, 'alice', 's1'), alert(201, 'alice', 's1')]);
      expect(first).toHaveLength(2);
      expect(again).toHaveLength(1);
      expect(again[0]!).toBeGreaterThan(Math.max(...first));
      const alice = await store.alertsOf('alice', 0, 100);
      expect(alice.map((a) => a.id)).toEqual([...alice.map((a) => a.id)].sort((x, y) => x - y));
      expect(alice.every((a) => a.searchId === 's1' && a.listing.id === 'l1')).toBe(true);
      const page = await store.alertsAfter(0, 100, (s) => s === 'bob');
      expect(page.alerts.every((a) => a.session === 'bob')).toBe(true);
      expect(page.read).toBe(page.alerts.length + alice.length);
      expect(page.last).toBe(await store.lastAlertId());
    });

    it('each alert shows its side of the change: a removal the listing as it was, a new home or a price drop as it is now, for every alert of it', async () => {
      const was: ListingRecord = { ...LISTING, id: 'moved', title: 'Was “here” \\ 旧', price: 2000, lat: 40.75 };
      const now: ListingRecord = { ...was, title: 'Now', price: 1500, lat: 40.65 };
      // One change (a move and a drop): it left bob's area, got cheaper in alice's, arrived in carol's and dave's.
      const ids = await commit([
        { seq: 300, session: 'bob', searchId: 'b300', reason: 'removed', listing: was },
        { seq: 300, session: 'alice', searchId: 'a300', reason: 'price_drop', listing: now, previousPrice: 2000 },
        { seq: 300, session: 'carol', searchId: 'c300', reason: 'new', listing: now },
        { seq: 300, session: 'dave', searchId: 'd300', reason: 'new', listing: now },
      ]);
      expect(ids).toHaveLength(4);
      expect((await store.alertsOf('bob', ids[0]! - 1, 10)).map((a) => [a.reason, a.listing])).toEqual([['removed', was]]);
      expect((await store.alertsOf('alice', ids[0]! - 1, 10)).map((a) => [a.reason, a.listing, a.previousPrice])).toEqual([['price_drop', now, 2000]]);
      const page = await store.alertsAfter(ids[0]! - 1, 10, (s) => s !== 'alice');
      expect(page.alerts.map((a) => [a.session, a.listing.title])).toEqual([['bob', was.title], ['carol', 'Now'], ['dave', 'Now']]);
      expect(page.read).toBe(4);
    });

    it('concurrent commits: ids come in commit order, so a reader after its last id never skips one', async () => {
      let last = await store.lastAlertId();
      const seen: number[] = [];
      let writing = true;
      const reader = (async () => {
        while (writing || last < (await store.lastAlertId())) {
          const page = await store.alertsAfter(last, 5, () => true);
          for (const a of page.alerts) seen.push(a.id);
          last = page.last;
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      await Promise.all([0, 1, 2].map(async (w) => {
        for (let i = 0; i < 30; i++) await commit([alert(1_000 + w * 100 + i, `s-${w}`, `x${w}`)]);
      }));
      writing = false;
      await reader;
      expect(seen).toHaveLength(90);
      expect(new Set(seen).size).toBe(90);
    });
  });
}
