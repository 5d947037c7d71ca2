import { z } from 'zod';

/**
 * Characters no renter should find in text someone else wrote: C0 and C1 controls and DEL
 * (NUL ends strings in C, escape sequences drive terminals that print logs), the bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source" — a
 * title that reads differently from what it holds), and lone surrogates (no character
 * at all; stores replace them). Single-line text also refuses line and paragraph
 * separators (U+2028, U+2029); multi-line text keeps tab, line feed and carriage return.
 * Bidi marks (U+200E, U+200F, U+061C) and joiners (U+200D, emoji sequences) stay allowed:
 * Arabic and Hebrew text needs them and they cannot reorder what follows.
 */
const SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\p{Cs}/u;
const MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

export interface VisibleTextOptions {
  /** Whether tab, line feed and carriage return may appear (a description, a message). @default false */
  multiline?: boolean;
}

/** The first character `text` may not hold, or null when it holds none. */
export function forbiddenCharacter(text: string, { multiline = false }: VisibleTextOptions = {}): string | null {
  return (multiline ? MULTI_LINE : SINGLE_LINE).exec(text)?.[0] ?? null;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A string schema that refuses control and bidi-override characters (see above) with a
 * message naming the character; its field is named by the schema's path, so the API's 400
 * says which field. Chain length limits after it: `visibleText().max(500)`.
 */
export function visibleText(options: VisibleTextOptions = {}) {
  return z.string().superRefine((text, ctx) => {
    const ch = forbiddenCharacter(text, options);
    if (ch !== null) ctx.addIssue({ code: 'custom', message: `must not contain control or bidi-override characters (found ${codePoint(ch)})` });
  });
}
