import { parse as parseCsv } from 'csv-parse/sync';

/** One record of a CSV file: its fields and the line it starts on (1 is the header). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A line the reader could not make a record of, and why, in words for the import report. */
export interface CsvProblem {
  line: number;
  problem: string;
}

export type CsvItem = CsvRecord | CsvProblem;

/**
 * Longest record read, in characters. Inside Airbnb's detailed rows (description, host's
 * about, amenities) run to a few tens of kilobytes; a record past this is a broken file, and
 * the bound keeps what one bad line can hold in memory.
 */
export const MAX_RECORD_LENGTH = 1 << 20;

/** Characters of whole records handed to csv-parse at a time. */
const BLOCK_LENGTH = 1 << 20;

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;

export const UNCLOSED_QUOTE = 'a quote opened on this line is never closed; the lines after it are read as rows of their own';

const csvOptions = {
  info: true,
  relax_column_count: true,
  // A quote inside an unquoted field is text (`My 5" TV`), as in csv-parse's relaxed mode.
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  // Bytes: a character may be three of them. The framing below bounds records first.
  max_record_size: MAX_RECORD_LENGTH * 3,
} as const;

/** A record that runs over several lines, while it is framed. */
interface OpenRecord {
  /** Offset of its first line in the buffer. */
  start: number;
  line: number;
  lines: number;
}

/**
 * Reads a CSV text into records, framing them itself before csv-parse splits their fields,
 * so one broken line costs that line only:
 * - a quote that opens a field and is never closed would make csv-parse read every line up
 *   to the next quote in the file as one field (one stray quote swallowed 998 rows). A
 *   record that runs over several lines is taken only if it looks like one: a quote that
 *   closes its field on a later line is followed by a delimiter or the line's end (a stray
 *   quote's field instead "closes" at the next field that opens with a quote), no line
 *   wholly inside its quotes would be a whole row on its own, and it ends within
 *   MAX_RECORD_LENGTH and before the file does. Otherwise its first line is reported and the lines after it are
 *   read again as records of their own;
 * - a line longer than MAX_RECORD_LENGTH is reported and dropped, not held in memory.
 * The framing mirrors csv-parse's relaxed quoting (a quote opens a field only at its start;
 * `""` inside quotes is a quote), so on a well-formed file its records are csv-parse's own.
 * Yields records and problems in file order, a block at a time; the first record is the header.
 */
export async function* csvRecords(text: AsyncIterable<string | Buffer>, maxRecordLength = MAX_RECORD_LENGTH): AsyncGenerator<CsvItem[]> {
  const framer = new CsvFramer(maxRecordLength);
  for await (const chunk of text) {
    const out = framer.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    if (out.length > 0) yield out;
  }
  const out = framer.end();
  if (out.length > 0) yield out;
}

class CsvFramer {
  /** Text not yet parsed, from the start of a line. */
  private buf = '';
  /** Number of the first line in `buf`. */
  private line = 1;
  /** `buf` up to here is whole records, `blockLines` lines of them. */
  private blockEnd = 0;
  private blockLines = 0;
  /** Where framing goes on: `blockEnd`, or past the open record's last line. */
  private scanPos = 0;
  private open: OpenRecord | null = null;
  /** Fields of the header (the first line that is not blank), once framed. */
  private headerFields = 0;
  /** Dropping the rest of a line too long to keep. */
  private dropping = false;
  private first = true;
  /** The text has all come: the last line may lack its newline (and must not get one: in a
   * CRLF file csv-parse would read a lone `\n` as part of the last field). */
  private atEnd = false;
  private out: CsvItem[] = [];

  constructor(private readonly maxLength: number) {}

  push(chunk: string): CsvItem[] {
    if (this.first) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.buf += chunk;
    this.frame();
    if (this.blockEnd >= BLOCK_LENGTH) this.flush();
    return this.take();
  }

  end(): CsvItem[] {
    this.atEnd = true;
    this.frame();
    // A quote still open at the end of the file was never closed.
    while (this.open) {
      this.giveUp();
      this.frame();
    }
    this.flush();
    return this.take();
  }

  private take(): CsvItem[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private frame(): void {
    for (;;) {
      if (this.dropping) {
        const nl = this.buf.indexOf('\n');
        if (nl < 0) {
          this.buf = '';
          return;
        }
        this.buf = this.buf.slice(nl + 1);
        this.dropping = false;
        this.line++;
      }
      let nl = this.buf.indexOf('\n', this.scanPos);
      if (nl < 0 && this.atEnd && this.scanPos < this.buf.length) nl = this.buf.length;
      if (nl < 0) {
        if (this.buf.length - (this.open ? this.open.start : this.scanPos) <= this.maxLength) return;
        if (this.open) {
          this.giveUp();
          continue;
        }
        this.tooLong();
        continue;
      }
      const from = this.scanPos;
      if (nl - from > this.maxLength && !this.open) {
        this.tooLong();
        continue;
      }
      this.scanPos = Math.min(nl + 1, this.buf.length);
      const open = this.open;
      if (!open) {
        if (this.headerFields === 0 && nl - from > (this.buf.charCodeAt(nl - 1) === CR ? 1 : 0)) this.headerFields = this.countFields(from, nl, false).fields;
        if (this.endsQuoted(from, nl)) {
          // A quoted field runs on past this line.
          this.open = { start: from, line: this.line + this.blockLines, lines: 1 };
          continue;
        }
        this.blockEnd = this.scanPos;
        this.blockLines++;
        continue;
      }
      open.lines++;
      const counted = this.countFields(from, nl, true);
      // Only a line wholly inside the quotes is tested as a row: a swallowed row is one, while
      // the line a field closes on holds that field's end ("Astoria,NYC",…) before its own fields.
      if (counted.badClose || this.scanPos - open.start > this.maxLength || (counted.quoting && this.wholeRow(from, nl))) {
        this.giveUp();
        continue;
      }
      if (counted.quoting) continue;
      this.blockEnd = this.scanPos;
      this.blockLines += open.lines;
      this.open = null;
    }
  }

  /** One line longer than any record may be: said, and dropped up to its end. */
  private tooLong(): void {
    this.flush();
    this.out.push({ line: this.line, problem: `the record is longer than ${this.maxLength.toLocaleString('en-US')} characters` });
    this.buf = this.buf.slice(this.scanPos);
    this.scanPos = 0;
    this.dropping = true;
  }

  /** Whether a line, read from its start, has as many fields as the header: a row, not a field's text. */
  private wholeRow(from: number, to: number): boolean {
    return this.headerFields > 2 && this.countFields(from, to, false).fields >= this.headerFields;
  }

  /** The open record is not one: its first line is reported, and framing starts again after it. */
  private giveUp(): void {
    const open = this.open!;
    this.open = null;
    this.flush();
    // The open record began where the block ended, so it now starts the buffer.
    this.out.push({ line: open.line, problem: UNCLOSED_QUOTE });
    // (The file's last line may have no newline: then nothing is left.)
    const firstEnd = this.buf.indexOf('\n');
    this.buf = firstEnd < 0 ? '' : this.buf.slice(firstEnd + 1);
    this.line = open.line + 1;
    this.scanPos = 0;
  }

  /** Parses the whole records framed so far and drops them from the buffer. */
  private flush(): void {
    if (this.blockEnd === 0) return;
    const block = this.buf.slice(0, this.blockEnd);
    const first = this.line;
    const skipped: CsvProblem[] = [];
    const rows = parseCsv(block, {
      ...csvOptions,
      on_skip: (err: (Error & { lines?: number }) | undefined) => {
        if (err) skipped.push({ line: first + (err.lines ?? 1) - 1, problem: `unreadable CSV: ${err.message}` });
      },
    }) as unknown as { record: string[]; info: { lines: number; empty_lines: number } }[];
    // A record may span lines: it starts on the line after the previous one ended, blank lines aside.
    let lastLine = 0;
    let lastEmpty = 0;
    let s = 0;
    for (const { record, info } of rows) {
      const line = first + lastLine + (info.empty_lines - lastEmpty);
      while (s < skipped.length && skipped[s]!.line < line) this.out.push(skipped[s++]!);
      this.out.push({ line, fields: record });
      lastLine = info.lines;
      lastEmpty = info.empty_lines;
    }
    while (s < skipped.length) this.out.push(skipped[s++]!);
    this.buf = this.buf.slice(this.blockEnd);
    this.line += this.blockLines;
    this.scanPos -= this.blockEnd;
    if (this.open) this.open.start -= this.blockEnd;
    this.blockEnd = 0;
    this.blockLines = 0;
  }

  /**
   * Whether a line that starts a record ends inside a quoted field. Only its quotes are
   * visited (indexOf), which is most of framing's speed: most lines hold none or a few.
   */
  private endsQuoted(from: number, to: number): boolean {
    const s = this.buf;
    let quoting = false;
    let q = s.indexOf('"', from);
    while (q !== -1 && q < to) {
      if (quoting) {
        if (q + 1 < to && s.charCodeAt(q + 1) === QUOTE) {
          q = s.indexOf('"', q + 2);
          continue;
        }
        quoting = false;
      } else if (q === from || s.charCodeAt(q - 1) === COMMA) {
        quoting = true;
      }
      q = s.indexOf('"', q + 1);
    }
    return quoting;
  }

  /**
   * Fields a line adds to its record (delimiters outside quotes, plus one), whether it
   * ends inside quotes, and whether its first closing quote had something other than a
   * delimiter after it. Only lines of records that run over several lines come here.
   */
  private countFields(from: number, to: number, quotingAtStart: boolean): { fields: number; quoting: boolean; badClose: boolean } {
    const s = this.buf;
    let quoting = quotingAtStart;
    let badClose = false;
    let fields = 1;
    let fieldStart = !quotingAtStart;
    let closed = false;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (quoting) {
        if (c !== QUOTE) continue;
        if (i + 1 < to && s.charCodeAt(i + 1) === QUOTE) {
          i++;
          continue;
        }
        quoting = false;
        fieldStart = false;
        const next = i + 1 < to ? s.charCodeAt(i + 1) : -1;
        if (!closed && next !== -1 && next !== COMMA && next !== CR) badClose = true;
        closed = true;
        continue;
      }
      if (c === COMMA) {
        fields++;
        fieldStart = true;
        continue;
      }
      if (c === QUOTE && fieldStart) quoting = true;
      fieldStart = false;
    }
    return { fields, quoting, badClose };
  }
}
