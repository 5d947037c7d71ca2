/**
 * npm run migrate
 *
 * Reindexes the cluster's listings into the next index version with the current mapping
 * and swaps the `listings` alias atomically (server/engine/cluster/index-admin.ts).
 */
import { loadConfig } from '../config';
import { EngineFailure, EngineUnavailable } from '../engine/engine-errors';
import { migrateListings } from '../engine/cluster/index-admin';
import { openClusterIndex } from '../engine/open-engine';

async function main(): Promise<void> {
  const engine = openClusterIndex(loadConfig());
  if (!engine) {
    process.stderr.write('migrate: set ELASTICSEARCH_URL or OPENSEARCH_URL; the embedded store needs no migration\n');
    process.exit(2);
  }
  try {
    const r = await migrateListings(engine.client);
    process.stdout.write(`migrated listings: ${r.from} → ${r.to} (${r.copied} copied, ${r.caughtUp} copied again after writes during the copy)\n`);
  } finally {
    await engine.close();
  }
}

main().catch((err: unknown) => {
  const known = err instanceof EngineUnavailable || err instanceof EngineFailure;
  process.stderr.write(`migrate failed: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
