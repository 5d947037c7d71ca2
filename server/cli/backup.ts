/**
 * npm run backup -- FILE
 *
 * A consistent copy of the embedded store in DATA_DIR — every SQLite database and every
 * other file there (the session secret) — as one tar (gzip'd when FILE ends in .gz or
 * .tgz), written while servers on the folder keep serving and writing
 * (server/store/data-dir-backup.ts). With DATABASE_URL the record is PostgreSQL's:
 * pg_dump backs it up (README "Backup").
 */
import os from 'node:os';
import { commandLine } from './command-line';
import { loadConfig } from '../config';
import { backupDataDir, BackupError } from '../store/data-dir-backup';

const USAGE = 'usage: npm run backup -- FILE';

async function main(): Promise<void> {
  const args = commandLine('backup', USAGE, { allowPositionals: true, options: {} });
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`backup: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (config.DATABASE_URL) {
    process.stderr.write('backup: the record is in PostgreSQL (DATABASE_URL): back it up with pg_dump, e.g. pg_dump --format=custom --file=roost.dump "$DATABASE_URL" (README "Backup")\n');
    process.exit(2);
  }
  // Background work: the servers answering renters on this machine come first (nice 19).
  os.setPriority(os.constants.priority.PRIORITY_LOW);
  const started = performance.now();
  const { manifest, bytes } = await backupDataDir(config.dataDir, file);
  const seconds = (performance.now() - started) / 1000;
  const names = manifest.files.map((f) => f.name).join(', ');
  process.stdout.write(`backup: ${manifest.files.length} files (${names}) → ${file}, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`backup failed: ${err instanceof BackupError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
