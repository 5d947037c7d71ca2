import { z } from 'zod';

/**
 * Keyword matching for `q`, the same rule on every engine: a listing matches when its title
 * and description together hold every word of the query. Words are what Elasticsearch's
 * and OpenSearch's standard analyzer makes of the text (Unicode word segmentation, lower
 * case): runs of letters and digits, and each Han or Hiragana character on its
 * own (Katakana runs whole), so `静安 公寓` needs 静, 安, 公 and 寓 somewhere in the listing. Free of server
 * dependencies: the page imports it to tell whether a query has any words at all.
 */

// Each Han or Hiragana character is a word of its own (Lucene's StandardTokenizer emits
// them one by one; Katakana runs stay whole). Letters and digits joined by an apostrophe or
// a full stop stay one word ("o'neil", "4.5"), as UAX #29 keeps them; an underscore joins.
// A combining mark or variation selector belongs to the character before it (UAX #29
// WB4): it never starts a word, so "❤️East" is the word "east".
const LETTER = String.raw`(?:(?![\p{Script=Han}\p{Script=Hiragana}])[\p{L}\p{N}_]\p{M}*)`;
// Joiners as UAX #29 has them, each only between two of a kind: a full stop, apostrophe,
// colon or middle dot between letters ("Room:STG" is one word to Lucene, measured on the
// real node); a full stop, apostrophe, comma or semicolon between digits ("1,200"). A full
// stop between a letter and a digit splits: "room.15min" holds the word "room".
const ALPHA = String.raw`(?![\p{Script=Han}\p{Script=Hiragana}])\p{L}`;
const JOINER = String.raw`(?:(?<=\p{L}\p{M}*)['’.:·](?=${ALPHA})|(?<=\p{N}\p{M}*)['’.,;](?=\p{N}))`;
const WORD = new RegExp(String.raw`[\p{Script=Han}\p{Script=Hiragana}]|${LETTER}+(?:${JOINER}${LETTER}+)*`, 'gu');
/** Words past this many per query are ignored: a query is a few words, not a document. */
export const MAX_QUERY_WORDS = 16;

/*
 * The same rule for text that is all ASCII, where \p{L} is [a-z] once lower-cased, \p{N} is
 * [0-9] and no mark exists. Without the `u` flag and property classes it splits 3.6× faster
 * (1M demo titles: 2.9 s → 0.8 s), which was a quarter of building the index at start.
 */
const ASCII_WORD = /[a-z0-9_]+(?:(?:(?<=[a-z])['.:](?=[a-z])|(?<=[0-9])['.,;](?=[0-9]))[a-z0-9_]+)*/g;
const NOT_ASCII = /[^\x00-\x7f]/;

/** The words of a text, lower-cased, in order, repeats kept. */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  if (!NOT_ASCII.test(lower)) return lower.match(ASCII_WORD) ?? [];
  return Array.from(lower.matchAll(WORD), (m) => m[0]);
}

/** Queries split lately: watches keep their q for as long as the renter looks. */
const queryCache = new Map<string, string[]>();
const QUERY_CACHE_SIZE = 1_000;

/** The distinct words a query asks for; empty when it has none (only punctuation). */
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

/** Whether a listing's text holds every query word. */
export function textMatches(listing: { title: string; description?: string }, wanted: readonly string[]): boolean {
  if (wanted.length === 0) return true;
  let have = wordsOfRecord.get(listing);
  if (!have) {
    have = new Set(words(listing.description ? `${listing.title} ${listing.description}` : listing.title));
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
