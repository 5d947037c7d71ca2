/**
 * A Roost node without the pages: the API, the probes and /ws, configured from the
 * environment exactly as `npm start` is. For tests and benchmarks that start several
 * nodes and need no Next.js build.
 */
import { startRoost } from '../app-server';
import { loadConfig } from '../config';
import { log } from '../log';
import { failedToStart } from '../start-error';

async function main(): Promise<void> {
  const roost = await startRoost(loadConfig());
  log.info({ port: roost.port }, `Roost API node ready on port ${roost.port}`);
  const stop = () => void roost.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch(failedToStart);
