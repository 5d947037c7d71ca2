import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findJava, hasMaven, JAVA_FOR } from '../../server/cli/jdk';
import { updateTopic } from '../../server/cli/rocketmq-admin';
import { freePort } from './tcp-proxy';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Why `npm run rocketmq` cannot run here, or null when it can. */
export function rocketMqMissing(): string | null {
  return !findJava(JAVA_FOR.rocketmq) ? `no Java ${JAVA_FOR.rocketmq}+ (JAVA_HOME or /usr/lib/jvm)` : !hasMaven() ? 'no Maven (mvn)' : null;
}

/**
 * A RocketMQ of our own through `npm run rocketmq` (NameServer + Proxy), its data kept in
 * a folder of ours so a restart after a crash finds its topic and its groups' offsets.
 * SIGKILL of the whole process group is the crash test.
 */
export class RocketMqNode {
  private child: ChildProcess | null = null;
  /** What `npm run rocketmq` has said on stderr since its last (re)start (its ready line names the topic it made). */
  said = '';
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** `env` is added to the CLI's (ROCKETMQ_NAMESPACE: the topic is made in it). */
  static async start(env: Record<string, string> = {}): Promise<RocketMqNode> {
    const node = new RocketMqNode(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'roost-rmq-test-')), env);
    await node.restart();
    return node;
  }

  /** One more topic, made as an operator would (mqadmin updateTopic), through the NameServer the CLI started. */
  createTopic(topic: string): void {
    const namesrv = /^namesrvAddr=(.+)$/m.exec(fs.readFileSync(path.join(this.dir, 'conf', 'broker.conf'), 'utf8'))![1]!;
    const jvm = [`-Duser.home=${this.dir}`, '-cp', `${path.join(ROOT, 'rocketmq', 'lib')}/*`];
    const refused = updateTopic(findJava(JAVA_FOR.rocketmq)!, jvm, namesrv, topic, { ...process.env, ROCKETMQ_HOME: this.dir });
    if (refused !== null) throw new Error(`mqadmin updateTopic ${topic} failed: ${refused}`);
  }

  get endpoints(): string {
    return `127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli', 'rocketmq.ts'), '--port', String(this.port), '--data', this.dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...this.env },
    });
    this.child = child;
    this.said = '';
    child.stderr!.on('data', (d: Buffer) => (this.said += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes(`ROCKETMQ_ENDPOINTS=${this.endpoints}`)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`npm run rocketmq exited ${code}: ${this.said}`)));
    });
  }

  /** The NameServer's and the proxy's JVMs (the CLI's children). */
  pids(): number[] {
    if (!this.child?.pid) return [];
    const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(this.child.pid)], { encoding: 'utf8' });
    return r.stdout.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  }

  /** SIGKILL of the CLI and both JVMs: the crash, not a shutdown. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c?.pid || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    // The JVMs are in the group too; give the kernel a moment to free their ports.
    await new Promise((r) => setTimeout(r, 500));
  }

  /** A clean stop (SIGTERM: the CLI stops both servers), then the data goes. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c?.pid && c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => void this.kill(), 40_000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
