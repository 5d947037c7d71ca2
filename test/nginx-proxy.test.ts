/**
 * The shipped deploy/nginx.conf in front of real nodes (its upstream and port rewritten
 * to free ones; nothing else changed): with TRUST_PROXY=1 each client keeps its own
 * address and rate-limit bucket however it writes X-Forwarded-For; without TRUST_PROXY
 * every client shares nginx's one address and budget, and the node says so in its log
 * (what README.md "Behind a proxy" documents). The socket's origin check and /metrics
 * behind it too. Needs nginx (.ci/run installs it); without it the suite says so and skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NodeProcess } from './helpers/node-process';
import { ROOT, tempDir } from './helpers/roost';
import { freePort } from './helpers/tcp-proxy';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? (spawnSync('nginx', ['-v']).error ? null : 'nginx');
if (!NGINX) console.warn('nginx is not installed: the tests behind a real nginx are skipped (.ci/run installs it)');

/** deploy/nginx.conf with its upstream servers replaced by `upstream` and its port by `port`. */
function shippedConfig(upstream: number, port: number): string {
  const conf = fs.readFileSync(path.join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  const servers = conf.match(/^\s*server 127\.0\.0\.1:\d+ [^\n]*$/gm) ?? [];
  expect(servers.length).toBeGreaterThan(0);
  let out = conf.replace(servers[0]!, servers[0]!.replace(/:\d+/, `:${upstream}`));
  for (const s of servers.slice(1)) out = out.replace(`${s}\n`, '');
  expect(out).toMatch(/listen 8080;/);
  return out.replace('listen 8080;', `listen 127.0.0.1:${port};`);
}

class Nginx {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(upstream: number): Promise<Nginx> {
    const dir = tempDir('nginx');
    fs.mkdirSync(path.join(dir, 'logs'));
    const port = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, shippedConfig(upstream, port));
    const child = spawn(NGINX!, ['-p', dir, '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log;`], { stdio: 'ignore' });
    for (const until = Date.now() + 10_000; ; ) {
      if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${fs.readFileSync(path.join(dir, 'logs', 'error.log'), 'utf8')}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error('nginx did not answer within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    return new Nginx(child, port);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** GET through nginx from a client bound to `from`: the status and headers. */
function get(port: number, from: string, pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, localAddress: from, headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on('error', reject);
  });
}

const SEARCH = '/api/search?bbox=-74.1,40.6,-73.8,40.9&zoom=12';

async function statuses(port: number, from: string, n: number, headersOf: (i: number) => Record<string, string> = () => ({})): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await get(port, from, SEARCH, headersOf(i))).status);
  return out;
}

function upgrade(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe.skipIf(!NGINX)('behind the shipped nginx', () => {
  describe('with TRUST_PROXY=1 (what npm run cluster and docker-compose.yml set)', () => {
    let node: NodeProcess;
    let nginx: Nginx;
    beforeAll(async () => {
      node = await NodeProcess.start({ DATA_DIR: tempDir('behind-nginx'), TRUST_PROXY: '1', RATE_SEARCH_PER_S: '2' });
      nginx = await Nginx.start(Number(new URL(node.url).port));
    }, 30_000);
    afterAll(async () => {
      await nginx?.stop();
      await node?.kill();
    });

    it('a client cannot pick its own address or bucket by writing X-Forwarded-For; another client has its own', async () => {
      const forged = await statuses(nginx.port, '127.0.0.2', 8, (i) => ({ 'x-forwarded-for': `198.51.100.${i}` }));
      expect(forged.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(forged).toContain(429);
      expect(await statuses(nginx.port, '127.0.0.3', 2)).toEqual([200, 200]);
    });

    it('the socket opens for the page nginx serves (Host with its port) and not for a forged forwarded host', async () => {
      expect(await upgrade(nginx.port, { origin: `http://127.0.0.1:${nginx.port}` })).toBe(101);
      expect(await upgrade(nginx.port, { origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' })).toBe(403);
    });

    it('no HSTS over plain http whatever the client claims; /metrics is not served through it', async () => {
      const res = await get(nginx.port, '127.0.0.2', '/healthz', { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect((await get(nginx.port, '127.0.0.2', '/metrics')).status).toBe(404);
    });
  });

  describe('without TRUST_PROXY', () => {
    let node: NodeProcess;
    let nginx: Nginx;
    beforeAll(async () => {
      node = await NodeProcess.start({ DATA_DIR: tempDir('behind-nginx-untrusted'), RATE_SEARCH_PER_S: '2' });
      nginx = await Nginx.start(Number(new URL(node.url).port));
    }, 30_000);
    afterAll(async () => {
      await nginx?.stop();
      await node?.kill();
    });

    it('every client shares nginx\'s address and budget (nothing a client writes is believed), and the node says so once', async () => {
      expect(await statuses(nginx.port, '127.0.0.2', 8, (i) => ({ 'x-forwarded-for': `198.51.100.${i}` }))).toContain(429);
      expect(await statuses(nginx.port, '127.0.0.3', 1)).toEqual([429]);
      await new Promise((r) => setTimeout(r, 200));
      const told = node.stderr().split('\n').filter((l) => l.includes('TRUST_PROXY is 0'));
      expect(told).toHaveLength(1);
    });
  });
});
