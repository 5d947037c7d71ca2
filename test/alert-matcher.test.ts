/**
 * The alert matcher on real parts (the embedded engine and the SQLite alert store in a
 * temporary DATA_DIR): what each change means to a saved search, and which searches hear
 * of a change at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERTS_PER_BATCH, AlertMatcher, alertReason, nextBatchSize } from '../server/alerts/alert-matcher';
import type { AlertReason, SavedSearch } from '../server/alerts/alert-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import type { ChangeEvent } from '../server/changes/change-event';
import type { ListingRecord } from '../server/core/listing';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import { tempDir } from './helpers/roost';

const T = 1_700_000_000_000;
const home: ListingRecord = {
  id: 'm-1', title: 'Loft', price: 2800, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown',
  bedrooms: 1, lat: 40.754, lon: -73.984, listedAt: T, updatedAt: T,
};
const MIDTOWN: [number, number, number, number] = [-74.0, 40.74, -73.97, 40.77];

describe('alertReason', () => {
  const state = (price: number): ListingRecord => ({ ...home, price });
  // Written out by hand from CONTRACT.md's alert reasons, not derived from the code.
  const table: [boolean, boolean, number | null, number | null, AlertReason | null][] = [
    [false, true, null, 2800, 'new'], // posted into the search
    [false, true, 4000, 2800, 'new'], // now within the filters
    [true, false, 2800, null, 'removed'], // taken down
    [true, false, 2800, 4000, 'removed'], // no longer within the filters
    [true, true, 2800, 2500, 'price_drop'],
    [true, true, 2500, 2600, null], // a rise
    [true, true, 2500, 2500, null], // the title changed
    [false, false, 4000, 3900, null], // cheaper but never in the search
  ];
  for (const [before, after, was, is, reason] of table) {
    it(`in before ${before}, after ${after}, ${was} → ${is}: ${reason}`, () => {
      const e: ChangeEvent = { seq: 1, at: T, listingId: home.id, op: is === null ? 'remove' : 'upsert', before: was === null ? null : state(was), after: is === null ? null : state(is) };
      expect(alertReason(before, after, e)).toBe(reason);
    });
  }
});

describe('nextBatchSize', () => {
  it('takes as many changes as keep a batch near its alert rows, never none and never more than the cap', () => {
    expect(nextBatchSize(0, 0)).toBe(200);
    expect(nextBatchSize(0, 150)).toBe(200);
    expect(nextBatchSize(300, 200)).toBe(200); // 1.5 alerts a change: the cap
    // ~475 alerts a change (a million saved searches): ~10 changes, ~5,000 rows.
    const n = nextBatchSize(95_000, 200);
    expect(n).toBe(10);
    expect(n * 475).toBeLessThanOrEqual(ALERTS_PER_BATCH);
    expect(nextBatchSize(40_000, 1)).toBe(1); // one change past the aim still goes alone
  });
});

describe('AlertMatcher', () => {
  let engine: EmbeddedEngine;
  let store: SqliteAlertStore;
  let matcher: AlertMatcher;
  const rung: number[][] = [];
  beforeEach(async () => {
    const dir = tempDir('matcher');
    engine = await EmbeddedEngine.open({ dataDir: dir, pollIntervalMs: 60_000 });
    store = new SqliteAlertStore(dir);
    matcher = new AlertMatcher(store, engine, engine.log, 'node-a', (ids) => rung.push(ids));
    engine.onChange(() => matcher.kick());
    await matcher.start();
  });
  afterEach(async () => {
    await matcher.stop();
    await engine.close();
    await store.close();
  });

  async function save(id: string, session: string): Promise<void> {
    const s: SavedSearch = { id, name: id, area: { bbox: MIDTOWN }, filters: { priceMax: 3000 }, notify: ['new', 'price_drop', 'removed'], paused: false, createdAt: Date.now(), since: await engine.log.lastSeq(), channels: ['page'], frequency: 'instant' };
    await engine.putSearch({ id, area: s.area, filters: s.filters });
    await store.createSearch(session, s);
  }

  async function inbox(session: string, n: number): Promise<[string, string, string][]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const got = await store.alertsOf(session, 0, 100);
      if (got.length >= n || Date.now() > deadline) return got.map((a) => [a.reason, a.searchId, a.listing.id]);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a search hears only of changes committed after it was saved, though the matcher reads them later', async () => {
    await save('s-early', 'alice');
    // Committed before bob saves his search; matched (at the earliest) after he has.
    await engine.write({ op: 'put', record: home });
    await engine.write({ op: 'remove', id: home.id });
    await save('s-late', 'bob');
    await engine.write({ op: 'put', record: { ...home, id: 'm-2' } });
    expect(await inbox('alice', 3)).toEqual([
      ['new', 's-early', 'm-1'],
      ['removed', 's-early', 'm-1'],
      ['new', 's-early', 'm-2'],
    ]);
    expect(await inbox('bob', 1)).toEqual([['new', 's-late', 'm-2']]);
    expect(rung.flat()).toHaveLength(4);
  });

  it('a paused search hears of nothing; the lease lets one node match', async () => {
    await save('s-paused', 'carol');
    const s = (await store.searchOf('carol', 's-paused'))!;
    expect(await store.updateSearch('carol', { ...s, paused: true })).toBe(true);
    await save('s-on', 'dave');
    await engine.write({ op: 'put', record: { ...home, id: 'm-3' } });
    expect(await inbox('dave', 1)).toEqual([['new', 's-on', 'm-3']]);
    expect(await inbox('carol', 0)).toEqual([]);
    expect(await store.claim('node-b', 2_000, async () => 0)).toBe(false);
  });
});
