import { describe, expect, it } from 'vitest';
import { seededRandom } from '../server/core/seeded-random';
import { indexTerms, keywordsSchema, queryWords, textMatches, words } from '../server/core/text-match';

describe('keyword terms (as the standard tokenizer and cjk_bigram make them)', () => {
  it.each([
    ['Sunny LOFT, near the Park!', ['sunny', 'loft', 'near', 'the', 'park']],
    ['静安寺旁公寓', ['静安', '安寺', '寺旁', '旁公', '公寓']],
    ['Loft近地铁', ['loft', '近地', '地铁']],
    ['静 安', ['静', '安']],
    ['东京の家', ['东京', '京の', 'の家']],
    ['𠀋𠀌 x', ['𠀋𠀌', 'x']],
    ['한국어 집', ['한국어', '집']],
    ['月租5，000元', ['月租', '5，000', '元']],
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

  it('a listing is indexed under its Chinese characters and their pairs', () => {
    expect(indexTerms('静安寺 loft')).toEqual(['静', '静安', '安', '安寺', '寺', 'loft']);
    expect(indexTerms('安')).toEqual(['安']);
  });

  it('Chinese characters of a query must stand together and in order; one alone is found anywhere', () => {
    const quiet = { title: '三林美房安静的两居室' };
    expect(textMatches(quiet, queryWords('静安'))).toBe(false);
    expect(textMatches(quiet, queryWords('安静'))).toBe(true);
    expect(textMatches(quiet, queryWords('安'))).toBe(true);
    expect(textMatches(quiet, queryWords('静 安'))).toBe(true);
    expect(textMatches({ title: '静安寺旁的两房公寓' }, queryWords('静安'))).toBe(true);
    // Across a space the characters do not touch: not the pair.
    expect(textMatches({ title: '安静 安', description: '静 安' }, queryWords('静安'))).toBe(false);
    // Nor across the join of title and description.
    expect(textMatches({ title: 'Flat 静', description: '安 quiet' }, queryWords('静安'))).toBe(false);
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
