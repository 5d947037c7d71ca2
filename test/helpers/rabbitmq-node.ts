import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accepts, freePort } from './tcp-proxy';

/** Why a private RabbitMQ node cannot start here, or null when it can. */
export function rabbitMqMissing(): string | null {
  return spawnSync('sh', ['-c', 'command -v rabbitmq-server'], { encoding: 'utf8' }).status === 0 ? null : 'no rabbitmq-server (apt-get install rabbitmq-server)';
}

/**
 * A RabbitMQ node of our own beside the machine's (never that one: other work uses it),
 * every path and port its own (BROKERS.md's recipe: the machine's rabbitmq.conf pins 5672,
 * so this node gets a config file of its own). SIGKILL of its Erlang VM is the crash test.
 */
export class RabbitMqNode {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly distPort: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RabbitMqNode> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-rabbit-'));
    const node = new RabbitMqNode(await freePort(), await freePort(), dir);
    fs.mkdirSync(path.join(dir, 'mnesia'));
    fs.mkdirSync(path.join(dir, 'log'));
    fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${node.port}\nloopback_users = none\n`);
    fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
    spawnSync('chown', ['-R', 'rabbitmq:rabbitmq', dir]);
    await node.restart();
    return node;
  }

  get nodeName(): string {
    return `roost${this.port}@localhost`;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  private env(): NodeJS.ProcessEnv {
    const d = this.dir;
    return {
      ...process.env,
      RABBITMQ_CONFIG_FILE: path.join(d, 'rabbitmq.conf'),
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: path.join(d, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(d, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(d, 'enabled_plugins'),
      RABBITMQ_PID_FILE: path.join(d, 'pid'),
    };
  }

  /** Starts the node (again, on the same data): resolves once it accepts AMQP connections. */
  async restart(): Promise<void> {
    fs.rmSync(path.join(this.dir, 'pid'), { force: true });
    this.child = spawn('rabbitmq-server', [], { env: this.env(), stdio: 'ignore', detached: true });
    const until = Date.now() + 60_000;
    while (!(await accepts(this.port))) {
      if (this.child.exitCode !== null) throw new Error(`rabbitmq-server exited ${this.child.exitCode}; see ${this.dir}/log`);
      if (Date.now() > until) throw new Error(`rabbitmq node not accepting after 60 s; see ${this.dir}/log`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private vmPid(): number | null {
    try {
      return Number(fs.readFileSync(path.join(this.dir, 'pid'), 'utf8').trim()) || null;
    } catch {
      return null;
    }
  }

  pids(): number[] {
    const pid = this.vmPid();
    return pid ? [pid] : [];
  }

  /** SIGKILL of the Erlang VM: the crash, not a shutdown. Resolves once the port is closed. */
  async kill(): Promise<void> {
    const pid = this.vmPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const until = Date.now() + 10_000;
    while ((await accepts(this.port)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  }

  async stop(): Promise<void> {
    await this.kill();
    // epmd stays for other nodes on the machine; this node's files go.
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
