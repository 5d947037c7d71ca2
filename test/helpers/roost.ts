import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRoost, type RoostServer } from '../../server/app-server';
import { loadConfig } from '../../server/config';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export { NYC_BOUNDARIES, NYC_CSV, SHARED_DATA } from './shared-data';

/** A fresh folder inside this run's folder, which the global teardown removes. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(process.env.ROOST_TEST_TMP ?? os.tmpdir(), `${prefix}-`));
}

/**
 * A secret (ADMIN_TOKEN, METRICS_TOKEN…) for one test run: random, so no value a server
 * would take is printed in the project (ops/secrets.ts refuses those, and short ones).
 */
export function secretForTests(): string {
  return crypto.randomBytes(24).toString('hex');
}

/**
 * Every request of a test comes from 127.0.0.1: the per-address limits would throttle
 * them. Tests of the limits set their own.
 */
export const UNLIMITED = {
  RATE_SEARCH_PER_S: '1000000',
  RATE_WRITE_PER_S: '1000000',
  WS_MAX_PER_IP: '1000000',
  WS_FRAMES_PER_S: '1000000',
  RATE_SESSIONS_PER_HOUR: '1000000',
  RATE_SIGNIN_PER_HOUR: '1000000',
  RATE_MESSAGES_PER_MIN: '1000000',
  RATE_CONVERSATIONS_PER_DAY: '1000000',
  RATE_SAVED_SEARCHES_PER_DAY: '1000000',
  RATE_PHOTOS_PER_DAY: '1000000',
  RATE_HOST_LISTINGS_PER_DAY: '1000000',
  HTTP_MAX_PER_IP: '1000000',
};

/** The real API server (no pages) on a free port over a data folder; no demo city. */
export async function startApi(dataDir: string, env: Record<string, string> = {}): Promise<RoostServer & { url: string }> {
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DEMO_LISTINGS: '0', ...UNLIMITED, ...env });
  const roost = await startRoost(config);
  return Object.assign(roost, { url: `http://127.0.0.1:${roost.port}` });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run import`'s entry point as its own process, as a user would. */
export function runImport(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli('import.ts', args, { DATA_DIR: dataDir, ...env });
}

/** Runs one of server/cli's commands as its own process. */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'server', 'cli', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function getJson<T = any>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}
