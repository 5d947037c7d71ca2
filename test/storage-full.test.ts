/**
 * A full disk under DATA_DIR: writes answer 503 `storage_full` (never a 500), /readyz 503,
 * the node is ready again by itself once space returns, and nothing accepted is lost — a
 * write answered 201 is in the store (after a restart too), one answered 503 is not.
 * DATA_DIR is a small tmpfs of the test's own (root only: skipped elsewhere, CI is root),
 * filled by a file the test then deletes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeProcess } from './helpers/node-process';
import { Renter } from './helpers/renter';
import { tempDir } from './helpers/roost';

const TOKEN = 'storage-full-token-that-is-long-enough-0123456789';

function canMount(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (mounting a tmpfs needs it)';
  return null;
}

/** Writes a file until the file system refuses: afterwards nothing more fits. */
function fillUp(file: string): number {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          written += fs.writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

const skip = canMount();
if (skip) process.stdout.write(`storage-full test skipped: ${skip}\n`);

describe.skipIf(skip !== null)('a full disk under DATA_DIR', () => {
  let dataDir = '';
  let mounted = false;
  let node: NodeProcess | null = null;
  const outcomes = new Map<string, number>();
  // A description of a few kilobytes: each write needs new pages, so a full disk shows soon.
  const description = 'A flat with a view. '.repeat(200);

  const post = async (id: string): Promise<Response> => {
    const res = await fetch(`${node!.url}/api/listings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, title: `Home ${id}`, description, lat: 40.7, lon: -73.95, price: 1200, type: 'entire', district: 'Brooklyn', neighbourhood: 'N' }),
    });
    outcomes.set(id, res.status);
    return res;
  };

  beforeAll(async () => {
    dataDir = tempDir('storage-full');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', dataDir]);
    mounted = true;
    node = await NodeProcess.start({ DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN });
  }, 60_000);

  afterAll(async () => {
    await node?.kill();
    if (mounted) execFileSync('umount', [dataDir]);
  }, 30_000);

  it('writes 503 storage_full and /readyz 503 while full, ready again by itself when space returns, nothing accepted lost', async () => {
    const renter = await Renter.visit(node!.url);
    for (let i = 0; i < 20; i++) expect((await post(`before-${i}`)).status).toBe(201);
    expect((await fetch(`${node!.url}/readyz`)).status).toBe(200);

    const ballast = path.join(dataDir, 'ballast');
    fillUp(ballast);
    // Full: /readyz says so at once (free space under the reserve), before any write fails.
    const full = await fetch(`${node!.url}/readyz`);
    expect(full.status).toBe(503);
    expect(((await full.json()) as { storage: string }).storage).toMatch(/^storage full: /);

    // Writes go on until one is refused for want of room; none may be a 500.
    let refused: Response | null = null;
    for (let i = 0; i < 2_000 && !refused; i++) {
      const res = await post(`full-${i}`);
      if (res.status === 503) refused = res;
      else expect(res.status).toBe(201);
    }
    expect(refused).not.toBeNull();
    expect(refused!.headers.get('retry-after')).toBe('10');
    expect(await refused!.json()).toEqual({ error: { code: 'storage_full', message: expect.stringMatching(/no room/) } });
    // A few more, each refused or accepted, never a 500.
    for (let i = 0; i < 10; i++) expect([201, 503]).toContain((await post(`still-full-${i}`)).status);
    const saved = await renter.api(node!.url, '/api/saved-searches', { method: 'POST', body: { name: 'while full', bbox: [-74, 40.6, -73.9, 40.8], filters: {} } });
    expect([201, 503]).toContain(saved.status);
    if (saved.status === 503) expect(((await saved.json()) as { error: { code: string } }).error.code).toBe('storage_full');
    expect((await fetch(`${node!.url}/readyz`)).status).toBe(503);

    fs.rmSync(ballast);
    // Space is back: ready again without a restart, and writes are taken.
    await expect.poll(async () => (await fetch(`${node!.url}/readyz`)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    for (let i = 0; i < 20; i++) expect((await post(`after-${i}`)).status).toBe(201);
    const savedAfter = await renter.api(node!.url, '/api/saved-searches', { method: 'POST', body: { name: 'after', bbox: [-74, 40.6, -73.9, 40.8], filters: {} } });
    expect(savedAfter.status).toBe(201);

    // Accepted means committed, refused means not: through this node, and after a restart.
    const check = async () => {
      const wrong: string[] = [];
      for (const [id, status] of outcomes) {
        const got = (await fetch(`${node!.url}/api/listings/${id}`)).status;
        if (got !== (status === 201 ? 200 : 404)) wrong.push(`${id}: answered ${status}, now ${got}`);
      }
      return wrong;
    };
    expect(await check()).toEqual([]);
    expect([...outcomes.values()].filter((s) => s === 503).length).toBeGreaterThan(0);
    await node!.kill('SIGKILL');
    const db = new Database(path.join(dataDir, 'roost.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    node = await NodeProcess.start({ DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN });
    expect(await check()).toEqual([]);
    const world = (await (await fetch(`${node.url}/api/search?bbox=-180,-85,180,85&zoom=3`)).json()) as { total: number };
    expect(world.total).toBe([...outcomes.values()].filter((s) => s === 201).length);
  }, 120_000);
});
