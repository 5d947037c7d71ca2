/**
 * The alert outbox (issue 29) on SQLite and on a PostgreSQL server of our own: rows written
 * with their alerts, once per (alert, channel); taken under an attempt lease; one sender
 * in the cluster; and the sender itself against a real SMTP server of the test's own —
 * grouping, retry with the same Message-ID, the digest at its hour, the hourly cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStore } from '../server/accounts/account-store';
import { SqliteAccountStore } from '../server/accounts/sqlite-account-store';
import { PostgresAccountStore } from '../server/accounts/postgres-account-store';
import { FAVOURITE_SOURCE, type AlertStore, type NewAlert, type OutboxIntent } from '../server/alerts/alert-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { MAIL_CONNECTIONS, openMailer, type Mail, type Mailer } from '../server/mail/mailer';
import { OUTBOX_KEPT_MS, OutboxSender, pushTag } from '../server/alert-mail/outbox-sender';
import { nextDigestAt } from '../server/alerts/outbox-intents';
import { readUnsubscribeToken, unsubscribeToken } from '../server/alert-mail/unsubscribe-token';
import type { PushSender } from '../server/alert-mail/push-port';
import type { PushPayload } from '../server/contract/alert-channels';
import { storeLegs } from './helpers/store-legs';
import { listUnsubscribe, MailServer } from './helpers/mail-server';
import { home, search, T0 } from './helpers/outbox-fixtures';

const BASE = 'https://roost.test';
const SECRET = 'outbox-test-secret-0123456789abcdef0123456789';

const mailNow = (source: string, dueAt = 0): OutboxIntent => ({ channel: 'email', source, digest: false, dueAt });

/** A push service stand-in for the push channel only (Web Push is h-push's): counts what it was given, fails while `down`. */
class CountingPushDouble implements PushSender {
  readonly sent: { owner: string; payload: PushPayload }[] = [];
  down = false;
  async sendToOwner(owner: string, payload: PushPayload): Promise<{ delivered: number }> {
    if (this.down) throw new Error('push service unreachable (test double)');
    this.sent.push({ owner, payload });
    return { delivered: 1 };
  }
  async subscriptionsOf(): Promise<Map<string, never[]>> {
    return new Map();
  }
}

const legs = storeLegs('alert outbox', {
  sqlite: (dir) => ({ alerts: new SqliteAlertStore(dir) as AlertStore, accounts: new SqliteAccountStore(dir) as AccountStore }),
  postgres: (pool) => ({ alerts: new PostgresAlertStore(pool) as AlertStore, accounts: new PostgresAccountStore(pool) as AccountStore }),
}, 6);

for (const leg of legs) {
  describe(`alert outbox: ${leg.name}`, () => {
    let store: AlertStore;
    let accounts: AccountStore;
    let mail: MailServer;
    let seq = 1_000;

    beforeAll(async () => {
      ({ alerts: store, accounts } = await leg.open());
      mail = await MailServer.start();
      await accounts.createAccount({ id: 'acc-ann', email: 'ann@example.com', name: 'Ann', createdAt: T0 });
      await accounts.createAccount({ id: 'acc-bo', email: 'bo@example.com', name: 'Bo', createdAt: T0 });
      await store.createSearch('acc-ann', search('s-ann', { name: 'Village <b>& co</b>', channels: ['page', 'email', 'push'] }));
      await store.createSearch('acc-bo', search('s-bo'));
      await store.setMailLocale('acc-bo', 'zh');
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      await accounts?.close();
      await leg.done();
      await mail?.stop();
    });

    /** A batch committed by the matcher's lease holder (as AlertMatcher does). */
    async function commit(alerts: NewAlert[]): Promise<number[]> {
      for (;;) {
        expect(await store.claim('matcher', 5_000, async () => 0)).toBe(true);
        const from = await store.matcherCursor();
        const ids = await store.commitBatch('matcher', from, from + 1, 5_000, alerts);
        if (ids) return ids;
      }
    }

    const sender = (mailer: Mailer, extra: Partial<ConstructorParameters<typeof OutboxSender>[0]> = {}) =>
      new OutboxSender({
        store, accounts, mailer, push: null, node: 'sender-a', base: BASE, secret: SECRET, mailsPerHour: 100,
        digestAt: (now) => nextDigestAt(now, 7), attemptMs: 60_000, ...extra,
      });

    it('rows are written with their alerts, once per (alert, channel): a redone batch writes none again', async () => {
      const s = ++seq;
      const a: NewAlert = { seq: s, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${s}`), outbox: [mailNow('s-ann', T0), { channel: 'push', source: 's-ann', digest: false, dueAt: T0 }] };
      expect(await commit([a])).toHaveLength(1);
      expect(await commit([a])).toHaveLength(0);
      const rows = await store.takeDue(T0, 60_000, 100);
      expect(rows.map((r) => [r.channel, r.owner, r.source, r.listing.id, r.attempts])).toEqual([
        ['email', 'acc-ann', 's-ann', `h${s}`, 1],
        ['push', 'acc-ann', 's-ann', `h${s}`, 1],
      ]);
      // Held by the attempt: nobody takes them again until it runs out.
      expect(await store.takeDue(T0 + 59_000, 60_000, 100)).toEqual([]);
      const again = await store.takeDue(T0 + 61_000, 60_000, 100);
      expect(again.map((r) => r.attempts)).toEqual([2, 2]);
      await store.finish(again.map((r) => r.id), 'skipped', T0);
      expect(await store.outboxWaiting()).toBe(0);
    });

    it('finished rows are forgotten a day on, longest finished first, a bounded number a statement; waiting rows never; a sending node sweeps once a minute', async () => {
      // Finished in 1970, so no other test's rows (finished at T0 or now) are in the way.
      const made: number[] = [];
      for (let k = 0; k < 3; k++) {
        const s = ++seq;
        made.push(s);
        await commit([{ seq: s, session: 'acc-bo', searchId: 's-bo', reason: 'new', listing: home(`h${s}`), outbox: [{ channel: 'push', source: 's-bo', digest: false, dueAt: 0 }] }]);
      }
      const rows = (await store.takeDue(1_000, 60_000, 100, undefined, 'push')).filter((r) => made.includes(Number(r.listing.id.slice(1))));
      expect(rows).toHaveLength(3);
      const [first, second, third] = rows.sort((a, b) => a.id - b.id);
      await store.finish([first!.id], 'sent', 1_000);
      await store.finish([second!.id], 'skipped', 3_600_000);
      const waiting = await store.outboxWaiting();
      expect(await store.forgetDone(2_000, 10)).toBe(1);
      expect(await store.forgetDone(2_000, 10)).toBe(0);
      expect(await store.forgetDone(7_200_000, 10)).toBe(1);
      // The third still waits, and is still taken once its attempt has run out.
      expect(await store.outboxWaiting()).toBe(waiting);
      expect((await store.takeDue(70_000, 60_000, 100, undefined, 'push')).map((r) => r.id)).toContain(third!.id);
      await store.finish([third!.id], 'sent', 10_000);
      // The sender sweeps on its own once it holds the outbox: a day and more on, the row is gone.
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      const s = sender(mailer, { node: 'sweeper', now: () => 10_000 + OUTBOX_KEPT_MS + 1 });
      expect(await store.claimSender('sweeper', 5_000)).toBe(true);
      await s.kick();
      await s.stop();
      mailer.close();
      expect(await store.forgetDone(20_000, 10)).toBe(0);
    });

    it('one sender in the cluster: the lease is exclusive until released or run out', async () => {
      expect(await store.claimSender('node-a', 300)).toBe(true);
      expect(await store.claimSender('node-b', 300)).toBe(false);
      expect(await store.claimSender('node-a', 300)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.claimSender('node-b', 300)).toBe(true);
      await store.releaseSender('node-b');
      expect(await store.claimSender('node-a', 300)).toBe(true);
      await store.releaseSender('node-a');
    });

    it("a search's homes go in one mail: escaped, both parts, photo, old → new price, one-click unsubscribe, Message-ID from the outbox key", async () => {
      const a = ++seq;
      const b = ++seq;
      const c = ++seq;
      await commit([
        { seq: a, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${a}`, { title: 'Loft <script>alert(1)</script>', photos: ['/photos/abc123'] }), outbox: [mailNow('s-ann')] },
        { seq: b, session: 'acc-ann', searchId: 's-ann', reason: 'price_drop', listing: home(`h${b}`, { price: 1800 }), previousPrice: 2100, outbox: [mailNow('s-ann')] },
        { seq: c, session: 'acc-bo', searchId: 's-bo', reason: 'new', listing: home(`h${c}`), outbox: [mailNow('s-bo')] },
      ]);
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      const s = sender(mailer);
      expect(await store.claimSender('sender-a', 5_000)).toBe(true);
      await s.kick();
      mailer.close();
      const ann = await mail.nth('ann@example.com', 1);
      expect(ann.subject).toBe('2 updates in “Village <b>& co</b>”');
      expect(ann.html).not.toContain('<script>');
      expect(ann.html).toContain('Loft &#60;script&#62;');
      expect(ann.html).toContain('Village &#60;b&#62;&#38; co&#60;/b&#62;');
      expect(ann.html).toContain(`src="${BASE}/photos/abc123"`);
      expect(ann.text).toContain('$2,100/month → $1,800/month');
      expect(ann.text).toContain(`${BASE}/listings/h${a}`);
      expect(ann.text).toMatch(/Open the search on the map: https:\/\/roost\.test\/\?lat=/);
      const unsubscribe = listUnsubscribe(ann);
      expect(unsubscribe.url).toMatch(/^https:\/\/roost\.test\/api\/unsubscribe\?token=[\w.-]+$/);
      expect(unsubscribe.post).toBe('List-Unsubscribe=One-Click');
      const token = decodeURIComponent(/token=(.+)$/.exec(unsubscribe.url)![1]!);
      expect(readUnsubscribeToken(SECRET, token)).toEqual({ owner: 'acc-ann', source: 's-ann', listingId: null });
      expect(readUnsubscribeToken('another-secret-0123456789abcdef0123456789', token)).toBeNull();
      expect(ann.text).toContain(`${BASE}/unsubscribe?token=`);
      expect(String(ann.headers.get('message-id'))).toMatch(/^<roost-alert\.m\d+@roost\.test>$/);
      // Bo reads Chinese.
      const bo = await mail.nth('bo@example.com', 1);
      expect(bo.subject).toContain('新房源');
      expect(bo.text).toContain('不再接收这些邮件');
      expect(await store.outboxWaiting()).toBe(0);
      await s.stop();
    });

    it('the mail server down: the same mail is retried with backoff and accepted once it is back; a crash after acceptance repeats the same Message-ID', async () => {
      const n = ++seq;
      await commit([{ seq: n, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${n}`), outbox: [mailNow('s-ann')] }]);
      const before = mail.to('ann@example.com').length;
      await mail.stop();
      let now = Date.now();
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      const s = sender(mailer, { now: () => now });
      await s.kick(); // refused: postponed by 1 s
      expect(await store.outboxWaiting()).toBe(1);
      await mail.restart();
      await s.kick(); // not due yet
      expect(mail.to('ann@example.com').length).toBe(before);
      now += 1_500;
      await s.kick();
      const got = await mail.nth('ann@example.com', before + 1);
      expect(mail.to('ann@example.com').length).toBe(before + 1);
      expect(got.text).toContain(`h${n}`);
      await s.stop();

      // A node that dies after the mail server accepted and before the rows were marked:
      // the next try sends the same rows as the same mail, with the same Message-ID.
      const m = ++seq;
      await commit([{ seq: m, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${m}`), outbox: [mailNow('s-ann')] }]);
      const dies: Mailer = {
        mode: 'smtp',
        async send(x: Mail) {
          await mailer.send(x);
          throw new Error('killed after acceptance (test)');
        },
        close() {},
      };
      now = Date.now();
      const dying = sender(dies, { now: () => now });
      await dying.kick();
      await dying.stop();
      now += 61_000; // past its attempt lease too, as if it had died holding the rows
      const next = sender(mailer, { now: () => now });
      await next.kick();
      await next.stop();
      mailer.close();
      const twice = mail.to('ann@example.com').filter((x) => x.text.includes(`h${m}`));
      expect(twice).toHaveLength(2);
      expect(twice[0]!.headers.get('message-id')).toBe(twice[1]!.headers.get('message-id'));
      expect(await store.outboxWaiting()).toBe(0);
    });

    it('daily rows wait for the digest hour and go as one digest per owner; past ALERT_MAILS_PER_HOUR instant rows wait for it too', async () => {
      const digestAt = nextDigestAt(Date.now(), 7);
      const d1 = ++seq;
      const d2 = ++seq;
      await store.putFavourite('acc-ann', { listingId: `h${d2}`, savedAt: T0, priceWhenSaved: 1000, listing: home(`h${d2}`, { price: 1000 }), since: 0, channels: ['page', 'email'], frequency: 'daily' });
      // Another favourite's row whose email was turned off before the digest: not sent.
      const off = ++seq;
      await store.putFavourite('acc-ann', { listingId: `h${off}`, savedAt: T0, priceWhenSaved: 1000, listing: home(`h${off}`), since: 0, channels: ['page'], frequency: 'daily' });
      await commit([
        { seq: off, session: 'acc-ann', searchId: FAVOURITE_SOURCE, reason: 'removed', listing: home(`h${off}`), outbox: [{ channel: 'email', source: FAVOURITE_SOURCE, digest: true, dueAt: digestAt }] },
        { seq: d1, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${d1}`), outbox: [{ channel: 'email', source: 's-ann', digest: true, dueAt: digestAt }] },
        { seq: d2, session: 'acc-ann', searchId: FAVOURITE_SOURCE, reason: 'price_drop', listing: home(`h${d2}`, { price: 900 }), previousPrice: 1000, outbox: [{ channel: 'email', source: FAVOURITE_SOURCE, digest: true, dueAt: digestAt }] },
      ]);
      // Over the cap: Ann had instant mails this hour already, so this one joins the digest.
      const i1 = ++seq;
      await commit([{ seq: i1, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${i1}`), outbox: [mailNow('s-ann')] }]);
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      let now = Date.now();
      const s = sender(mailer, { now: () => now, mailsPerHour: 1 });
      const before = mail.to('ann@example.com').length;
      await s.kick();
      expect(mail.to('ann@example.com').length).toBe(before);
      expect(await store.outboxWaiting()).toBe(4);
      now = digestAt + 1;
      await s.kick();
      await s.stop();
      mailer.close();
      const digest = await mail.nth('ann@example.com', before + 1);
      expect(mail.to('ann@example.com').length).toBe(before + 1);
      expect(digest.subject).toBe('Your Roost digest: 3 updates');
      for (const id of [d1, d2, i1]) expect(digest.text).toContain(`h${id}`);
      expect(digest.text).not.toContain(`h${off}`);
      expect(await store.outboxWaiting()).toBe(0);
      expect(digest.text).toContain('== your favourites ==');
      expect(digest.text).toContain('$1,000/month → $900/month');
      const token = decodeURIComponent(/token=(.+)$/.exec(listUnsubscribe(digest).url)![1]!);
      expect(readUnsubscribeToken(SECRET, token)).toEqual({ owner: 'acc-ann', source: '*', listingId: null });
      expect(String(digest.headers.get('message-id'))).toMatch(/^<roost-alert\.d\d+@roost\.test>$/);
    });

    it('a slow pass stops starting sends at half its attempt lease and lets the rest go: another sender sends them, nothing twice', async () => {
      const owners = ['acc-ann', 'acc-bo'];
      const made: string[] = [];
      for (let k = 0; k < MAIL_CONNECTIONS + 4; k++) {
        const n = ++seq;
        const owner = owners[k % 2]!;
        // Each its own search: four mails more than are sent at a time.
        await store.createSearch(owner, search(`s-slow-${n}`));
        await commit([{ seq: n, session: owner, searchId: `s-slow-${n}`, reason: 'new', listing: home(`slow-${n}`), outbox: [mailNow(`s-slow-${n}`)] }]);
        made.push(`slow-${n}`);
      }
      const before = mail.mails.length;
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      const slow: Mailer = {
        mode: 'smtp',
        async send(x: Mail) {
          await new Promise((r) => setTimeout(r, 600));
          await mailer.send(x);
        },
        close() {},
      };
      const a = sender(slow, { attemptMs: 1_000, node: 'slow-a' });
      await a.kick();
      await a.stop();
      const first = mail.mails.length - before;
      // The first batch started at once; by its end half the 1 s lease had gone: the rest let go.
      expect(first).toBe(MAIL_CONNECTIONS);
      expect(await store.outboxWaiting()).toBe(4);
      const b = sender(mailer, { node: 'slow-b' });
      await b.kick();
      await b.stop();
      mailer.close();
      const got = mail.mails.slice(before);
      expect(got.flatMap((m) => [...m.text.matchAll(/listings\/(slow-\d+)/g)].map((x) => x[1])).sort()).toEqual([...made].sort());
      expect(new Set(got.map((m) => String(m.headers.get('message-id')))).size).toBe(MAIL_CONNECTIONS + 4);
      expect(got).toHaveLength(MAIL_CONNECTIONS + 4);
    });

    it('a page half-sent when the node dies: what SMTP accepted is marked as it was accepted, the rest goes once from the next sender with the Message-IDs fixed before', async () => {
      const made: string[] = [];
      for (let k = 0; k < 6; k++) {
        const n = ++seq;
        const owner = k % 2 === 0 ? 'acc-ann' : 'acc-bo';
        await store.createSearch(owner, search(`s-half-${n}`));
        await commit([{ seq: n, session: owner, searchId: `s-half-${n}`, reason: 'new', listing: home(`half-${n}`), outbox: [mailNow(`s-half-${n}`)] }]);
        made.push(`half-${n}`);
      }
      const before = mail.mails.length;
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      // SMTP accepts three of the page's six mails; then the node is gone: its other sends never come back.
      let accepted = 0;
      const hung: (() => void)[] = [];
      const dying: Mailer = {
        mode: 'smtp',
        async send(x: Mail) {
          if (accepted >= 3) return new Promise<void>((_, reject) => hung.push(() => reject(new Error('the node is gone (test)'))));
          accepted++;
          await mailer.send(x);
        },
        close() {},
      };
      let now = Date.now();
      const dead = sender(dying, { now: () => now });
      void dead.kick();
      const until = Date.now() + 10_000;
      while ((mail.mails.length - before < 3 || (await store.outboxWaiting()) > 3) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(mail.mails.length - before).toBe(3);
      // Marked while the other three were still in the mail server's hands, not at the page's end.
      expect(await store.outboxWaiting()).toBe(3);
      const firstIds = mail.mails.slice(before).map((m) => String(m.headers.get('message-id')));

      // The node comes back (same name, so it takes its lease again) once the dead attempt's lease has run out.
      now += 61_000;
      const next = sender(mailer, { now: () => now });
      await next.kick();
      await next.stop();
      const got = mail.mails.slice(before);
      expect(got.flatMap((m) => [...m.text.matchAll(/listings\/(half-\d+)/g)].map((x) => x[1])).sort()).toEqual([...made].sort());
      expect(got).toHaveLength(6);
      const ids = got.map((m) => String(m.headers.get('message-id')));
      expect(new Set(ids).size).toBe(6);
      expect(ids.slice(0, 3)).toEqual(firstIds);
      expect(await store.outboxWaiting()).toBe(0);
      // The dead node's hung sends fail at last: nothing it does then sends or unmarks anything.
      for (const h of hung) h();
      await dead.stop();
      mailer.close();
      expect(mail.mails.length - before).toBe(6);
      expect(await store.outboxWaiting()).toBe(0);
    });

    it('partitioned by owner (ALERT_SENDERS 2): two nodes take a slice each and send at once, every home once', async () => {
      const owners = Array.from({ length: 8 }, (_, k) => `acc-part-${k}`);
      const made: string[] = [];
      for (const [k, owner] of owners.entries()) {
        await accounts.createAccount({ id: owner, email: `part-${k}@example.com`, name: `P${k}`, createdAt: T0 });
        await store.createSearch(owner, search(`s-${owner}`));
        for (let h = 0; h < 2; h++) {
          const n = ++seq;
          await commit([{ seq: n, session: owner, searchId: `s-${owner}`, reason: 'new', listing: home(`part-${n}`), outbox: [mailNow(`s-${owner}`)] }]);
          made.push(`part-${n}`);
        }
      }
      const before = mail.mails.length;
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      const a = sender(mailer, { node: 'part-a', partitions: 2 });
      const b = sender(mailer, { node: 'part-b', partitions: 2 });
      await a.kick();
      await b.kick();
      // Each holds one slice: a took one and left the other to b.
      expect(await store.claimSender('part-c', 5_000, { index: 0, count: 2 })).toBe(false);
      expect(await store.claimSender('part-c', 5_000, { index: 1, count: 2 })).toBe(false);
      await Promise.all([a.kick(), b.kick()]);
      await a.stop();
      await b.stop();
      mailer.close();
      const got = mail.mails.slice(before);
      expect(got.flatMap((m) => [...m.text.matchAll(/listings\/(part-\d+)/g)].map((x) => x[1])).sort()).toEqual([...made].sort());
      // One mail per owner's search (its two homes together), split between the nodes.
      expect(got).toHaveLength(8);
      expect(a.mailed + b.mailed).toBe(8);
      expect(a.mailed).toBeGreaterThan(0);
      expect(b.mailed).toBeGreaterThan(0);
      expect(await store.outboxWaiting()).toBe(0);
      // Released on stop: another node takes a slice at once.
      expect(await store.claimSender('part-c', 5_000, { index: 0, count: 2 })).toBe(true);
      await store.releaseSender('part-c', { index: 0, count: 2 });
    });

    it('push rows go through PushSender, retried while the push service is down; unsubscribe lets waiting mail go', async () => {
      const push = new CountingPushDouble();
      push.down = true;
      const p = ++seq;
      await commit([{ seq: p, session: 'acc-ann', searchId: 's-ann', reason: 'new', listing: home(`h${p}`), outbox: [{ channel: 'push', source: 's-ann', digest: false, dueAt: 0 }, mailNow('s-ann', Date.now() + 60_000)] }]);
      let now = Date.now();
      const mailer = openMailer(mail.url, 'Roost <roost@roost.test>');
      const s = sender(mailer, { now: () => now, push });
      await s.kick();
      expect(push.sent).toHaveLength(0);
      push.down = false;
      now += 1_500;
      await s.kick();
      expect(push.sent).toHaveLength(1);
      expect(push.sent[0]!.payload).toMatchObject({ url: `${BASE}/listings/h${p}`, title: 'New home · Village <b>& co</b>' });
      // One tag per renter and search: the next push for it replaces this one on the phone.
      expect(push.sent[0]!.payload.tag).toBe(pushTag('acc-ann', 's-ann'));
      // The mail row still waits; Ann unsubscribes from the search: email off, the row let go.
      expect(await store.unsubscribe('acc-ann', 's-ann', null)).toBe(true);
      expect((await store.searchOf('acc-ann', 's-ann'))!.channels).toEqual(['page', 'push']);
      expect(await store.outboxWaiting()).toBe(0);
      expect(await store.unsubscribe('acc-bo', 's-ann', null)).toBe(false);
      await s.stop();
      mailer.close();
      expect(unsubscribeToken(SECRET, { owner: 'a', source: 'b', listingId: null })).not.toBe(unsubscribeToken(SECRET, { owner: 'a', source: 'c', listingId: null }));
    });
  });
}
