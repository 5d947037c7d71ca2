/**
 * MessageDelivery (conversations/message-delivery.ts) on a real SQLite conversation store
 * and the in-process bus: messages a ring carries go to the sockets at once, the table's
 * read never sends them twice, and a message with a lower id rung later (committed on
 * another node a moment before) is still delivered — the ring never moves the cursor.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { MemoryBus } from '../server/bus/memory-bus';
import { MessageDelivery } from '../server/conversations/message-delivery';
import { SqliteConversationStore } from '../server/conversations/sqlite-conversation-store';
import type { Message } from '../server/conversations/conversation-store';
import type { HolderRegistry } from '../server/alerts/holder-registry';
import { HeldSockets } from '../server/realtime/held-sockets';
import { LiveConnection } from '../server/realtime/live-hub';
import { tempDir } from './helpers/roost';

/** Every owner is held here: this test is about one node's delivery, not routing. */
const here: HolderRegistry = { hold: async () => undefined, unhold: async () => undefined, holders: async (s) => new Map(s.map((x) => [x, ['n1']])) };

function socketOf(owner: string) {
  const got: number[] = [];
  const ws = { readyState: 1, OPEN: 1, bufferedAmount: 0, send: (text: string) => got.push((JSON.parse(text) as { message: Message }).message.id) };
  const conn = new LiveConnection(ws as unknown as WebSocket, owner, 1 << 20);
  conn.signedIn = true;
  return { conn, got };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('message delivery: rings that carry messages, and the table underneath', () => {
  const store = new SqliteConversationStore(tempDir('message-delivery'));
  const held = new HeldSockets(here, 'n1');
  const delivery = new MessageDelivery(store, new MemoryBus('n1'), held);
  afterAll(async () => {
    delivery.stop();
    await held.stop();
    await store.close();
  });

  it('sends a rung message at once and never again from the table; a lower id rung later still arrives', async () => {
    await store.start({ id: 'c-1', listingId: 'l-1', renterId: 'ann', hostId: 'bo', createdAt: 0, listing: { id: 'l-1' } as never, lastMessageId: 0 });
    await delivery.start();
    const bo = socketOf('bo');
    held.open(bo.conn);
    delivery.open(bo.conn);
    const [first, second] = (await store.sendMany([
      { conversationId: 'c-1', sender: 'ann', recipient: 'bo', text: 'one', clientId: 'k1', sentAt: 1 },
      { conversationId: 'c-1', sender: 'ann', recipient: 'bo', text: 'two', clientId: 'k2', sentAt: 2 },
    ])).map((r) => r.message);
    // The second is rung first (its node was quicker): sent at once, without a read.
    delivery.rung(JSON.stringify([second]));
    expect(bo.got).toEqual([second!.id]);
    // The table's read (a poll) passes both: only the first is new to this socket.
    delivery.pump();
    await until(() => bo.got.length >= 2);
    // The late ring of the first, and another read, change nothing.
    delivery.rung(JSON.stringify([first, second]));
    delivery.pump();
    await new Promise((r) => setTimeout(r, 150));
    expect(bo.got).toEqual([second!.id, first!.id]);
  });

  it('a ring it cannot read is a read of the table', async () => {
    const ann = socketOf('ann');
    held.open(ann.conn);
    delivery.open(ann.conn);
    const [m] = (await store.sendMany([{ conversationId: 'c-1', sender: 'bo', recipient: 'ann', text: 'three', clientId: 'k3', sentAt: 3 }])).map((r) => r.message);
    delivery.rung('not json');
    await until(() => ann.got.length >= 1);
    expect(ann.got).toEqual([m!.id]);
  });
});
