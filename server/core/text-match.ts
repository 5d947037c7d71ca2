import { z } from 'zod';

/**
 * Keyword matching for `q`, the same rule on every engine: a listing matches when its title
 * and description together hold every term of the query. Words are what Elasticsearch's
 * and OpenSearch's standard tokenizer makes of the text (Unicode word segmentation, lower
 * case): runs of letters and digits (Katakana and Hangul runs whole). Chinese has no
 * spaces, so a run of Han (and Hiragana) characters is read as OpenSearch's `cjk_bigram`
 * filter reads it: a query's run asks for each pair of neighbours in it (`静安寺` → 静安,
 * 安寺), so its characters must stand together and in order — `静安` no longer finds 安静
 * ("quiet"). A character standing alone in a query (`安`, or `静 安`) asks for that
 * character anywhere, so a one-character search finds every listing holding it; a
 * listing's text is indexed under both its characters and their pairs. Free of server
 * dependencies: the page imports it to tell whether a query has any words at all.
 */

// A run of Han or Hiragana characters is one match here, cut into characters and pairs
// below (Lucene's StandardTokenizer emits them one by one, and cjk_bigram pairs those that
// touch; Katakana runs stay whole). Letters and digits joined by an apostrophe or
// a full stop stay one word ("o'neil", "4.5"), as UAX #29 keeps them; an underscore joins.
// A combining mark or variation selector belongs to the character before it (UAX #29
// WB4): it never starts a word, so "❤️East" is the word "east".
const LETTER = String.raw`(?:(?![\p{Script=Han}\p{Script=Hiragana}])[\p{L}\p{N}_]\p{M}*)`;
// Joiners as UAX #29 has them, each only between two of a kind: a full stop, apostrophe,
// colon or middle dot between letters ("Room:STG" is one word to Lucene, measured on the
// real node); a full stop, apostrophe, comma or semicolon between digits ("1,200"), their
// full-width forms too ("5，000" in Chinese text is one word). A full stop between a letter
// and a digit splits: "room.15min" holds the word "room".
const ALPHA = String.raw`(?![\p{Script=Han}\p{Script=Hiragana}])\p{L}`;
const MID_LETTER = ':·\u0387\u055F\u05F4\u2027\uFE13\uFE55\uFF1A';
const MID_NUM_LET = ".'\u2018\u2019\u2024\uFE52\uFF07\uFF0E";
const MID_NUM = ',;\u037E\u0589\u060C\u060D\u066C\u07F8\u2044\uFE10\uFE14\uFE50\uFE54\uFF0C\uFF1B';
const JOINER = String.raw`(?:(?<=\p{L}\p{M}*)[${MID_LETTER}${MID_NUM_LET}](?=${ALPHA})|(?<=\p{N}\p{M}*)[${MID_NUM}${MID_NUM_LET}](?=\p{N}))`;
const CJK_RUN = String.raw`[\p{Script=Han}\p{Script=Hiragana}]+`;
const WORD = new RegExp(String.raw`${CJK_RUN}|${LETTER}+(?:${JOINER}${LETTER}+)*`, 'gu');
const IS_CJK = new RegExp(String.raw`^[\p{Script=Han}\p{Script=Hiragana}]`, 'u');
/**
 * What the terms are, as a number: anything that keeps terms made by indexTerms (a saved
 * index) must be rebuilt when it differs. 1: each Chinese character a word; 2: Chinese
 * characters and their pairs, digits joined across full-width punctuation.
 */
export const TERMS_VERSION = 2;
/** Terms past this many per query are ignored: a query is a few words, not a document. */
export const MAX_QUERY_WORDS = 16;

/*
 * The same rule for text that is all ASCII, where \p{L} is [a-z] once lower-cased, \p{N} is
 * [0-9] and no mark exists. Without the `u` flag and property classes it splits 3.6× faster
 * (1M demo titles: 2.9 s → 0.8 s), which was a quarter of building the index at start.
 */
const ASCII_WORD = /[a-z0-9_]+(?:(?:(?<=[a-z])['.:](?=[a-z])|(?<=[0-9])['.,;](?=[0-9]))[a-z0-9_]+)*/g;
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * The terms of a text, lower-cased, in order, repeats kept: words, and for a run of Chinese
 * characters each pair of neighbours (a run of one: the character). With `characters`, a
 * run's characters too — what a listing is indexed under, so a one-character query finds it.
 */
function terms(text: string, characters: boolean): string[] {
  const lower = text.toLowerCase();
  if (!NOT_ASCII.test(lower)) return lower.match(ASCII_WORD) ?? [];
  const out: string[] = [];
  for (const [m] of lower.matchAll(WORD)) {
    if (!IS_CJK.test(m)) {
      out.push(m);
      continue;
    }
    // By code point: a character beyond the BMP is two UTF-16 units, one character to Lucene.
    const chars = m.length === 1 ? [m] : Array.from(m);
    if (chars.length === 1) {
      out.push(chars[0]!);
      continue;
    }
    for (let i = 0; i < chars.length; i++) {
      if (characters) out.push(chars[i]!);
      if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
    }
  }
  return out;
}

/** What a query asks for, in order, repeats kept (`静安 loft` → 静安, loft). */
export function words(text: string): string[] {
  return terms(text, false);
}

/** What a listing's text is found by: its words, and each Chinese character and pair. */
export function indexTerms(text: string): string[] {
  return terms(text, true);
}

/** Queries split lately: watches keep their q for as long as the renter looks. */
const queryCache = new Map<string, string[]>();
const QUERY_CACHE_SIZE = 1_000;

/** The distinct terms a query asks for; empty when it has none (only punctuation). */
export function queryWords(q: string): string[] {
  let out = queryCache.get(q);
  if (!out) {
    out = [...new Set(words(q))].slice(0, MAX_QUERY_WORDS);
    if (queryCache.size >= QUERY_CACHE_SIZE) queryCache.delete(queryCache.keys().next().value!);
    queryCache.set(q, out);
  }
  return out;
}

/**
 * Each record's words, made once: a change is tested against every watch and saved search
 * whose area holds it, and splitting its text again for each was the cost of a fan-out.
 */
const wordsOfRecord = new WeakMap<object, Set<string>>();

/** Whether a listing's text holds every query term (queryWords). */
export function textMatches(listing: { title: string; description?: string }, wanted: readonly string[]): boolean {
  if (wanted.length === 0) return true;
  let have = wordsOfRecord.get(listing);
  if (!have) {
    have = new Set(indexTerms(listing.description ? `${listing.title} ${listing.description}` : listing.title));
    wordsOfRecord.set(listing, have);
  }
  return wanted.every((w) => have.has(w));
}

/** Longest keyword query: a few words, with room for Chinese text. */
export const MAX_QUERY_LENGTH = 200;

/**
 * `q` wherever a client sends it (query string, watch frame, saved search): blank means
 * no keyword filter (a cleared box); text without a word in it is refused by name.
 */
export const keywordsSchema = z
  .string()
  .max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`)
  .transform((text, ctx) => {
    const q = text.trim();
    if (q === '') return undefined;
    if (queryWords(q).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'has no words to look for' });
      return z.NEVER;
    }
    return q;
  });
