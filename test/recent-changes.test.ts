import { describe, expect, it } from 'vitest';
import { RecentChanges } from '../server/changes/recent-changes';
import { LatestSeq } from '../server/engine/cluster/latest-seq';

describe('RecentChanges: a node\'s own notices kept to send again after a bus outage', () => {
  it('gives the notices committed from a time on, oldest first', () => {
    const r = new RecentChanges();
    for (let i = 0; i < 10; i++) r.add(1_000 + i * 100, `n${i}`);
    expect(r.since(1_450)).toEqual(['n5', 'n6', 'n7', 'n8', 'n9']);
    expect(r.since(0)).toHaveLength(10);
    expect(r.since(5_000)).toEqual([]);
  });

  it('forgets what is older than five minutes, and keeps at most 50,000', () => {
    const r = new RecentChanges();
    r.add(0, 'old');
    r.add(5 * 60_000 + 1, 'new');
    expect(r.since(0)).toEqual(['new']);
    for (let i = 0; i < 120_000; i++) r.add(400_000 + i, `m${i}`);
    expect(r.size).toBe(50_000);
    expect(r.since(0)[0]).toBe('m70000');
    expect(r.since(0).at(-1)).toBe('m119999');
  });
});

describe('LatestSeq: whether a change to a listing is news', () => {
  it('takes a newer sequence number, refuses a repeat or an older one arriving late', () => {
    const s = new LatestSeq();
    expect(s.advance('a', 5)).toBe(true);
    expect(s.advance('a', 5)).toBe(false);
    expect(s.advance('a', 3)).toBe(false);
    expect(s.advance('b', 4)).toBe(true);
    expect(s.advance('a', 9)).toBe(true);
  });
});
