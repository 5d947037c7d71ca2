import fs from 'node:fs';
import { hasErrorCode } from '../core/error-code';

/**
 * Error codes that mean "no room to write": SQLite's (better-sqlite3 puts the extended
 * code on `code`; SQLite turns ENOSPC into SQLITE_FULL, and into IOERR_SHMSIZE when the
 * WAL's shared-memory file cannot grow), the file system's, and PostgreSQL's `disk_full`.
 */
const FULL_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE', 'ENOSPC', 'EDQUOT', '53100']);

/** Whether an error (or one it wraps as its `cause`) says the storage is full. */
export function isStorageFull(err: unknown): boolean {
  return hasErrorCode(err, (code) => FULL_CODES.has(code));
}

/**
 * Free space under which DATA_DIR counts as full: room for a few hundred small commits
 * and a checkpoint, so /readyz turns 503 a little before writes start failing rather than
 * only after. Small on purpose: a node is taken out of the pool for it.
 */
export const STORAGE_RESERVE_BYTES = 16 * 1024 * 1024;
/** After a write failed for want of room, the node stays not-ready at least this long. */
const FULL_HOLD_MS = 5_000;

export interface StorageState {
  ok: boolean;
  detail: string;
}

/**
 * Whether this node has room to write, for /readyz. The record in DATA_DIR (SQLite): its
 * file system's free space, read at each probe, and any write refused for want of room in
 * the last few seconds. PostgreSQL's disk is not ours to see: only refused writes count.
 * Nothing here needs resetting: when space returns, the next probe says ready again.
 */
export class StorageSpace {
  private fullAt = 0;

  constructor(
    /** The folder holding the record, or null when the record is elsewhere (PostgreSQL). */
    private readonly dir: string | null,
    private readonly reserveBytes = STORAGE_RESERVE_BYTES,
  ) {}

  /** Remembers a write refused for want of room; other errors are ignored. */
  noteIfFull(err: unknown): void {
    if (isStorageFull(err)) this.fullAt = Date.now();
  }

  async check(): Promise<StorageState> {
    const since = Date.now() - this.fullAt;
    const recent = since < FULL_HOLD_MS;
    if (this.dir === null) {
      return recent ? { ok: false, detail: `storage full: a write was refused ${since} ms ago` } : { ok: true, detail: 'storage: not ours to see' };
    }
    const stats = await fs.promises.statfs(this.dir);
    const free = stats.bavail * stats.bsize;
    const mib = (free / 1024 / 1024).toFixed(1);
    if (free < this.reserveBytes) return { ok: false, detail: `storage full: ${mib} MiB free in DATA_DIR` };
    if (recent) return { ok: false, detail: `storage full: a write was refused ${since} ms ago; ${mib} MiB free now` };
    return { ok: true, detail: `storage: ${mib} MiB free` };
  }
}
