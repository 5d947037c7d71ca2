/** Search turns (ops/fair-turns.ts): round-robin by address, one at a time, bounded queues, I/O between turns. */
import { describe, expect, it } from 'vitest';
import { FairTurns } from '../server/ops/fair-turns';

describe('fair turns', () => {
  it('deals turns round-robin by address, one at a time, whatever order they were asked in', async () => {
    const turns = new FairTurns(1);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const job = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      order.push(name);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      return name;
    };
    // One greedy address asks for five turns before two others ask for one each.
    const asked = [...['a1', 'a2', 'a3', 'a4', 'a5'].map((n) => turns.run('a', job(n))), turns.run('b', job('b1')), turns.run('c', job('c1'))];
    const results = await Promise.all(asked);
    expect(results.every((r) => r.ran)).toBe(true);
    expect(most).toBe(1);
    expect(order.slice(0, 3)).toEqual(['a1', 'b1', 'c1']);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('refuses past the per-address and the node-wide bounds, without running the work', async () => {
    const turns = new FairTurns(1, 2, 3);
    let ran = 0;
    const work = async () => {
      ran++;
    };
    const a = [turns.run('a', work), turns.run('a', work), turns.run('a', work)];
    const b = [turns.run('b', work), turns.run('b', work)];
    const results = await Promise.all([...a, ...b]);
    expect(results.map((r) => (r.ran ? 'ran' : r.reason))).toEqual(['ran', 'ran', 'address', 'ran', 'node']);
    expect(ran).toBe(3);
  });

  it('lets timers and I/O run between turns: a timer set during a turn fires before the next turn', async () => {
    const turns = new FairTurns(1);
    const events: string[] = [];
    await Promise.all([
      turns.run('a', async () => {
        events.push('turn 1');
        setImmediate(() => events.push('io callback'));
      }),
      turns.run('b', async () => {
        events.push('turn 2');
      }),
    ]);
    expect(events).toEqual(['turn 1', 'io callback', 'turn 2']);
  });

  it('a turn whose work throws frees its place', async () => {
    const turns = new FairTurns(1);
    await expect(turns.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await turns.run('a', async () => 7)).toEqual({ ran: true, value: 7 });
  });
});
