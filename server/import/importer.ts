import fs from 'node:fs';
import readline from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { ListingRecord } from '../core/listing';
import type { WriteCounts } from '../engine/search-engine';
import type { BoundaryIndex } from './boundaries';
import { DEFAULT_PRICING, parseAirbnbRow, parseNdjsonLine, SkipRow, type ImportFormat, type ParsedRow, type Pricing } from './row-formats';

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
}

export interface ImportOptions {
  format: ImportFormat;
  /** Currency and period of rows that do not name their own. @default DEFAULT_PRICING[format] */
  pricing?: Pricing;
  /** How the file's bytes are text (detectEncoding). @default 'utf-8' */
  encoding?: 'utf-8' | 'windows-1252';
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

interface RawRow {
  line: number;
  parse: () => ParsedRow;
}

async function* csvRows(stream: Readable, pricing: Pricing, onSkip: (s: SkippedRow) => void): AsyncGenerator<RawRow> {
  const parser = stream.pipe(
    parseCsv({
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    onSkip({ line: err.lines ?? 0, reason: `unreadable CSV: ${err.message.replace(/^Invalid Record Length: /, '')}` });
  });
  // A record may span lines (quoted newlines): it starts on the line after the previous one.
  let lastLine = 1;
  let lastEmpty = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string | undefined>;
    info: { lines: number; empty_lines: number };
  }>) {
    const line = lastLine + 1 + (info.empty_lines - lastEmpty);
    lastLine = info.lines;
    lastEmpty = info.empty_lines;
    yield { line, parse: () => parseAirbnbRow(record, pricing) };
  }
}

async function* ndjsonRows(stream: Readable, pricing: Pricing): AsyncGenerator<RawRow> {
  let line = 0;
  for await (const text of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    yield { line, parse: () => parseNdjsonLine(text, pricing) };
  }
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
 * U+FFFD. Throws only when the file itself cannot be read.
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
  const result: ImportResult = { imported: 0, updated: 0, skipped: 0 };
  const skip = (s: SkippedRow) => {
    result.skipped++;
    onSkip(s);
  };
  let batch: ListingRecord[] = [];
  // One batch may be in the sink while the next is parsed: a cluster indexes on its own
  // cores meanwhile. Batches still reach the sink one after another, in file order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
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
  const pricing = options.pricing ?? DEFAULT_PRICING[options.format];
  const rows = options.format === 'airbnb' ? csvRows(text, pricing, skip) : ndjsonRows(text, pricing);
  const now = Date.now();
  for await (const raw of rows) {
    let row: ParsedRow;
    try {
      row = raw.parse();
    } catch (err) {
      if (!(err instanceof SkipRow)) throw err;
      skip({ line: raw.line, reason: err.message });
      continue;
    }
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
    const listedAt = row.listedAt ?? now;
    batch.push({ ...row, listedAt, updatedAt: listedAt });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await writing;
  onProgress(stream.bytesRead);
  return result;
}
