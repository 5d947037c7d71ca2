import { log } from './log';

/**
 * A reason the server cannot start that the operator fixes in the environment (a database
 * that does not answer, a variable that names nothing): said in one line, exit 1, no stack.
 */
export class StartError extends Error {}

/** How every entry point ends when start fails: one line for a StartError, the logged error otherwise. */
export function failedToStart(err: unknown): never {
  if (err instanceof StartError) process.stderr.write(`roost: ${err.message}\n`);
  else log.fatal({ err }, 'failed to start');
  process.exit(1);
}
