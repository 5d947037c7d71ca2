import fs from 'node:fs';
import readline from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import type { ListingRecord } from '../core/listing';
import type { WriteCounts } from '../engine/search-engine';
import type { BoundaryIndex } from './boundaries';
import { csvRecords } from './csv-records';
import { airbnbColumnIndex, type ColumnMap } from './import-columns';
import { AirbnbRows, DEFAULT_PRICING, NdjsonRows, SkipRow, type ImportFormat, type ParsedRow, type Pricing } from './row-formats';

/** Where imported listings go: the SQLite store here, the cluster's bulk API later. */
export interface ListingSink {
  upsertMany(records: ListingRecord[]): WriteCounts | Promise<WriteCounts>;
}

export interface SkippedRow {
  line: number;
  reason: string;
}

export interface ImportResult {
  imported: number;
  updated: number;
  skipped: number;
  /** What reading the file as a whole found worth saying (ids written as floats, dates' order): lines for stderr. */
  notes: string[];
}

export interface ImportOptions {
  format: ImportFormat;
  /** Currency and period of rows that do not name their own. @default DEFAULT_PRICING[format] */
  pricing?: Pricing;
  /** How the file's bytes are text (detectEncoding). @default 'utf-8' */
  encoding?: 'utf-8' | 'windows-1252';
  /** The file's own names for Roost's fields (`--map id=room_id`). @default none */
  columns?: ColumnMap;
  sink: ListingSink;
  boundaries?: BoundaryIndex;
  /**
   * Listings written per transaction: large enough to amortise the commit, small enough
   * that a server sharing the store waits only milliseconds for the write lock.
   * @default 5000
   */
  batchSize?: number;
  onSkip?: (skip: SkippedRow) => void;
  /** Bytes read so far; called at most once per batch. */
  onProgress?: (bytesRead: number) => void;
}

/** Rows of the file as they become listings or skips, written to the sink a batch at a time. */
interface RowOutlet {
  /** Adds a row to the batch; true when the batch is full and must be flushed. */
  add(row: ParsedRow): boolean;
  flush(): Promise<void>;
  skip(line: number, reason: string): void;
}

/** Inside Airbnb CSV: the header names the columns (MissingColumns when it lacks what is needed), then a row per record. */
async function readAirbnb(text: Readable, pricing: Pricing, columns: ColumnMap, out: RowOutlet, onBatch: (settle: () => void) => void): Promise<string[]> {
  let rows: AirbnbRows | null = null;
  for await (const items of csvRecords(text)) {
    for (const item of items) {
      if ('problem' in item) {
        out.skip(item.line, item.problem);
        continue;
      }
      if (!rows) {
        rows = new AirbnbRows(airbnbColumnIndex(item.fields, columns), pricing);
        const dates = rows.dates;
        onBatch(() => dates.settle());
        continue;
      }
      let row: ParsedRow;
      try {
        row = rows.parse(item.fields, item.line);
      } catch (err) {
        if (!(err instanceof SkipRow)) throw err;
        out.skip(item.line, err.message);
        continue;
      }
      if (out.add(row)) await out.flush();
    }
  }
  return rows?.notes() ?? [];
}

async function readNdjson(text: Readable, pricing: Pricing, columns: ColumnMap, out: RowOutlet): Promise<string[]> {
  const rows = new NdjsonRows(columns, pricing);
  let line = 0;
  for await (const json of readline.createInterface({ input: text, crlfDelay: Infinity })) {
    line++;
    if (json.trim() === '') continue;
    let row: ParsedRow;
    try {
      row = rows.parse(json);
    } catch (err) {
      if (!(err instanceof SkipRow)) throw err;
      out.skip(line, err.message);
      continue;
    }
    if (out.add(row)) await out.flush();
  }
  rows.finish();
  return rows.notes();
}

function decodeWith(decoder: TextDecoder): Transform {
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

/**
 * Reads a file of listings into a sink. Every row that cannot become a listing is
 * reported with its line and reason and the rest go on; bytes that are not UTF-8 become
 * U+FFFD. Throws when the file itself cannot be read, and MissingColumns when no row of
 * it can have the fields a listing needs.
 */
export async function importFile(file: string, options: ImportOptions): Promise<ImportResult> {
  const { sink, boundaries, onSkip = () => {}, onProgress = () => {} } = options;
  const batchSize = options.batchSize ?? 5_000;
  await fs.promises.access(file, fs.constants.R_OK);
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  // UTF-8 through Node's own decoder (bad bytes become U+FFFD); a legacy file through
  // TextDecoder, which Node's full ICU gives every WHATWG encoding.
  const text: Readable =
    (options.encoding ?? 'utf-8') === 'utf-8' ? stream.setEncoding('utf8') : stream.pipe(decodeWith(new TextDecoder(options.encoding)));
  const result: ImportResult = { imported: 0, updated: 0, skipped: 0, notes: [] };
  let batch: ListingRecord[] = [];
  let settle = () => {};
  // One batch may be in the sink while the next is parsed: a cluster indexes on its own
  // cores meanwhile. Batches still reach the sink one after another, in file order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    // Rows about to be written are final (a date read day first stays so).
    settle();
    const full = batch;
    batch = [];
    await writing;
    writing = Promise.resolve(sink.upsertMany(full)).then((counts) => {
      result.imported += counts.inserted;
      result.updated += counts.updated;
      onProgress(stream.bytesRead);
    });
    // Observed now, thrown at the next flush: a failed write must not kill the process first.
    writing.catch(() => undefined);
  };
  const now = Date.now();
  const out: RowOutlet = {
    skip(line, reason) {
      result.skipped++;
      onSkip({ line, reason });
    },
    flush,
    add(row) {
      if (boundaries && (row.district === '' || row.neighbourhood === '')) {
        const area = boundaries.areaAt(row.lat, row.lon);
        if (area) {
          if (row.district === '') row.district = area.district;
          if (row.neighbourhood === '') row.neighbourhood = area.neighbourhood;
        }
      }
      // Many cities' files leave neighbourhood_group blank: the neighbourhood is then the
      // district too, so the district level shows the city's areas, not one "other" pile.
      if (row.district === '' && row.neighbourhood !== '') row.district = row.neighbourhood;
      // The row object becomes the record: a date the file's order corrects later is corrected in it.
      const record = row as ListingRecord;
      record.listedAt = row.listedAt ?? now;
      record.updatedAt = record.listedAt;
      batch.push(record);
      return batch.length >= batchSize;
    },
  };
  const pricing = options.pricing ?? DEFAULT_PRICING[options.format];
  const columns = options.columns ?? new Map<string, string>();
  try {
    result.notes =
      options.format === 'airbnb'
        ? await readAirbnb(text, pricing, columns, out, (s) => (settle = s))
        : await readNdjson(text, pricing, columns, out);
  } finally {
    stream.destroy();
  }
  await flush();
  await writing;
  onProgress(stream.bytesRead);
  return result;
}
