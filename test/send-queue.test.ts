import { describe, expect, it } from 'vitest';
import { SendQueue } from '../server/realtime/send-queue';

/** Busy-waits, standing in for a send that costs the node real time (a syscall, a wakeup). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('the send queue', () => {
  it('sends a small fan-out at once, before flush returns', () => {
    const sent: string[] = [];
    const q = new SendQueue<string, number>((t, f) => sent.push(`${t}:${f.join('+')}`));
    q.push('a', 1);
    q.push('b', 1);
    q.flush();
    expect(sent).toEqual(['a:1', 'b:1']);
    expect(q.length).toBe(0);
  });

  it('slices a large fan-out so other work runs between slices, and keeps every target in change order', async () => {
    const sent = new Map<string, number[]>();
    const log: string[] = [];
    const q = new SendQueue<string, number>((t, f) => {
      spin(0.05);
      log.push('send');
      sent.set(t, [...(sent.get(t) ?? []), ...f]);
    }, 1);
    const targets = Array.from({ length: 200 }, (_, i) => `s${i}`);
    // Three changes, each to every target, queued while earlier ones are still going out.
    for (let change = 1; change <= 3; change++) {
      for (const t of targets) q.push(t, change);
      q.flush();
      // Other work (a search, a doorbell) gets a turn while the frames go out.
      setImmediate(() => log.push('other work'));
    }
    expect(q.length).toBeGreaterThan(0);
    let turns = 0;
    while (q.length > 0) {
      turns++;
      await new Promise((r) => setImmediate(r));
    }
    for (const t of targets) expect(sent.get(t)).toEqual([1, 2, 3]);
    // Work queued behind the fan-out ran before its last send, not after all of them.
    const firstOther = log.indexOf('other work');
    expect(firstOther).toBeGreaterThan(0);
    expect(firstOther).toBeLessThan(log.lastIndexOf('send'));
    // 200 sends at least (changes 2 and 3 went out together) of 0.05 ms are 10 ms of work:
    // in slices of a millisecond, several turns.
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it('tells a writer when the frames queued so far are out, and not before', async () => {
    const sent: number[] = [];
    const q = new SendQueue<string, number>((_t, f) => {
      spin(0.05);
      sent.push(...f);
    }, 1);
    await q.whenSent(); // nothing queued: at once
    for (let i = 0; i < 300; i++) q.push(`s${i}`, i);
    q.flush();
    const first = q.whenSent().then(() => sent.length);
    for (let i = 300; i < 600; i++) q.push(`s${i}`, i);
    const second = q.whenSent().then(() => sent.length);
    expect(sent.length).toBeLessThan(300);
    expect(await first).toBeGreaterThanOrEqual(300);
    expect(await first).toBeLessThan(600);
    expect(await second).toBe(600);
    // With slack: resolves while the last `slack` frames may still be waiting.
    for (let i = 600; i < 900; i++) q.push(`s${i}`, i);
    q.flush();
    const slack = await q.whenSent(200).then(() => sent.length);
    expect(slack).toBeGreaterThanOrEqual(700);
    expect(slack).toBeLessThan(900);
  });

  it('sends a socket the frames of several waiting changes in one go, in order, window by window', () => {
    const sends: string[] = [];
    const q = new SendQueue<string, number>((t, f) => sends.push(`${t}:${f.join('+')}`), 1, 4);
    // A backlog: three changes to a and b, queued before anything went out.
    for (const change of [1, 2, 3]) {
      q.push('a', change);
      q.push('b', change);
    }
    q.flush();
    // Windows of four frames: [a1 b1 a2 b2] then [a3 b3].
    expect(sends).toEqual(['a:1+2', 'b:1+2', 'a:3', 'b:3']);
    expect(q.length).toBe(0);
  });

  it('keeps its memory to the backlog when the backlog never empties', async () => {
    // Slices of 0 ms: each turn sends 16 frames (the clock is read every 16), and each
    // round queues 16 more behind a backlog of 100, so the queue never empties.
    const q = new SendQueue<string, number>(() => undefined, 0, 64);
    for (let i = 0; i < 100; i++) q.push(`first-${i}`, 0);
    for (let round = 1; round <= 300; round++) {
      for (let i = 0; i < 16; i++) q.push(`r${round}-${i}`, round);
      q.flush();
      await new Promise((r) => setImmediate(r));
    }
    expect(q.length).toBeGreaterThan(0);
    // 4,900 frames went through; what is held is about what still waits.
    expect(q['targets'].length).toBeLessThanOrEqual(2 * q.length + 64);
    while (q.length > 0) await new Promise((r) => setImmediate(r));
  });
});
