import type { SqliteStore } from '../engine/embedded/sqlite-store';
import type { SearchEngine } from '../engine/search-engine';
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

/** The same through an engine (a cluster's store has no local file to fill first). */
export async function fillDemoThroughEngine(engine: SearchEngine, count: number): Promise<number> {
  if (count === 0 || (await engine.count()) > 0) return 0;
  let batch = [];
  let written = 0;
  for (const record of demoCity(count)) {
    batch.push(record);
    if (batch.length === BATCH) {
      written += (await engine.upsertMany(batch)).inserted;
      batch = [];
    }
  }
  if (batch.length > 0) written += (await engine.upsertMany(batch)).inserted;
  await engine.refresh();
  return written;
}
