import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/roost';

/** Runs one of the project's commands as `npm run NAME -- …` would, through tsx. */
function run(cli: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli', `${cli}.ts`), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ADMIN_TOKEN: '' },
    timeout: 30_000,
  });
}

describe('the commands read their options alike', () => {
  for (const cli of ['import', 'simulate', 'cluster', 'opensearch']) {
    it(`${cli}: --help prints the usage and exits 0; an unknown option is named, with the usage, exit 2`, () => {
      const help = run(cli, ['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: .*npm run ${cli}`));
      const bad = run(cli, ['--no-such-option']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(`${cli}: Unknown option '--no-such-option'`);
      expect(bad.stderr).toContain(`npm run ${cli}`);
    });
  }
});
