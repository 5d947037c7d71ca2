import { listingIdSchema } from '../core/listing';
import { SkipRow, quote } from './skip-row';

/** A number as a float or in scientific notation: `929021202864028900.0`, `9.290212028640289e+17`. */
const FLOAT = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DIGITS = /^\d+$/;

/** Rows whose rounded ids are remembered to tell a repeat: bounds the memory one file costs. */
const MAX_REMEMBERED = 1_000_000;
const EXAMPLES = 5;

/**
 * The whole number a float stands for, in digits: the shortest decimal that reads back as
 * that float (what JavaScript, Python and pandas print), its exponent written out in zeros.
 * A function of the float alone, so every spelling of one number is one id, and the same
 * id an ndjson file's numeric `id` gets.
 */
export function integerText(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const digits = s.slice(0, e).replace('.', '');
  return digits + '0'.repeat(Number(s.slice(e + 1)) - (digits.length - 1));
}

/**
 * Reads a file's ids. pandas writes an id column that held a blank as floats, so an
 * Inside Airbnb id comes as `9.290212028640289e+17`: read as the number it is and written
 * out whole (integerText). A float keeps about 16 significant digits, so an id above 2^53
 * lost its last digits in that export and cannot get them back: such ids are counted,
 * and a row whose rounded id repeats an earlier row's is told (it updated that listing,
 * which may have been another home).
 */
export class ListingIds {
  private floats = 0;
  private firstFloat: { line: number; text: string; id: string } | null = null;
  private rounded = 0;
  private readonly roundedAt = new Map<string, number>();
  private repeats = 0;
  private readonly repeatExamples: string[] = [];

  read(raw: string | undefined, line: number): string {
    const text = (raw ?? '').trim();
    if (DIGITS.test(text)) return text;
    if (text === '') throw new SkipRow('id is missing');
    if (FLOAT.test(text)) return this.fromFloat(text, line);
    if (!listingIdSchema.safeParse(text).success) throw new SkipRow(`id ${quote(text)} is not a valid id`);
    return text;
  }

  private fromFloat(text: string, line: number): string {
    const n = Number(text);
    if (!Number.isInteger(n)) throw new SkipRow(`id ${quote(text)} is not a whole number`);
    const id = integerText(n);
    if (!listingIdSchema.safeParse(id).success) throw new SkipRow(`id ${quote(text)} is not a valid id`);
    this.floats++;
    this.firstFloat ??= { line, text, id };
    if (n > Number.MAX_SAFE_INTEGER) {
      this.rounded++;
      const first = this.roundedAt.get(id);
      if (first !== undefined) {
        this.repeats++;
        if (this.repeatExamples.length < EXAMPLES) this.repeatExamples.push(`line ${line} as line ${first}`);
      } else if (this.roundedAt.size < MAX_REMEMBERED) {
        this.roundedAt.set(id, line);
      }
    }
    return id;
  }

  /** What the import should say about the file's ids (stderr), if anything. */
  notes(): string[] {
    const out: string[] = [];
    const f = this.firstFloat;
    if (!f) return out;
    let note = `${count(this.floats, 'id was written as a floating-point number', 'ids were written as floating-point numbers')} (${f.text} on line ${f.line} became ${f.id})`;
    if (this.rounded > 0) {
      note += `; ${count(this.rounded, 'of them is', 'of them are')} above 2^53, where a float keeps about 16 digits: the export had already rounded the last digits away, so ${this.rounded === 1 ? 'it is not the id' : 'they are not the ids'} the source gave (export ids as text to keep them)`;
    }
    out.push(note);
    if (this.repeats > 0) {
      out.push(
        `${count(this.repeats, "row's id repeats", "rows' ids repeat")} an earlier row's rounded id (${this.repeatExamples.join(', ')}${this.repeats > EXAMPLES ? ', …' : ''}): each updated that listing, which may have been another home`,
      );
    }
    return out;
  }
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
