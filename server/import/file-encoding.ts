import fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';

/** What a file's bytes are: UTF-8 (perhaps with a few bad bytes), or a legacy single-byte text. */
export interface EncodingReport {
  encoding: 'utf-8' | 'windows-1252';
  /** Bytes that are not UTF-8: replaced by U+FFFD when the file is read as UTF-8. */
  invalidBytes: number;
}

/** A file with this many bad bytes and not one valid multi-byte character was written in Windows-1252 (Latin-1), not UTF-8 gone wrong. */
const LEGACY_MIN_INVALID = 3;

/**
 * Counts valid multi-byte characters and invalid bytes, to tell a Latin-1 file (accents as
 * single high bytes, never a valid UTF-8 sequence) from a UTF-8 file with a stray byte. A
 * character cut off at the end of `bytes` counts as invalid: callers hold such a tail back.
 */
function scan(bytes: Uint8Array, counts: { valid: number; invalid: number }): void {
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
      i++;
    }
  }
}

/**
 * Reads the file once to say how to decode it. Chunks that are valid UTF-8 (nearly all, in
 * nearly every file) pass Node's native check; only the others are counted byte by byte.
 */
export async function detectEncoding(file: string): Promise<EncodingReport> {
  const counts = { valid: 0, invalid: 0 };
  let carry = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    // A chunk may end inside a character: hold back up to three trailing bytes.
    let cut = bytes.length;
    while (cut > 0 && cut > bytes.length - 3 && (bytes[cut - 1]! & 0xc0) === 0x80) cut--;
    if (cut > 0 && bytes[cut - 1]! >= 0xc0) cut--;
    const body = bytes.subarray(0, cut);
    carry = Buffer.from(bytes.subarray(cut));
    if (isUtf8(body)) {
      // Non-ASCII bytes in a valid chunk are valid characters: one is enough to know.
      // Natively: a byte loop in JS here was 2.5 s of a 10M-row import's main thread.
      if (counts.valid === 0 && !isAscii(body)) counts.valid++;
      continue;
    }
    scan(body, counts);
  }
  if (carry.length > 0 && !isUtf8(carry)) scan(carry, counts);
  const legacy = counts.valid === 0 && counts.invalid >= LEGACY_MIN_INVALID;
  return { encoding: legacy ? 'windows-1252' : 'utf-8', invalidBytes: legacy ? 0 : counts.invalid };
}
