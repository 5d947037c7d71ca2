import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../../log';
import type { ListingStore } from '../../store/listing-store';
import { readIndexSnapshot, SNAPSHOT_FILE, SnapshotUnusable, writeIndexSnapshot, type SnapshotStamp } from './index-snapshot';
import { ListingIndex } from './listing-index';

/**
 * Stores smaller than this start from the store alone and keep no snapshot: reading 100,000
 * listings takes about half a second, and a test's DATA_DIR stays one file.
 */
export const SNAPSHOT_MIN_LISTINGS = 100_000;

export interface StartIndexOptions {
  /** Where the snapshot lives: DATA_DIR. */
  dataDir: string;
  /** @default SNAPSHOT_MIN_LISTINGS */
  minListings?: number;
}

export interface StartedIndex {
  index: ListingIndex;
  /** The last change of the log the index holds: the node follows the log from here. */
  seq: number;
  /** Where it came from, for the log and the tests. */
  source: 'snapshot' | 'store';
}

/** The meta key of the store's own id, written once: a snapshot names the store it was taken of. */
const STORE_ID_KEY = 'index_store_id';

/** Stamps a snapshot taken at `seq` with what makes it recognisable: the store and that change. */
export async function stampOf(store: ListingStore, seq: number): Promise<SnapshotStamp> {
  const storeId = await store.metaOnce(STORE_ID_KEY, randomUUID());
  return { storeId, seq, fingerprint: await fingerprintOf(store, seq) };
}

async function fingerprintOf(store: ListingStore, seq: number): Promise<string> {
  if (seq === 0) return '';
  const [change] = await store.changesAfter(seq - 1, 1);
  return change && change.seq === seq ? `${change.listingId}@${change.at}` : '';
}

/**
 * Changes a snapshot may be behind the log and still be used: past this, following the log
 * (each change parsed from JSON, before and after) costs more than reading the listings.
 */
function replayLimit(listings: number): number {
  return Math.max(200_000, Math.floor(listings / 4));
}

/**
 * The index a node starts with. Its snapshot in DATA_DIR when that was taken of this store,
 * of a change the log still holds as it was, and not too far behind; otherwise built from
 * the store, and (for a store of SNAPSHOT_MIN_LISTINGS or more) written as the next
 * start's snapshot. At 10M listings that is the difference between reading ~1.3 GB of
 * arrays and rebuilding the index from every row (BENCHMARKS.md, issue 31).
 */
export async function startIndex(store: ListingStore, options: StartIndexOptions): Promise<StartedIndex> {
  const file = path.join(options.dataDir, SNAPSHOT_FILE);
  const minListings = options.minListings ?? SNAPSHOT_MIN_LISTINGS;
  const started = performance.now();
  try {
    const snap = readIndexSnapshot(file);
    const reason = await whyStale(store, snap.stamp, snap.index.count);
    if (reason === null) {
      log.info({ listings: snap.index.count, seq: snap.stamp.seq, bytes: snap.bytes, ms: Math.round(performance.now() - started) }, 'index read from its snapshot');
      return { index: snap.index, seq: snap.stamp.seq, source: 'snapshot' };
    }
    log.info({ reason }, 'index snapshot not used: building the index from the store');
  } catch (err) {
    if (!(err instanceof SnapshotUnusable)) throw err;
    if (err.message !== 'no snapshot') log.warn({ reason: err.message }, 'index snapshot unreadable: building the index from the store');
  }
  const index = new ListingIndex();
  const seq = await store.snapshot((r) => index.upsert(r, false));
  index.rebuild();
  // Said where it matters: a small store's index is built in a blink at every start.
  const small = index.count < minListings;
  (small ? log.debug : log.info).call(log, { listings: index.count, seq, ms: Math.round(performance.now() - started) }, 'index built from the store');
  if (!small) {
    await saveSnapshot(store, index, seq, options.dataDir);
  } else {
    fs.rmSync(file, { force: true });
  }
  return { index, seq, source: 'store' };
}

/** Writes the index as DATA_DIR's snapshot of the store at `seq`; a failure (a full disk) costs only the next start's time. */
export async function saveSnapshot(store: ListingStore, index: ListingIndex, seq: number, dataDir: string): Promise<void> {
  const started = performance.now();
  try {
    const bytes = writeIndexSnapshot(path.join(dataDir, SNAPSHOT_FILE), index, await stampOf(store, seq));
    log.info({ bytes, seq, ms: Math.round(performance.now() - started) }, 'index snapshot written');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'index snapshot not written; the next start builds the index from the store');
  }
}

/** Null when the snapshot fits the store; else why not. */
async function whyStale(store: ListingStore, stamp: SnapshotStamp, listings: number): Promise<string | null> {
  const storeId = await store.getMeta(STORE_ID_KEY);
  if (storeId !== stamp.storeId) return 'taken of another store';
  const last = await store.lastSeq();
  if (stamp.seq > last) return `taken at change ${stamp.seq}, the log ends at ${last}`;
  if ((await fingerprintOf(store, stamp.seq)) !== stamp.fingerprint) return `change ${stamp.seq} is not the one it was taken at`;
  if (last - stamp.seq > replayLimit(listings)) return `${last - stamp.seq} changes behind the log`;
  return null;
}
