/**
 * Secrets a stranger could know or guess are refused at start (ops/secrets.ts): the real
 * server as its own process, exit 1 with one line naming the variable. And the project
 * prints no secret a server would take: every value its files assign to one of the
 * variables is refused, and docker-compose.yml ships none.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SECRETS, SECRET_VARIABLES, secretProblem } from '../server/ops/secrets';
import { NodeProcess } from './helpers/node-process';
import { startExpectingExit } from './helpers/failed-start';
import { ROOT, secretForTests, tempDir } from './helpers/roost';

describe('weak secrets are refused at start', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ ADMIN_TOKEN: 'change-me' }, /^roost: ADMIN_TOKEN is a value printed in Roost's own files/],
    [{ SESSION_SECRET: 'change-me-to-32-random-characters' }, /^roost: SESSION_SECRET is a value printed in Roost's own files/],
    [{ METRICS_TOKEN: 'short-metrics-token' }, /^roost: METRICS_TOKEN is shorter than 32 characters/],
    [{ ADMIN_TOKEN: 'a'.repeat(40) }, /^roost: ADMIN_TOKEN has fewer than 8 different characters/],
  ];
  for (const [env, said] of cases) {
    const [name, value] = Object.entries(env)[0]!;
    it(`${name}=${value.slice(0, 12)}…: one line naming it, exit 1`, async () => {
      const { code, stderr } = await startExpectingExit(env);
      expect(code).toBe(1);
      expect(stderr).toMatch(said);
      expect(stderr).toMatch(/openssl rand/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }, 30_000);
  }

  it('a long random secret in each starts the server', async () => {
    const node = await NodeProcess.start({ DATA_DIR: tempDir('secret-ok'), ADMIN_TOKEN: secretForTests(), SESSION_SECRET: secretForTests(), METRICS_TOKEN: secretForTests() });
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    await node.kill();
  }, 30_000);

  it('the environment shape is refused in one line too (a StartError, not a stack)', async () => {
    const { code, stderr } = await startExpectingExit({ TRUST_PROXY: 'maybe' });
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^roost: environment variable TRUST_PROXY: must be the number of proxies/);
  }, 30_000);
});

describe('the project prints no secret a server would take', () => {
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\n')
    .filter((f) => f && !f.endsWith('package-lock.json') && fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).size < 2_000_000);
  const assignment = new RegExp(`\\b(${SECRET_VARIABLES.join('|')})\\b["']?\\s*(?:=|:)\\s*["']?([^\\s"'\`,;)}]+)`, 'g');

  it('every value assigned to ADMIN_TOKEN, SESSION_SECRET or METRICS_TOKEN in its files is refused', () => {
    const found: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(assignment)) {
        const value = m[2]!;
        // Expansions and placeholders name no value: $(openssl …), ${ADMIN_TOKEN:?…}, …, <token>.
        if (/^[$…<{]|^\.\.\.|^process\.|^config\.|^env\b|^secretForTests|^TOKEN$|^string$|^z\.|^undefined$/.test(value)) continue;
        found.push(`${file}: ${m[1]}=${value}`);
        expect(secretProblem(value), `${file} prints ${m[1]}=${value}`).not.toBeNull();
      }
    }
    // The scan saw the refusal tests' own values, so it does look.
    expect(found.some((f) => f.includes('change-me'))).toBe(true);
  });

  it('docker-compose.yml ships no default secret; the README makes real ones with openssl', () => {
    const compose = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of ['ADMIN_TOKEN', 'SESSION_SECRET']) {
      expect(compose).toMatch(new RegExp(`${name}: \\$\\{${name}:\\?`));
    }
    for (const value of PUBLISHED_SECRETS) expect(compose).not.toMatch(new RegExp(`[:=-]${value.replace(/[-]/g, '\\-')}\\b`));
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/ADMIN_TOKEN=%s.*SESSION_SECRET=%s.*openssl rand -hex 32.*> \.env/s);
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });
});
