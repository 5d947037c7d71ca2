import { describe, expect, it } from 'vitest';
import { TextIndex } from '../server/engine/embedded/text-index';
import { seededRandom } from '../server/core/seeded-random';

const VOCABULARY = ['sunny', 'loft', 'park', 'quiet', 'room', 'view', '静', '安', 'garden', 'studio'];

/** The brute force: each slot's current text as a set of words, split on spaces only. */
function bruteForce(texts: Map<number, string>, wanted: string[]): number[] {
  return [...texts]
    .filter(([, t]) => {
      const have = new Set(t.split(' '));
      return wanted.every((w) => have.has(w));
    })
    .map(([slot]) => slot)
    .sort((a, b) => a - b);
}

describe('TextIndex', () => {
  it('answers as a brute force over 20,000 random puts, changes and removals', () => {
    const rand = seededRandom(11);
    const index = new TextIndex();
    const texts = new Map<number, string>();
    const pick = () => VOCABULARY[Math.floor(rand() * VOCABULARY.length)]!;
    for (let step = 0; step < 20_000; step++) {
      const slot = Math.floor(rand() * 3_000);
      if (rand() < 0.2) {
        index.remove(slot);
        texts.delete(slot);
      } else {
        const text = Array.from({ length: 1 + Math.floor(rand() * 4) }, pick).join(' ');
        index.put(slot, text, undefined);
        texts.set(slot, text);
      }
      if (step % 2_000 === 0 || step === 19_999) {
        for (const wanted of [['loft'], ['sunny', 'park'], ['静', '安'], ['view', 'quiet', 'room'], ['nowhere']]) {
          expect([...index.match(wanted)]).toEqual(bruteForce(texts, wanted));
        }
      }
    }
  });

  it('finds words of the description too, and forgets them when it changes', () => {
    const index = new TextIndex();
    index.put(3, 'Flat', 'garden and view');
    expect([...index.match(['garden'])]).toEqual([3]);
    index.put(3, 'Flat', undefined);
    expect([...index.match(['garden'])]).toEqual([]);
    expect([...index.match(['flat'])]).toEqual([3]);
  });
});
