import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { SqliteStore } from '../engine/embedded/sqlite-store';
import { BoundaryIndex } from '../import/boundaries';
import { importFile } from '../import/importer';
import { createProgress } from '../import/progress';
import { formatSchema, type ImportFormat } from '../import/row-formats';

const USAGE = 'usage: npm run import -- FILE [--format airbnb|ndjson] [--boundaries GEOJSON]';

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { format: { type: 'string' }, boundaries: { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) fail(USAGE);
  const ext = path.extname(file).toLowerCase();
  const formatText = args.values.format ?? (ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : 'airbnb');
  const format = formatSchema.safeParse(formatText);
  if (!format.success) fail(`unknown format "${formatText}"; use airbnb or ndjson`);

  let size: number;
  try {
    size = fs.statSync(file).size;
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  const config = loadConfig();
  if (config.ELASTICSEARCH_URL || config.OPENSEARCH_URL) {
    fail('importing into Elasticsearch or OpenSearch is not part of this build yet; unset the URL to use the embedded store');
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

  const store = new SqliteStore(config.dataDir);
  // Kept so the map can draw the outlines and later writes can be placed in an area.
  if (boundariesText) store.setMeta('boundaries', boundariesText);
  const progress = createProgress(size, `importing ${path.basename(file)}`);
  const started = performance.now();
  const result = await importFile(file, {
    format: format.data as ImportFormat,
    sink: store,
    ...(boundaries ? { boundaries } : {}),
    onSkip: ({ line, reason }) => process.stdout.write(`skipped line ${line}: ${reason}\n`),
    onProgress: (b) => progress.update(b),
  });
  progress.stop();
  store.close();
  const seconds = (performance.now() - started) / 1000;
  const rows = result.imported + result.updated + result.skipped;
  process.stderr.write(`${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s)\n`);
  process.stdout.write(`imported ${result.imported}, updated ${result.updated}, skipped ${result.skipped}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`import failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
