import fs from 'node:fs';
import path from 'node:path';
import { commandLine } from './command-line';
import { loadConfig } from '../config';
import { EngineFailure, EngineUnavailable } from '../engine/engine-errors';
import { BoundaryIndex } from '../import/boundaries';
import { importFile } from '../import/importer';
import { detectEncoding, lineRanges, MAX_LINES_TOLD } from '../import/file-encoding';
import { AIRBNB_COLUMNS, MissingColumns, NDJSON_FIELDS, parseColumnMap } from '../import/import-columns';
import { createProgress } from '../import/progress';
import { SkipSummary } from '../import/skip-summary';
import { SnapshotWhileImporting } from '../import/snapshot-while-importing';
import { StoreWriteFailed, WorkerStoreSink } from '../import/worker-store-sink';
import { openDatabase } from '../store/postgres/database';
import { DEFAULT_PRICING, formatSchema, type ImportFormat } from '../import/row-formats';
import { isCurrencyCode, PRICE_PERIODS, type PricePer } from '../core/money';

const USAGE =
  'usage: npm run import -- FILE [--format airbnb|ndjson] [--boundaries GEOJSON] [--currency CODE] [--price-per month|night] [--map FIELD=COLUMN,…]';

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = commandLine('import', USAGE, {
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      boundaries: { type: 'string' },
      currency: { type: 'string' },
      'price-per': { type: 'string' },
      map: { type: 'string', multiple: true },
    },
  });
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) fail(USAGE);
  const ext = path.extname(file).toLowerCase();
  const formatText = args.values.format ?? (ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : 'airbnb');
  const format = formatSchema.safeParse(formatText);
  if (!format.success) fail(`unknown format "${formatText}"; use airbnb or ndjson`);
  const defaults = DEFAULT_PRICING[format.data];
  const currency = (args.values.currency ?? defaults.currency).toUpperCase();
  if (!isCurrencyCode(currency)) fail(`--currency "${args.values.currency}" is not an ISO 4217 code such as USD, EUR or CNY`);
  const pricePer = args.values['price-per'] ?? defaults.pricePer;
  if (!(PRICE_PERIODS as readonly string[]).includes(pricePer)) fail(`--price-per "${pricePer}": use month or night`);
  let columns: Map<string, string>;
  try {
    columns = parseColumnMap(args.values.map ?? [], format.data === 'airbnb' ? Object.keys(AIRBNB_COLUMNS) : NDJSON_FIELDS);
  } catch (err) {
    fail((err as Error).message);
  }

  let size: number;
  try {
    size = fs.statSync(file).size;
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    fail((err as Error).message);
  }

  let boundaries: BoundaryIndex | undefined;
  let boundariesText: string | undefined;
  if (args.values.boundaries) {
    try {
      boundariesText = fs.readFileSync(args.values.boundaries, 'utf8');
      boundaries = BoundaryIndex.parse(boundariesText);
    } catch (err) {
      fail(`cannot use boundaries ${args.values.boundaries}: ${(err as Error).message}`);
    }
  }

  // Into the store, the record: the search index (in memory, or a cluster's) follows its
  // log. PostgreSQL (DATABASE_URL): each batch one COPY and one transaction with its log
  // rows. Either is written on a thread of its own while this one parses.
  if (config.DATABASE_URL) {
    try {
      // Opened here first so an unreachable database is one clear line, and the schema is current.
      await (await openDatabase({ url: config.DATABASE_URL, poolMax: 1 })).end();
    } catch (err) {
      fail(`DATABASE_URL: cannot open the database: ${(err as Error).message}`);
    }
  }
  // An empty embedded store: this thread builds the index on the way and leaves it as the
  // server's snapshot (not for a cluster's index, which follows the log on its own). Asked
  // before the store's thread opens the store: its emptiness as the import found it.
  const indexer =
    !config.DATABASE_URL && !config.ELASTICSEARCH_URL && !config.OPENSEARCH_URL ? await SnapshotWhileImporting.before(config.dataDir) : null;
  const sink = new WorkerStoreSink(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.dataDir });
  // Kept so the map can draw the outlines and later writes can be placed in an area.
  if (boundariesText) await sink.setMeta('boundaries', boundariesText);
  const encoding = await detectEncoding(file);
  if (encoding.encoding !== 'utf-8') process.stderr.write(`import: ${file} is not UTF-8; read as ${encoding.encoding}\n`);
  else if (encoding.invalidBytes > 0) {
    const lines = lineRanges(encoding.invalidLines);
    const more = encoding.invalidLines.length >= MAX_LINES_TOLD ? ' and later lines' : '';
    const bytes = encoding.invalidBytes === 1 ? '1 byte that is not UTF-8 was' : `${encoding.invalidBytes.toLocaleString('en-US')} bytes that are not UTF-8 were`;
    process.stderr.write(`import: ${bytes} replaced with U+FFFD on line${encoding.invalidLines.length > 1 || more ? 's' : ''} ${lines}${more}\n`);
  }
  const skips = new SkipSummary();
  const progress = createProgress(size, `importing ${path.basename(file)} into ${config.DATABASE_URL ? 'PostgreSQL' : 'the embedded store'}`);
  const started = performance.now();
  const load = () => importFile(file, {
    format: format.data as ImportFormat,
    pricing: { currency, pricePer: pricePer as PricePer },
    encoding: encoding.encoding,
    columns,
    sink: indexer ? indexer.around(sink) : sink,
    ...(boundaries ? { boundaries } : {}),
    onSkip: ({ line, reason }) => {
      process.stdout.write(`skipped line ${line}: ${reason}\n`);
      skips.add(line, reason);
    },
    onProgress: (b) => progress.update(b),
  });
  let result;
  try {
    result = await load();
  } catch (err) {
    if (!(err instanceof MissingColumns)) throw err;
    progress.stop();
    await sink.close();
    for (const line of skips.lines()) process.stderr.write(`${line}\n`);
    // The report's last line, where `imported N, …` would be.
    process.stdout.write(`${err.message}\n`);
    process.exit(1);
  }
  progress.stop();
  await sink.close();
  if (indexer) {
    const snapshot = await indexer.finish(result.imported).catch((err: unknown) => ({ written: false, reason: (err as Error).message }));
    process.stderr.write(snapshot.written ? 'index snapshot written for the next start\n' : `no index snapshot written: ${snapshot.reason}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const note of result.notes) process.stderr.write(`import: ${note}\n`);
  for (const line of skips.lines()) process.stderr.write(`${line}\n`);
  const rows = result.imported + result.updated + result.skipped;
  process.stderr.write(`${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s)\n`);
  process.stdout.write(`imported ${result.imported}, updated ${result.updated}, skipped ${result.skipped}\n`);
}

main().catch((err: unknown) => {
  // The store's own errors say what happened without a stack; anything else is a bug.
  const known = err instanceof EngineUnavailable || err instanceof EngineFailure || err instanceof StoreWriteFailed;
  process.stderr.write(`import failed: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
