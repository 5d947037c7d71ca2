import type { SqliteStore } from '../engine/embedded/sqlite-store';
import { demoCity } from './demo-city';

const BATCH = 5_000;

/** Puts the demo city into an empty store; returns how many listings it wrote. */
export function fillDemoIfEmpty(store: SqliteStore, count: number): number {
  if (count === 0 || store.count() > 0) return 0;
  let batch = [];
  let written = 0;
  for (const record of demoCity(count)) {
    batch.push(record);
    if (batch.length === BATCH) {
      written += store.upsertMany(batch).inserted;
      batch = [];
    }
  }
  if (batch.length > 0) written += store.upsertMany(batch).inserted;
  return written;
}
