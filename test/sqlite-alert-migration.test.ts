/**
 * An alerts.db made before the listings were stored apart (listing NOT NULL in every
 * alert row) opens with the new code: its alerts read back as they were, with their ids,
 * and new ones go on after them.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import type { ListingRecord } from '../server/core/listing';
import { tempDir } from './helpers/roost';

const OLD: ListingRecord = {
  id: 'old-1', title: 'Loft “old” \\ 旧', lat: 40.7, lon: -73.95, price: 1800, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1,
  listedAt: Date.UTC(2025, 0, 1), updatedAt: Date.UTC(2025, 0, 1),
};
const NEW: ListingRecord = { ...OLD, id: 'new-1', title: 'New', price: 2100 };

describe('alerts.db of an earlier release', () => {
  it('keeps its alerts and ids, and takes new ones after them', async () => {
    const dir = tempDir('alert-migration');
    fs.mkdirSync(dir, { recursive: true });
    const old = new Database(path.join(dir, 'alerts.db'));
    // The schema as it was released (before previous_price, with listing NOT NULL).
    old.exec(`CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT NOT NULL, search_id TEXT NOT NULL, seq INTEGER NOT NULL,
      reason TEXT NOT NULL, listing TEXT NOT NULL, at INTEGER NOT NULL, UNIQUE (seq, search_id));
      CREATE INDEX alerts_session ON alerts (session, id);`);
    const insert = old.prepare('INSERT INTO alerts (session, search_id, seq, reason, listing, at) VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 1; i <= 5; i++) insert.run('alice', 's1', i, i === 5 ? 'removed' : 'new', JSON.stringify(OLD), 1_000 + i);
    old.close();

    const store = new SqliteAlertStore(dir);
    const before = await store.alertsOf('alice', 0, 100);
    expect(before.map((a) => [a.id, a.reason, a.listing])).toEqual([1, 2, 3, 4, 5].map((id) => [id, id === 5 ? 'removed' : 'new', OLD]));
    await store.initCursor(10);
    expect(await store.claim('n', 5_000, async () => 10)).toBe(true);
    const ids = await store.commitBatch('n', 10, 11, 5_000, [{ seq: 11, session: 'alice', searchId: 's1', reason: 'price_drop', listing: NEW, previousPrice: 2300 }]);
    expect(ids).toEqual([6]);
    const page = await store.alertsAfter(0, 100, (s) => s === 'alice');
    expect(page.alerts.map((a) => [a.id, a.listing.id, a.previousPrice])).toEqual([[1, 'old-1', undefined], [2, 'old-1', undefined], [3, 'old-1', undefined], [4, 'old-1', undefined], [5, 'old-1', undefined], [6, 'new-1', 2300]]);
    await store.close();
    // Opened again (as every node of a DATA_DIR does): nothing rebuilt twice, nothing lost.
    const again = new SqliteAlertStore(dir);
    expect((await again.alertsOf('alice', 0, 100)).map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6]);
    await again.close();
  });
});
