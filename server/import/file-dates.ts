/**
 * Days as the files write them: `2019-10-21` (Inside Airbnb, also with a time after it),
 * `2019/10/21`, `21.10.2019`, and day and month with a dash or a slash — `21-10-2019` (the
 * 2019 New York snapshot), `25/02/2019` (a Los Angeles export), or `2/25/2019` as a US
 * spreadsheet writes it. Whether `03/04/2019` is the 3rd of April or the 4th of March is the
 * file's to say: the first such date with a day over 12 decides for the whole file, and
 * the rows read before it are read again; a file that never says is read day first, as
 * Inside Airbnb's own exports are. Anything else (blank, a typo, a 31st of February) is no
 * date rather than a lost row, and is counted.
 */

type Order = 'day' | 'month';

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T][\d:.+\-Z ]*)?$/;
const DAY_MONTH = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const EXAMPLES = 5;

/** UTC midnight of a day, or null when there is no such day (31-02 does not roll into March). */
function utcDay(y: number, m: number, d: number): number | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const at = Date.UTC(y, m - 1, d);
  return new Date(at).getUTCDate() === d ? at : null;
}

/** Something a date was read into: its listing, whose times are set again if the file's order turns out otherwise. */
export interface Dated {
  listedAt: number | null;
  updatedAt?: number;
}

export class FileDates {
  private order: Order | null = null;
  private decidedBy: { line: number; text: string } | null = null;
  /** Rows read day first before the file said which: read again if it says month first. */
  private held: { row: Dated; a: number; b: number; y: number }[] = [];
  private last: { a: number; b: number; y: number } | null = null;
  private ambiguous = 0;
  private unreadable = 0;
  private readonly unreadableExamples: string[] = [];

  /** The day a text names (UTC midnight), or null (blank, or unreadable and counted). */
  read(raw: string | undefined, line: number): number | null {
    this.last = null;
    const text = (raw ?? '').trim();
    if (text === '') return null;
    let m = ISO.exec(text);
    if (m) return this.valid(utcDay(Number(m[1]), Number(m[2]), Number(m[3])), text, line);
    m = DAY_MONTH.exec(text);
    if (!m) return this.valid(null, text, line);
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = Number(m[4]);
    // A dotted date is day first wherever it is written (Norway, Germany).
    if (m[2] === '.') return this.valid(utcDay(y, b, a), text, line);
    if (this.order === null) {
      if (a > 12 && b <= 12) this.decide('day', line, text);
      else if (b > 12 && a <= 12) this.decide('month', line, text);
      else if (a <= 12 && b <= 12) {
        this.ambiguous++;
        this.last = { a, b, y };
        return this.valid(utcDay(y, b, a), text, line);
      }
    } else if (a <= 12 && b <= 12) {
      this.ambiguous++;
    }
    return this.valid(this.order === 'month' ? utcDay(y, a, b) : utcDay(y, b, a), text, line);
  }

  /**
   * Keeps the row whose date was just read, when that date was read day first before the
   * file said which order it writes: it is read again should the file say month first.
   */
  holdLast(row: Dated): void {
    if (this.last && this.order === null) this.held.push({ row, ...this.last });
  }

  /** The rows read so far are about to be written: what is held stays as read (day first). */
  settle(): void {
    this.held = [];
  }

  private decide(order: Order, line: number, text: string): void {
    this.order = order;
    this.decidedBy = { line, text };
    if (order === 'month') {
      for (const { row, a, b, y } of this.held) {
        // Both numbers are 12 or less: a valid day either way round.
        const at = utcDay(y, a, b)!;
        row.listedAt = at;
        if (row.updatedAt !== undefined) row.updatedAt = at;
      }
    }
    this.held = [];
  }

  private valid(at: number | null, text: string, line: number): number | null {
    if (at === null) {
      this.unreadable++;
      if (this.unreadableExamples.length < EXAMPLES) this.unreadableExamples.push(`line ${line}: ${JSON.stringify(text.slice(0, 40))}`);
    }
    return at;
  }

  /** What the import should say about the file's dates (stderr), if anything. */
  notes(): string[] {
    const out: string[] = [];
    const how = this.order === 'month' ? 'month first (MM/DD/YYYY)' : 'day first (DD/MM/YYYY)';
    if (this.decidedBy) {
      const either = this.ambiguous === 1 ? '1 that could be either was read' : `${this.ambiguous.toLocaleString('en-US')} that could be either were read`;
      out.push(`dates like ${this.decidedBy.text} read ${how}, as line ${this.decidedBy.line} shows${this.ambiguous > 0 ? `; ${either} the same way` : ''}`);
    } else if (this.ambiguous > 0) {
      out.push(`${this.ambiguous === 1 ? '1 date such as 03/04/2019 was' : `${this.ambiguous.toLocaleString('en-US')} dates such as 03/04/2019 were`} read ${how}: no date in the file has a day over 12 to say otherwise`);
    }
    if (this.unreadable > 0) {
      const n = this.unreadable;
      out.push(
        `${n.toLocaleString('en-US')} ${n === 1 ? 'date' : 'dates'} could not be read (${this.unreadableExamples.join(', ')}${n > EXAMPLES ? ', …' : ''}); a home with no date read is dated by the import`,
      );
    }
    return out;
  }
}

/** One text's day, read as a file that says nothing else would read it. */
export function airbnbDate(raw: string | undefined): number | null {
  return new FileDates().read(raw, 0);
}
