import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command's options, read the same way by every CLI here: `--help` (or `-h`) prints the
 * usage and exits 0; an unknown or malformed option says what is wrong, then the usage,
 * and exits 2.
 */
export function commandLine<T extends ParseArgsConfig>(command: string, usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  // Before parsing: `--help` must work even beside an option that would not parse.
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (err) {
    process.stderr.write(`${command}: ${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
