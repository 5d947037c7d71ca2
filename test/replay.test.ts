import { describe, expect, it } from 'vitest';
import type { LiveConnection } from '../server/realtime/live-hub';
import { MAX_REPLAY, Replays } from '../server/realtime/replay';

/** A socket as Replays sees it: open until told otherwise. */
function socket() {
  const s = { readyState: 1, OPEN: 1 };
  return { conn: { socket: s } as unknown as LiveConnection, close: () => (s.readyState = 3) };
}

/** A store of `n` items with ids 1..n, paged as the stores page (after an id, at most `limit`). */
function items(n: number) {
  const asked: number[] = [];
  return {
    asked,
    page: async (from: number, limit: number) => {
      asked.push(from);
      await new Promise((r) => setTimeout(r, 1));
      return Array.from({ length: Math.max(0, Math.min(limit, n - from)) }, (_, i) => ({ id: from + i + 1 }));
    },
  };
}

describe('a socket\'s resume (realtime/replay.ts)', () => {
  it('replays everything after the id, a page at a time', async () => {
    const { conn } = socket();
    const store = items(25);
    const got: number[] = [];
    expect(await new Replays().run(conn, 3, store.page, (page) => got.push(...page.map((p) => p.id)), 10)).toBe(true);
    expect(got).toEqual(Array.from({ length: 22 }, (_, i) => i + 4));
    expect(store.asked).toEqual([3, 13, 23]);
  });

  it('one at a time per socket: a resume asked while one runs is dropped', async () => {
    const { conn } = socket();
    const replays = new Replays();
    const store = items(30);
    const [first, second] = await Promise.all([replays.run(conn, 0, store.page, () => undefined, 10), replays.run(conn, 0, store.page, () => undefined, 10)]);
    expect([first, second]).toEqual([true, false]);
    expect(store.asked).toEqual([0, 10, 20, 30]);
    // Done: the next one runs.
    expect(await replays.run(conn, 25, store.page, () => undefined, 10)).toBe(true);
  });

  it('stops when the socket goes, and at MAX_REPLAY', async () => {
    const gone = socket();
    const store = items(100);
    let sent = 0;
    await new Replays().run(gone.conn, 0, store.page, (page) => {
      sent += page.length;
      if (sent >= 20) gone.close();
    }, 10);
    expect(sent).toBe(20);
    const big = items(MAX_REPLAY * 2);
    let total = 0;
    await new Replays().run(socket().conn, 0, big.page, (page) => (total += page.length), 1_000);
    expect(total).toBe(MAX_REPLAY);
  });
});
