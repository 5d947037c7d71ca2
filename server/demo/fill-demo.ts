import type { ListingRecord } from '../core/listing';
import type { WriteCounts } from '../engine/search-engine';
import { demoCity } from './demo-city';

const BATCH = 5_000;

/** Where the demo city can go: a store (SQLite, PostgreSQL) or a cluster engine. */
export interface DemoTarget {
  count(): Promise<number>;
  upsertMany(records: ListingRecord[]): Promise<WriteCounts>;
}

/** Puts the demo city into an empty store; returns how many listings it wrote. */
export async function fillDemoIfEmpty(target: DemoTarget, count: number): Promise<number> {
  if (count === 0 || (await target.count()) > 0) return 0;
  let batch = [];
  let written = 0;
  for (const record of demoCity(count)) {
    batch.push(record);
    if (batch.length === BATCH) {
      written += (await target.upsertMany(batch)).inserted;
      batch = [];
    }
  }
  if (batch.length > 0) written += (await target.upsertMany(batch)).inserted;
  return written;
}
