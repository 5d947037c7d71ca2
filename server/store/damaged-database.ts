import path from 'node:path';
import { StartError } from '../start-error';

/**
 * SQLite's words for a file it cannot read as a database: not one at all (another file, a
 * truncated copy, an encrypted disk image) or one with damaged pages. better-sqlite3 gives
 * the code; an error from the snapshot's worker thread keeps only the message.
 */
const DAMAGED_CODE = /^SQLITE_(NOTADB|CORRUPT)/;
const DAMAGED_MESSAGE = /file is not a database|database disk image is malformed/;

export function isDamagedDatabase(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (typeof e?.code === 'string' && DAMAGED_CODE.test(e.code)) || (typeof e?.message === 'string' && DAMAGED_MESSAGE.test(e.message));
}

/**
 * Runs what opens or reads `file` in DATA_DIR; a damaged file becomes one line naming it
 * and what to do (a StartError: exit 1, no stack), rather than a trace that a process
 * manager would print again on every restart.
 */
export async function openingDatabase<T>(dataDir: string, file: string, open: () => T | Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (!isDamagedDatabase(err)) throw err;
    const where = path.join(dataDir, file);
    throw new StartError(
      `${where} is damaged (${(err as Error).message}): stop every node using DATA_DIR, move the file aside (with its -wal and -shm files) and restore it from a backup, or start on an empty DATA_DIR`,
    );
  }
}
