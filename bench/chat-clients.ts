/**
 * One process of `npm run bench:messages`'s people: holds its share of the accounts'
 * sockets (Roost's /ws with a session cookie, or a Socket.IO client in its user's room),
 * sends the messages the bench deals it, and notes when each message arrives at its
 * recipient's socket, on the epoch clock every process of the machine shares. People live
 * apart from the bench and from each other, as browsers do, so no single process's loop
 * sets the tail.
 *
 * Driven over IPC (ChatCommand / ChatReply) through ChatPool.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { epochNow } from './push-watchers';

export type ChatSystem = 'roost' | 'socketio';

/** One person: their account id, the node their socket is on, their cookie (Roost). */
export interface Person {
  account: string;
  node: number;
  cookie?: string;
}

/** One message to send: from whom, in which conversation, to whom, its number in the run. */
export interface Outgoing {
  from: string;
  to: string;
  conversationId: string;
  n: number;
}

export type ChatCommand =
  | { cmd: 'connect'; system: ChatSystem; nodes: string[]; people: Person[] }
  | { cmd: 'start'; tag: string }
  | { cmd: 'send'; messages: Outgoing[] }
  | { cmd: 'count' }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export type ChatReply =
  | { reply: 'connected' }
  | { reply: 'count'; received: number }
  | { reply: 'stopped'; ns: Int32Array; sentAt: Float64Array; arrivedAt: Float64Array; acks: number; refused: number; open: number };

interface Conn {
  send(m: Outgoing, tag: string, at: number): void;
  open(): boolean;
  close(): void;
}

function main(): void {
  const conns = new Map<string, Conn>();
  let tag = '';
  let ns: number[] = [];
  let sent: number[] = [];
  let arrived: number[] = [];
  let acks = 0;
  let refused = 0;
  const reply = (r: ChatReply) => process.send!(r);

  /** A message at its recipient: its number and when it was sent are in its clientId and text. */
  const arrive = (account: string, clientId: string, text: string, from: string) => {
    if (from === account) return; // the sender's own socket hears its message too; latency is the recipient's
    const at = epochNow();
    const dash = clientId.lastIndexOf('-');
    if (clientId.slice(0, dash) !== tag) return;
    ns.push(Number(clientId.slice(dash + 1)));
    sent.push(Number(text));
    arrived.push(at);
  };

  const CONNECT: Record<ChatSystem, (node: string, p: Person) => Promise<Conn>> = {
    async roost(node, p) {
      const ws = new WebSocket(`${node.replace(/^http/, 'ws')}/ws`, { headers: { cookie: p.cookie! }, perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.on('message', (data) => {
        const f = JSON.parse(data.toString()) as { type: string; message?: { clientId: string; text: string; from: string } };
        if (f.type === 'message') arrive(p.account, f.message!.clientId, f.message!.text, f.message!.from);
        else if (f.type === 'sent') acks++;
        else if (f.type === 'error') refused++;
      });
      ws.on('error', () => undefined);
      return {
        send: (m, t, at) => ws.send(JSON.stringify({ type: 'send', conversationId: m.conversationId, clientId: `${t}-${m.n}`, text: String(at) })),
        open: () => ws.readyState === WebSocket.OPEN,
        close: () => ws.terminate(),
      };
    },
    async socketio(node, p) {
      const socket: Socket = ioClient(node, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { account: p.account } });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.on('message', (m: { clientId: string; text: string; from: string }) => arrive(p.account, m.clientId, m.text, m.from));
      return {
        send: (m, t, at) => {
          socket.emit('send', { to: m.to, clientId: `${t}-${m.n}`, text: String(at) }, () => acks++);
        },
        open: () => socket.connected,
        close: () => socket.disconnect(),
      };
    },
  };

  process.on('message', (m: ChatCommand) => {
    void (async () => {
      if (m.cmd === 'connect') {
        for (let i = 0; i < m.people.length; i += 200) {
          const batch = m.people.slice(i, i + 200);
          const made = await Promise.all(batch.map((p) => CONNECT[m.system](m.nodes[p.node]!, p)));
          batch.forEach((p, k) => conns.set(p.account, made[k]!));
        }
        reply({ reply: 'connected' });
      } else if (m.cmd === 'start') {
        tag = m.tag;
        ns = [];
        sent = [];
        arrived = [];
        acks = 0;
        refused = 0;
      } else if (m.cmd === 'send') {
        for (const o of m.messages) conns.get(o.from)?.send(o, tag, epochNow());
      } else if (m.cmd === 'count') {
        reply({ reply: 'count', received: arrived.length });
      } else if (m.cmd === 'stop') {
        reply({
          reply: 'stopped',
          ns: Int32Array.from(ns),
          sentAt: Float64Array.from(sent),
          arrivedAt: Float64Array.from(arrived),
          acks,
          refused,
          open: [...conns.values()].filter((c) => c.open()).length,
        });
      } else {
        for (const c of conns.values()) c.close();
        process.exit(0);
      }
    })();
  });
}

const AS_PEOPLE = '--as-chat-clients';

class ChatProcess {
  constructor(readonly child: ChildProcess) {}

  tell(m: ChatCommand): void {
    this.child.send(m);
  }

  ask<R extends ChatReply['reply']>(m: ChatCommand, reply: R): Promise<Extract<ChatReply, { reply: R }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (r: ChatReply) => {
        if (r.reply !== reply) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(r as Extract<ChatReply, { reply: R }>);
      };
      const onExit = (code: number | null) => reject(new Error(`chat process exited (${code}) before answering ${m.cmd}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(m);
    });
  }
}

/** A few processes holding the people between them; each message is sent by the process holding its sender. */
export class ChatPool {
  private readonly owner = new Map<string, number>();
  private constructor(private readonly procs: ChatProcess[]) {}

  static async connect(processes: number, system: ChatSystem, nodes: string[], people: Person[]): Promise<ChatPool> {
    const procs = Array.from({ length: processes }, () => new ChatProcess(fork(path.join(import.meta.dirname, 'chat-clients.ts'), [AS_PEOPLE], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'inherit' })));
    const pool = new ChatPool(procs);
    people.forEach((p, i) => pool.owner.set(p.account, i % processes));
    await Promise.all(procs.map((p, k) => p.ask({ cmd: 'connect', system, nodes, people: people.filter((_, i) => i % processes === k) }, 'connected')));
    return pool;
  }

  pids(label: string): Record<string, number> {
    return Object.fromEntries(this.procs.map((p, i) => [`${label} ${i + 1}`, p.child.pid!]));
  }

  start(tag: string): void {
    for (const p of this.procs) p.tell({ cmd: 'start', tag });
  }

  /** Deals a batch of messages to the processes holding their senders. */
  send(messages: Outgoing[]): void {
    const by = new Map<number, Outgoing[]>();
    for (const m of messages) {
      const k = this.owner.get(m.from)!;
      const list = by.get(k);
      if (list) list.push(m);
      else by.set(k, [m]);
    }
    for (const [k, list] of by) this.procs[k]!.tell({ cmd: 'send', messages: list });
  }

  async received(): Promise<number> {
    return (await Promise.all(this.procs.map((p) => p.ask({ cmd: 'count' }, 'count')))).reduce((a, r) => a + r.received, 0);
  }

  /** Waits until `expected` messages have arrived, or nothing more has for 5 s (what is missing then is lost). */
  async settle(expected: number): Promise<void> {
    let quietSince = Date.now();
    for (let last = -1; ; ) {
      const now = await this.received();
      if (now >= expected) return;
      if (now !== last) quietSince = Date.now();
      else if (Date.now() - quietSince > 5_000) return;
      last = now;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(): Promise<{ ns: number[]; latency: number[]; acks: number; refused: number; open: number }> {
    const replies = await Promise.all(this.procs.map((p) => p.ask({ cmd: 'stop' }, 'stopped')));
    const ns: number[] = [];
    const latency: number[] = [];
    for (const r of replies) {
      for (let i = 0; i < r.ns.length; i++) {
        ns.push(r.ns[i]!);
        latency.push(r.arrivedAt[i]! - r.sentAt[i]!);
      }
    }
    return { ns, latency, acks: replies.reduce((a, r) => a + r.acks, 0), refused: replies.reduce((a, r) => a + r.refused, 0), open: replies.reduce((a, r) => a + r.open, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map((p) => {
        if (p.child.exitCode !== null) return Promise.resolve();
        const exited = new Promise((r) => p.child.once('exit', r));
        p.tell({ cmd: 'close' });
        return exited;
      }),
    );
  }
}

if (process.argv.includes(AS_PEOPLE) && process.send) main();
