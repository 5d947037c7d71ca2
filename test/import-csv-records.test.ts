/**
 * The CSV reader (server/import/csv-records.ts) against csv-parse reading the whole text at
 * once: on well-formed files, in any chunking, the same records on the same lines; with a
 * stray quote, the same records less the stray one's, which is reported with its line.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../server/core/seeded-random';
import { csvRecords, UNCLOSED_QUOTE, type CsvItem } from '../server/import/csv-records';

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** A name as files have them: plain, with a comma, with quotes, over two lines, or blank. */
function name(rand: Rand, i: number, multiLine: boolean): string {
  const kinds = ['plain', 'comma', 'quotes', 'blank', 'inch', ...(multiLine ? ['lines'] : [])] as const;
  switch (pick(rand, kinds)) {
    case 'plain':
      return `Flat ${i}`;
    case 'comma':
      return quoted(`Flat ${i}, quiet`);
    case 'quotes':
      return quoted(`The "best" flat ${i}`);
    case 'blank':
      return '';
    case 'inch':
      // A quote inside an unquoted field is text, as csv-parse's relaxed quoting reads it.
      return `TV 55" in flat ${i}`;
    default:
      // The closing line holds a comma inside the quotes ("…\nAstoria,NYC",…), as the New York file has.
      return quoted(`Flat ${i}\nsecond line, with "quotes"\n\nand a blank one, in Astoria,NYC`);
  }
}

/** `plain`: a row with no quoted field after its name (the stray quote's row). */
function file(rand: Rand, rows: number, nameOf: (i: number) => string, plain = 0): string {
  const eol = rand() < 0.3 ? '\r\n' : '\n';
  const lines = ['id,name,area,lat,lon,note'];
  for (let i = 1; i <= rows; i++) {
    if (rand() < 0.05) lines.push('');
    const note = rand() < 0.2 && i !== plain ? quoted('a, b') : 'x';
    lines.push(`${i},${nameOf(i)},Chelsea,${(40 + rand()).toFixed(5)},-74.0,${note}`);
  }
  return (rand() < 0.2 ? '\uFEFF' : '') + lines.join(eol) + (rand() < 0.5 ? eol : '');
}

async function* chunks(text: string, rand: Rand): AsyncGenerator<string> {
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rand() * (rand() < 0.5 ? 40 : 5_000));
    yield text.slice(i, i + n);
    i += n;
  }
}

async function read(text: string, rand: Rand, max?: number): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const block of csvRecords(chunks(text, rand), max)) out.push(...block);
  return out;
}

/** csv-parse on the whole text, with each record's first line. */
function whole(text: string): CsvItem[] {
  const rows = parse(text, { bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as unknown as {
    record: string[];
    info: { lines: number; empty_lines: number };
  }[];
  let lastLine = 0;
  let lastEmpty = 0;
  return rows.map(({ record, info }) => {
    const line = lastLine + 1 + (info.empty_lines - lastEmpty);
    lastLine = info.lines;
    lastEmpty = info.empty_lines;
    return { line, fields: record };
  });
}

describe('CSV records', () => {
  it('on well-formed files, in any chunking, reads what csv-parse reads whole', async () => {
    const rand = seededRandom(30);
    for (let n = 0; n < 400; n++) {
      const text = file(rand, 1 + Math.floor(rand() * 60), (i) => name(rand, i, true));
      expect(await read(text, rand), JSON.stringify(text)).toEqual(whole(text));
    }
  });

  // A quote that "closes" on its own line (`"Cozy" loft,`) is csv-parse's relaxed reading of
  // that line, not a runaway: the stray quote's row here has no quoted field after it.
  it('a stray quote costs its own row: reported with its line, every other row as it was', async () => {
    const rand = seededRandom(28);
    for (let n = 0; n < 400; n++) {
      const rows = 2 + Math.floor(rand() * 60);
      const stray = 1 + Math.floor(rand() * rows);
      const names = Array.from({ length: rows + 1 }, (_, i) => name(rand, i, i !== stray));
      const good = file(seededRandom(n), rows, (i) => names[i]!, stray);
      names[stray] = `"Stray ${stray}`;
      const broken = file(seededRandom(n), rows, (i) => names[i]!, stray);
      const want = whole(good);
      const at = want.findIndex((r) => 'fields' in r && r.fields[0] === String(stray));
      want.splice(at, 1, { line: want[at]!.line, problem: UNCLOSED_QUOTE });
      expect(await read(broken, rand), JSON.stringify(broken)).toEqual(want);
    }
  });

  it('bounds a record: a line or an open quote past the bound is reported, and reading goes on', async () => {
    const rand = seededRandom(7);
    const long = `2,"${'x'.repeat(300)}",Chelsea,40.1,-74.0,x`;
    const text = ['id,name,area,lat,lon,note', '1,a,Chelsea,40.1,-74.0,x', long, '3,c,Chelsea,40.1,-74.0,x'].join('\n');
    expect(await read(text, rand, 200)).toEqual([
      { line: 1, fields: ['id', 'name', 'area', 'lat', 'lon', 'note'] },
      { line: 2, fields: ['1', 'a', 'Chelsea', '40.1', '-74.0', 'x'] },
      { line: 3, problem: 'the record is longer than 200 characters' },
      { line: 4, fields: ['3', 'c', 'Chelsea', '40.1', '-74.0', 'x'] },
    ]);
    // An open quote with no quote after it and no line like a row: given up at the bound.
    const open = ['id,name,area,lat,lon,note', '1,"open', ...Array.from({ length: 40 }, (_, i) => `words ${i}`)].join('\n');
    const items = await read(open, rand, 200);
    expect(items[1]).toEqual({ line: 2, problem: UNCLOSED_QUOTE });
    expect(items.slice(2).map((r) => ('fields' in r ? r.fields[0] : r.problem))).toEqual(Array.from({ length: 40 }, (_, i) => `words ${i}`));
  });
});
