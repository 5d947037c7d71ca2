/**
 * npm run restore -- FILE
 *
 * Fills an empty (or new) DATA_DIR from a backup made by `npm run backup`; refuses a
 * folder that holds anything (exit 1, one line). With DATABASE_URL the record is
 * PostgreSQL's: pg_restore brings it back (README "Backup").
 */
import { commandLine } from './command-line';
import { loadConfig } from '../config';
import { BackupError, restoreDataDir } from '../store/data-dir-backup';

const USAGE = 'usage: npm run restore -- FILE';

async function main(): Promise<void> {
  const args = commandLine('restore', USAGE, { allowPositionals: true, options: {} });
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`restore: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (config.DATABASE_URL) {
    process.stderr.write('restore: the record is in PostgreSQL (DATABASE_URL): restore it with pg_restore, e.g. pg_restore --dbname="$DATABASE_URL" roost.dump (README "Backup")\n');
    process.exit(2);
  }
  const manifest = await restoreDataDir(file, config.dataDir);
  process.stdout.write(`restore: ${manifest.files.length} files (${manifest.files.map((f) => f.name).join(', ')}) from a backup of ${manifest.createdAt} into ${config.dataDir}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`restore failed: ${err instanceof BackupError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
