/**
 * Messages across a cluster, as hosts on different machines run it: three nodes with their
 * own DATA_DIRs on one PostgreSQL of our own, and a bus (Redis; RabbitMQ in its own leg).
 * Renter and host on different nodes; a stream of messages while the renter's node is
 * SIGKILLed (the renter's device sends what was not acknowledged again, through another
 * node), while the bus is killed and restarted, and while PostgreSQL is; the host away and
 * resuming. Every message arrives once, in the order it was sent, on the host's socket and
 * in the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerMissing, startBroker, type Broker, type BusKind } from './helpers/brokers';
import { BrowserSession } from './helpers/browser-session';
import { ChatDevice } from './helpers/chat-device';
import { MailServer, tokenIn } from './helpers/mail-server';
import { NodeProcess } from './helpers/node-process';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { tempDir } from './helpers/roost';

const SITE = 'http://roost.test';
const STREAM = 150;

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const kind of ['redis', 'rabbitmq'] as BusKind[]) {
  const missing = !postgresBin() ? 'no PostgreSQL server binaries' : brokerMissing(kind);
  if (missing) process.stdout.write(`conversations cluster on ${kind}: skipped (${missing})\n`);
  describe.skipIf(missing !== null)(`conversations across three nodes on PostgreSQL and ${kind}`, () => {
    let pg: PostgresServer;
    let broker: Broker;
    let mail: MailServer;
    let env: Record<string, string>;
    const nodes: NodeProcess[] = [];
    let renterCookie = '';
    let hostCookie = '';
    let conversationId = '';

    async function signIn(node: NodeProcess, email: string): Promise<BrowserSession> {
      const b = new BrowserSession(node.url, SITE);
      const before = mail.to(email).length;
      expect((await b.api('/api/auth/email', { method: 'POST', body: { email } })).status).toBe(202);
      const token = tokenIn(await mail.nth(email, before + 1));
      expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
      return b;
    }

    /** The conversation's history as any node has it: clientIds of the renter's messages in id order. */
    async function history(node: NodeProcess): Promise<{ id: number; clientId: string; from: string }[]> {
      const b = new BrowserSession(node.url, SITE);
      b.cookie = hostCookie;
      const out: { id: number; clientId: string; from: string }[] = [];
      let before = 0;
      for (;;) {
        const page = (await b.json(`/api/conversations/${conversationId}/messages?limit=200${before ? `&before=${before}` : ''}`)).body as { messages: { id: number; clientId: string; from: string }[]; more: boolean };
        out.unshift(...page.messages);
        if (!page.more) return out;
        before = page.messages[0]!.id;
      }
    }

    /** Every clientId of `sent` once on the host's device and in the history, in the order sent. */
    async function expectOnceInOrder(host: ChatDevice, sent: string[], renterId: string): Promise<void> {
      await until('every message on the host\'s socket', () => sent.every((c) => host.received.some((r) => r.clientId === c && r.from === renterId)), 60_000);
      const distinct = [...new Map(host.received.filter((r) => r.from === renterId).map((r) => [r.id, r])).values()].sort((a, b) => a.id - b.id);
      const seen = distinct.filter((r) => sent.includes(r.clientId)).map((r) => r.clientId);
      expect(seen).toEqual(sent);
      const stored = (await history(nodes[1]!)).filter((m) => m.from === renterId && sent.includes(m.clientId)).map((m) => m.clientId);
      expect(stored).toEqual(sent);
    }

    beforeAll(async () => {
      pg = await PostgresServer.start();
      broker = await startBroker(kind);
      mail = await MailServer.start();
      env = { DATABASE_URL: await pg.createDatabase(`conv_${kind}`), ...broker.env, SMTP_URL: mail.url, PUBLIC_URL: SITE };
      nodes.push(...(await Promise.all([0, 1, 2].map(() => NodeProcess.start({ DATA_DIR: tempDir('conv-node'), ...env })))));
      const host = await signIn(nodes[1]!, `host-${kind}@example.com`);
      const renter = await signIn(nodes[0]!, `renter-${kind}@example.com`);
      hostCookie = host.cookie;
      renterCookie = renter.cookie;
      const listingId = (await host.json('/api/listings', { method: 'POST', body: { title: 'Loft', lat: 40.7, lon: -73.95, price: 2000, type: 'entire' } })).body.id;
      conversationId = (await renter.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id;
    }, 180_000);
    afterAll(async () => {
      for (const n of nodes) await n.kill();
      await broker?.stop();
      await mail?.stop();
      await pg?.stop();
    }, 60_000);

    const renterId = async () => ((await (await fetch(`${nodes[1]!.url}/api/me`, { headers: { cookie: renterCookie } })).json()) as { account: { id: string } }).account.id;

    it("the renter's node SIGKILLed mid-stream: what was not acknowledged is sent again through another node; each message once, in order", async () => {
      const me = await renterId();
      const host = new ChatDevice(hostCookie);
      await host.connect(nodes[1]!.url);
      const renter = new ChatDevice(renterCookie);
      await renter.connect(nodes[0]!.url);
      const sent: string[] = [];
      for (let i = 0; i < STREAM; i++) {
        const clientId = `kill-${kind}-${i}`;
        sent.push(clientId);
        renter.send(conversationId, clientId, `message ${i}`);
        if (i === STREAM / 3) {
          await nodes[0]!.kill('SIGKILL');
          // The page notices the socket is gone and reconnects to another node.
          await until('the renter noticing', () => renter.closed, 10_000);
          await renter.connect(nodes[2]!.url);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await expectOnceInOrder(host, sent, me);
      await until('every send acknowledged', () => renter.unacked === 0, 30_000);
      host.close();
      renter.close();
      nodes[0] = await NodeProcess.start({ DATA_DIR: tempDir('conv-node'), ...env });
    }, 120_000);

    it('the bus killed and restarted mid-stream: each message once, in order (the poll carries what the bus did not)', async () => {
      const me = await renterId();
      const host = new ChatDevice(hostCookie);
      await host.connect(nodes[1]!.url);
      const renter = new ChatDevice(renterCookie);
      await renter.connect(nodes[2]!.url);
      const sent: string[] = [];
      for (let i = 0; i < 90; i++) {
        const clientId = `bus-${kind}-${i}`;
        sent.push(clientId);
        renter.send(conversationId, clientId, `message ${i}`);
        if (i === 30) await broker.kill();
        if (i === 60) await broker.restart();
        await new Promise((r) => setTimeout(r, 10));
      }
      await expectOnceInOrder(host, sent, me);
      host.close();
      renter.close();
    }, 120_000);

    it('PostgreSQL killed and restarted mid-stream: sends wait and are sent again; each message once, in order', async () => {
      const me = await renterId();
      const host = new ChatDevice(hostCookie);
      await host.connect(nodes[1]!.url);
      const renter = new ChatDevice(renterCookie);
      await renter.connect(nodes[0]!.url);
      const sent: string[] = [];
      for (let i = 0; i < 60; i++) {
        const clientId = `db-${kind}-${i}`;
        sent.push(clientId);
        renter.send(conversationId, clientId, `message ${i}`);
        if (i === 20) await pg.kill();
        if (i === 40) await pg.restart();
        await new Promise((r) => setTimeout(r, 20));
      }
      // Sends refused while the database was away were sent again until it answered.
      await until('every send acknowledged', () => renter.unacked === 0, 60_000);
      await expectOnceInOrder(host, sent, me);
      host.close();
      renter.close();
    }, 120_000);

    it('the host away while messages arrive, then back on another node: everything missed, once', async () => {
      const me = await renterId();
      const host = new ChatDevice(hostCookie);
      await host.connect(nodes[1]!.url);
      const renter = new ChatDevice(renterCookie);
      await renter.connect(nodes[0]!.url);
      renter.send(conversationId, `away-${kind}-first`, 'first');
      await until('the first', () => host.received.some((r) => r.clientId === `away-${kind}-first`));
      host.close();
      const sent = [`away-${kind}-first`];
      for (let i = 0; i < 20; i++) {
        sent.push(`away-${kind}-${i}`);
        renter.send(conversationId, `away-${kind}-${i}`, `while away ${i}`);
      }
      await until('all acknowledged', () => renter.unacked === 0);
      await host.connect(nodes[2]!.url);
      await expectOnceInOrder(host, sent, me);
      host.close();
      renter.close();
    }, 60_000);
  });
}
