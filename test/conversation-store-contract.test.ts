/**
 * One contract for conversations and their messages, run on SQLite (DATA_DIR) and on a
 * PostgreSQL server of our own: one conversation per (listing, renter), a message once per
 * (sender, clientId), ids in commit order under concurrent senders, cursors that only move
 * forward, unread counts, blocks, reply times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, ConversationStore, Message, NewMessage } from '../server/conversations/conversation-store';
import { PostgresConversationStore } from '../server/conversations/postgres-conversation-store';
import { SqliteConversationStore } from '../server/conversations/sqlite-conversation-store';
import type { ListingRecord } from '../server/core/listing';
import { openDatabase } from '../server/store/postgres/database';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { tempDir } from './helpers/roost';

const LISTING: ListingRecord = {
  id: 'l1', title: 'Home', lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1,
  listedAt: Date.UTC(2026, 0, 1), updatedAt: Date.UTC(2026, 0, 1),
};
const T0 = Date.UTC(2026, 11, 1);
const conv = (id: string, renterId = 'renter', listingId = 'l1', hostId = 'host'): Conversation => ({ id, listingId, renterId, hostId, createdAt: T0, listing: LISTING, lastMessageId: 0 });

interface Leg {
  name: string;
  open(): Promise<ConversationStore>;
  done(): Promise<void>;
}
const legs: Leg[] = [{ name: 'SQLite', open: async () => new SqliteConversationStore(tempDir('conv-contract')), done: async () => undefined }];
if (postgresBin()) {
  let server: PostgresServer | null = null;
  let end: (() => Promise<void>) | null = null;
  legs.push({
    name: 'PostgreSQL',
    open: async () => {
      server = await PostgresServer.start();
      const pool = await openDatabase({ url: await server.createDatabase('conv_contract'), poolMax: 8 });
      end = () => pool.end();
      return new PostgresConversationStore(pool);
    },
    done: async () => {
      await end?.();
      await server?.stop();
    },
  });
} else {
  console.log('conversation store contract, PostgreSQL leg skipped: no server binaries under /usr/lib/postgresql');
}

for (const leg of legs) {
  describe(`conversation store contract: ${leg.name}`, () => {
    let s: ConversationStore & { send(m: NewMessage): Promise<{ message: Message; created: boolean }> };
    beforeAll(async () => {
      const store = await leg.open();
      s = Object.assign(store, { send: async (m: NewMessage) => (await store.sendMany([m]))[0]! });
    }, 60_000);
    afterAll(async () => {
      await s?.close();
      await leg.done();
    });

    it('one conversation per listing and renter; a message once per sender and clientId; newest activity first', async () => {
      const a = await s.start(conv('c-a'));
      expect(a.created).toBe(true);
      const again = await s.start(conv('c-other-id'));
      expect([again.created, again.conversation.id]).toEqual([false, 'c-a']);
      expect((await s.conversationAbout(a.conversation.listingId, a.conversation.renterId))?.id).toBe('c-a');
      expect(await s.conversationAbout(a.conversation.listingId, 'someone-else')).toBeNull();
      await s.start(conv('c-b', 'renter', 'l2'));
      const m1 = await s.send({ conversationId: 'c-a', sender: 'renter', recipient: 'host', text: 'Is it free in May?', clientId: 'r-1', sentAt: T0 + 1000 });
      expect(m1.created).toBe(true);
      const repeat = await s.send({ conversationId: 'c-a', sender: 'renter', recipient: 'host', text: 'a retry with other text', clientId: 'r-1', sentAt: T0 + 2000 });
      expect(repeat).toEqual({ message: m1.message, created: false });
      // The same clientId from the other participant is another message.
      const m2 = await s.send({ conversationId: 'c-a', sender: 'host', recipient: 'renter', text: 'Yes — from the 3rd.', clientId: 'r-1', sentAt: T0 + 61_000 });
      expect(m2.message.id).toBeGreaterThan(m1.message.id);
      const m3 = await s.send({ conversationId: 'c-b', sender: 'renter', recipient: 'host', text: 'And this one?', clientId: 'r-2', sentAt: T0 + 3000 });
      expect((await s.conversationsOf('renter', 10)).map((c) => c.id)).toEqual(['c-b', 'c-a']);
      expect((await s.conversationsOf('host', 10)).map((c) => [c.id, c.lastMessageId])).toEqual([['c-b', m3.message.id], ['c-a', m2.message.id]]);
      expect(await s.conversationsOf('stranger', 10)).toEqual([]);
      expect((await s.messagesBefore('c-a', 0, 10)).map((m) => m.text)).toEqual(['Is it free in May?', 'Yes — from the 3rd.']);
      expect((await s.messagesBefore('c-a', m2.message.id, 10)).map((m) => m.id)).toEqual([m1.message.id]);
      expect((await s.messagesBefore('c-a', 0, 1)).map((m) => m.id)).toEqual([m2.message.id]);
      expect((await s.lastMessages(['c-a', 'c-b', 'c-none'])).get('c-a')!.id).toBe(m2.message.id);
      expect((await s.messagesOf('renter', 0, 10)).map((m) => m.id)).toEqual([m1.message.id, m2.message.id, m3.message.id]);
      expect((await s.messagesOf('host', m2.message.id, 10)).map((m) => m.id)).toEqual([m3.message.id]);
      const page = await s.messagesAfter(0, 10, (m) => m.recipient === 'renter');
      expect([page.read, page.messages.map((m) => m.id), page.last]).toEqual([3, [m2.message.id], m3.message.id]);
    });

    it('ids increase in commit order under concurrent senders, so a reader after its last id never skips one', async () => {
      await s.start(conv('c-race', 'racer', 'l-race'));
      const sent = await Promise.all(
        Array.from({ length: 60 }, (_, i) => s.send({ conversationId: 'c-race', sender: i % 2 ? 'racer' : 'host', recipient: i % 2 ? 'host' : 'racer', text: `m${i}`, clientId: `race-${i}`, sentAt: T0 + i })),
      );
      const ids = sent.map((x) => x.message.id).sort((a, b) => a - b);
      expect(new Set(ids).size).toBe(60);
      // Whatever order they committed in, reading by id finds every one.
      let after = ids[0]! - 1;
      const seen: number[] = [];
      for (;;) {
        const p = await s.messagesAfter(after, 7, () => true);
        seen.push(...p.messages.map((m) => m.id));
        if (p.read === 0) break;
        after = p.last;
      }
      expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    });

    it('unread counts follow the read cursor, which moves only forward; delivered follows read', async () => {
      await s.start(conv('c-unread', 'reader', 'l-unread'));
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await s.send({ conversationId: 'c-unread', sender: 'host', recipient: 'reader', text: `n${i}`, clientId: `u-${i}`, sentAt: T0 + i })).message.id);
      await s.send({ conversationId: 'c-unread', sender: 'reader', recipient: 'host', text: 'mine', clientId: 'u-mine', sentAt: T0 + 9 });
      expect((await s.unreadCounts('reader', ['c-unread'])).get('c-unread')).toBe(4);
      expect(await s.markRead('c-unread', 'reader', ids[1]!)).toBe(ids[1]);
      expect(await s.markRead('c-unread', 'reader', ids[0]!)).toBe(ids[1]);
      expect((await s.unreadCounts('reader', ['c-unread'])).get('c-unread')).toBe(2);
      expect((await s.unreadCounts('host', ['c-unread'])).get('c-unread')).toBe(1);
      expect(await s.markDeliveredMany([{ conversationId: 'c-unread', account: 'reader', upTo: ids[3]! }])).toEqual([ids[3]]);
      expect(await s.markDeliveredMany([{ conversationId: 'c-unread', account: 'reader', upTo: ids[2]! }, { conversationId: 'c-unread', account: 'host', upTo: ids[0]! }])).toEqual([ids[3], ids[0]]);
      expect((await s.cursors('c-unread')).get('reader')).toEqual({ read: ids[1], delivered: ids[3] });
    });

    it('a batch is one commit in its order: ids increase along it, a repeat inside it or of an earlier message is the message made first', async () => {
      await s.start(conv('c-batch', 'batcher', 'l-batch'));
      const base = { conversationId: 'c-batch', sender: 'batcher', recipient: 'host', sentAt: T0 };
      const earlier = await s.send({ ...base, text: 'before', clientId: 'b-0' });
      const out = await s.sendMany([
        { ...base, text: 'one', clientId: 'b-1' },
        { ...base, text: 'repeat of before', clientId: 'b-0' },
        { ...base, text: 'two', clientId: 'b-2' },
        { ...base, text: 'one again', clientId: 'b-1' },
      ]);
      expect(out.map((o) => [o.message.clientId, o.message.text, o.created])).toEqual([
        ['b-1', 'one', true],
        ['b-0', 'before', false],
        ['b-2', 'two', true],
        ['b-1', 'one', false],
      ]);
      expect(out[1]!.message).toEqual(earlier.message);
      expect(out[0]!.message.id).toBeLessThan(out[2]!.message.id);
      expect(out[3]!.message.id).toBe(out[0]!.message.id);
      expect((await s.messagesBefore('c-batch', 0, 10)).map((m) => m.text)).toEqual(['before', 'one', 'two']);
    });

    it('blocks each way; reports are kept; reply times from the first question to the first answer', async () => {
      await s.block('renter', 'host');
      expect(await s.blockedBetween('renter', 'host')).toEqual({ aBlockedB: true, bBlockedA: false });
      expect(await s.blockedBetween('host', 'renter')).toEqual({ aBlockedB: false, bBlockedA: true });
      expect(await s.blockersIn('c-a')).toEqual(['renter']);
      expect(await s.blockersIn('c-none')).toEqual([]);
      await s.unblock('renter', 'host');
      expect(await s.blockedBetween('renter', 'host')).toEqual({ aBlockedB: false, bBlockedA: false });
      expect(await s.blockersIn('c-a')).toEqual([]);
      await s.report('c-a', 'renter', 'asked for a deposit by wire', T0);
      const times = await s.replyTimes('host', 10);
      // c-a: asked at +1 s, answered at +61 s; the others' questions wait (or were the host's own first).
      expect(times).toContainEqual({ askedAt: T0 + 1000, replyMs: 60_000 });
      expect(times.some((t) => t.replyMs === null)).toBe(true);
    });
  });
}
