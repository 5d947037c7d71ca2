import fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';

/** What a file's bytes are: UTF-8 (perhaps with a few bad bytes), or a legacy single-byte text. */
export interface EncodingReport {
  encoding: 'utf-8' | 'windows-1252';
  /** Bytes that are not UTF-8: replaced by U+FFFD when the file is read as UTF-8. */
  invalidBytes: number;
  /** The lines (1-based, ascending, each once) those bytes are on; the first MAX_LINES_TOLD of them. */
  invalidLines: number[];
}

/** Lines of bad bytes found and told; a file with more says how many more. */
export const MAX_LINES_TOLD = 1_000;

/** A file with this many bad bytes and not one valid multi-byte character was written in Windows-1252 (Latin-1), not UTF-8 gone wrong. */
const LEGACY_MIN_INVALID = 3;

/**
 * Counts valid multi-byte characters and invalid bytes, to tell a Latin-1 file (accents as
 * single high bytes, never a valid UTF-8 sequence) from a UTF-8 file with a stray byte. A
 * character cut off at the end of `bytes` counts as invalid: callers hold such a tail back.
 */
interface Counts {
  valid: number;
  invalid: number;
  /** File offsets of the first invalid bytes, for their lines. */
  offsets: number[];
}

function scan(bytes: Uint8Array, at: number, counts: Counts): void {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok) {
      counts.valid++;
      i += need + 1;
    } else {
      counts.invalid++;
      // Two per line told is plenty to find each line (a line's bytes come in runs).
      if (counts.offsets.length < MAX_LINES_TOLD * 2) counts.offsets.push(at + i);
      i++;
    }
  }
}

/**
 * Reads the file once to say how to decode it. Chunks that are valid UTF-8 (nearly all, in
 * nearly every file) pass Node's native check; only the others are counted byte by byte.
 */
export async function detectEncoding(file: string): Promise<EncodingReport> {
  const counts: Counts = { valid: 0, invalid: 0, offsets: [] };
  let carry = Buffer.alloc(0);
  /** File offset of the chunk's first byte, the carry included. */
  let at = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const start = at;
    at += bytes.length;
    // A chunk may end inside a character: hold back up to three trailing bytes.
    let cut = bytes.length;
    while (cut > 0 && cut > bytes.length - 3 && (bytes[cut - 1]! & 0xc0) === 0x80) cut--;
    if (cut > 0 && bytes[cut - 1]! >= 0xc0) cut--;
    const body = bytes.subarray(0, cut);
    carry = Buffer.from(bytes.subarray(cut));
    at -= carry.length;
    if (isUtf8(body)) {
      // Non-ASCII bytes in a valid chunk are valid characters: one is enough to know.
      // Natively: a byte loop in JS here was 2.5 s of a 10M-row import's main thread.
      if (counts.valid === 0 && !isAscii(body)) counts.valid++;
      continue;
    }
    scan(body, start, counts);
  }
  if (carry.length > 0 && !isUtf8(carry)) scan(carry, at, counts);
  const legacy = counts.valid === 0 && counts.invalid >= LEGACY_MIN_INVALID;
  if (legacy) return { encoding: 'windows-1252', invalidBytes: 0, invalidLines: [] };
  return { encoding: 'utf-8', invalidBytes: counts.invalid, invalidLines: counts.invalid > 0 ? await linesOf(file, counts.offsets) : [] };
}

/**
 * The lines that hold the given file offsets (ascending), each once: a second read of the
 * file up to the last of them, counting newlines natively (indexOf), only when a file has
 * bad bytes at all.
 */
async function linesOf(file: string, offsets: number[]): Promise<number[]> {
  const lines: number[] = [];
  let line = 1;
  let at = 0;
  let k = 0;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20, end: offsets[offsets.length - 1] });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let pos = 0;
    while (k < offsets.length && offsets[k]! < at + chunk.length) {
      const target = offsets[k]! - at;
      for (let nl = chunk.indexOf(10, pos); nl !== -1 && nl < target; nl = chunk.indexOf(10, nl + 1)) {
        line++;
        pos = nl + 1;
      }
      if (lines[lines.length - 1] !== line && lines.length < MAX_LINES_TOLD) lines.push(line);
      k++;
    }
    for (let nl = chunk.indexOf(10, pos); nl !== -1; nl = chunk.indexOf(10, nl + 1)) line++;
    at += chunk.length;
  }
  return lines;
}

/** Lines as the report writes them: `4, 18–19, 30`. */
export function lineRanges(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(j > i ? `${lines[i]}–${lines[j]}` : `${lines[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}
