import { describe, expect, it } from 'vitest';
import { seededRandom } from '../server/core/seeded-random';
import { keywordsSchema, queryWords, textMatches, words } from '../server/core/text-match';

describe('keyword words (as the standard analyzer splits them)', () => {
  it.each([
    ['Sunny LOFT, near the Park!', ['sunny', 'loft', 'near', 'the', 'park']],
    ['静安寺旁公寓', ['静', '安', '寺', '旁', '公', '寓']],
    ['Loft近地铁', ['loft', '近', '地', '铁']],
    ["O'Neil's place", ["o'neil's", 'place']],
    ['UNION SQUARE❤️EAST VIllAGE', ['union', 'square', 'east', 'village']],
    ['Room:STG 10:30', ['room:stg', '10', '30']],
    ['room.15min 4.5 stars sq.ft', ['room', '15min', '4.5', 'stars', 'sq.ft']],
    ['1,200 a,b', ['1,200', 'a', 'b']],
    ['★Park★ — $45', ['park', '45']],
    ['コーヒー店', ['コーヒー', '店']],
  ])('%s', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it('ASCII text splits as the Unicode rule splits it', () => {
    // One non-ASCII word at the end sends a text down the Unicode path; the rest of its
    // words must come out as the ASCII path makes them.
    const random = seededRandom(18);
    const alphabet = "aZk09_'.:,;- \t!";
    for (let i = 0; i < 5_000; i++) {
      let text = '';
      for (let n = Math.floor(random() * 24); n > 0; n--) text += alphabet[Math.floor(random() * alphabet.length)];
      expect([...words(text), 'é'], text).toEqual(words(`${text} é`));
    }
  });

  it('a query holds each word once; punctuation alone holds none', () => {
    expect(queryWords('park Park PARK view')).toEqual(['park', 'view']);
    expect(queryWords(' ,.;!? ')).toEqual([]);
  });

  it('matches every word across title and description, none outside them', () => {
    const l = { title: 'Bright flat', description: '近地铁, quiet street' };
    expect(textMatches(l, queryWords('bright 地铁'))).toBe(true);
    expect(textMatches(l, queryWords('bright garden'))).toBe(false);
    expect(textMatches({ title: 'Bright' }, queryWords('quiet'))).toBe(false);
  });

  it('q: blank means no filter, wordless text is refused by name, long text too', () => {
    expect(keywordsSchema.parse('   ')).toBeUndefined();
    expect(keywordsSchema.parse(' loft ')).toBe('loft');
    expect(keywordsSchema.safeParse('!!!').error?.issues[0]?.message).toBe('has no words to look for');
    expect(keywordsSchema.safeParse('x'.repeat(201)).success).toBe(false);
  });
});
