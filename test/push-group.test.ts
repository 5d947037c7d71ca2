/**
 * The outbox sender's push channel grouped per renter (issue 29): an owner's due push rows
 * of a page go in one push (one request per subscription), against the tests' own HTTPS
 * push service, which checks each VAPID token and decrypts each payload — so what is
 * counted here is what a phone would have been sent. On SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStore } from '../server/accounts/account-store';
import { SqliteAccountStore } from '../server/accounts/sqlite-account-store';
import { PostgresAccountStore } from '../server/accounts/postgres-account-store';
import { FAVOURITE_SOURCE, type AlertStore, type NewAlert, type SavedSearch } from '../server/alerts/alert-store';
import { PUSH_ROWS_A_TAKE } from '../server/alerts/alert-outbox';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import type { ListingRecord } from '../server/core/listing';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { openMailer, type Mailer } from '../server/mail/mailer';
import { groupPushPayload, OutboxSender, pushTag } from '../server/alert-mail/outbox-sender';
import { nextDigestAt } from '../server/alerts/outbox-intents';
import { PushHosts } from '../server/push/push-hosts';
import { WebPushSender } from '../server/push/push-sender';
import { loadVapidKeys } from '../server/push/push-module';
import { SqlitePushStore } from '../server/push/sqlite-push-store';
import { storeLegs } from './helpers/store-legs';
import { PushService, type TestSubscription } from './helpers/push-service';
import { tempDir } from './helpers/roost';
import { home, search as outboxSearch, T0 } from './helpers/outbox-fixtures';

const BASE = 'https://roost.test';
const SECRET = 'push-group-test-secret-0123456789abcdef0123456789';
/** The outbox suites' search, with a budget and push chosen. */
const search = (id: string, extra: Partial<SavedSearch> = {}): SavedSearch => outboxSearch(id, { filters: { priceMax: 2500 }, channels: ['page', 'push'], ...extra });

const legs = storeLegs('push group', {
  sqlite: (dir) => ({ alerts: new SqliteAlertStore(dir) as AlertStore, accounts: new SqliteAccountStore(dir) as AccountStore }),
  postgres: (pool) => ({ alerts: new PostgresAlertStore(pool) as AlertStore, accounts: new PostgresAccountStore(pool) as AccountStore }),
}, 6);

for (const leg of legs) {
  describe(`push per renter per page: ${leg.name}`, () => {
    let store: AlertStore;
    let accounts: AccountStore;
    let pushStore: SqlitePushStore;
    let service: PushService;
    let push: WebPushSender;
    let mailer: Mailer;
    let seq = 1_000;
    let n = 0;
    /** Each test's own renters, so one test's rows and subscriptions never meet another's. */
    const renter = async (extra: Partial<SavedSearch> = {}) => {
      const owner = `acc-${++n}`;
      await accounts.createAccount({ id: owner, email: `${owner}@example.com`, name: owner, createdAt: T0 });
      await store.createSearch(owner, search(`s-${n}`, { name: `Brooklyn 2 bed <${n}>`, ...extra }));
      const sub = service.subscribe();
      await pushStore.subscribe(owner, sub.json, 'en', Date.now());
      return { owner, searchId: `s-${n}`, sub };
    };

    beforeAll(async () => {
      ({ alerts: store, accounts } = await leg.open());
      service = await PushService.start();
      pushStore = new SqlitePushStore(tempDir('push-group'));
      const keys = await loadVapidKeys(pushStore);
      service.expectKey = keys.publicKey;
      push = new WebPushSender({ store: pushStore, keys, subject: 'mailto:roost@example.com', hosts: PushHosts.parse(service.hostEntry), ca: service.ca, timeoutMs: 1_500 });
      mailer = openMailer('smtp://127.0.0.1:9', 'Roost <roost@roost.test>');
    }, 60_000);
    afterAll(async () => {
      mailer?.close();
      push?.close();
      await service?.stop();
      await pushStore?.close();
      await store?.close();
      await accounts?.close();
      await leg.done();
    });

    async function commit(alerts: NewAlert[]): Promise<number[]> {
      for (;;) {
        expect(await store.claim('matcher', 5_000, async () => 0)).toBe(true);
        const from = await store.matcherCursor();
        const ids = await store.commitBatch('matcher', from, from + 1, 5_000, alerts);
        if (ids) return ids;
      }
    }
    const alertOf = (owner: string, source: string, listing: ListingRecord, extra: Partial<NewAlert> = {}): NewAlert => ({
      seq: ++seq, session: owner, searchId: source, reason: 'new', listing,
      outbox: [{ channel: 'push', source, digest: false, dueAt: 0 }], ...extra,
    });
    const sender = (now: () => number) =>
      new OutboxSender({ store, accounts, mailer, push, node: 'sender-a', base: BASE, secret: SECRET, mailsPerHour: 100, digestAt: (t) => nextDigestAt(t, 7), attemptMs: 60_000, now });
    /** Pushes the service took (201) for a browser: what its phone shows. */
    const got = (sub: TestSubscription) => service.received.filter((r) => r.path === sub.path && r.status === 201);

    it('several alerts of one renter in a page go in one push that carries them all, and all are marked sent', async () => {
      const ann = await renter();
      await commit([1, 2, 3, 4, 5].map((k) => alertOf(ann.owner, ann.searchId, home(`a${seq + 1}-${k}`, { title: `Flat ${k} <script>`, ...(k === 2 ? { photos: ['/photos/p2.jpg'] } : {}) }))));
      const s = sender(Date.now);
      await s.kick();
      expect(got(ann.sub)).toHaveLength(1);
      const p = got(ann.sub)[0]!.payload;
      expect(p).toMatchObject({ title: '5 new homes match “Brooklyn 2 bed <1>”', count: 5, tag: pushTag(ann.owner, ann.searchId), icon: `${BASE}/photos/p2.jpg` });
      // It opens the search's map, names the first homes and says how many more; text as given (the system shows text).
      expect(p.url).toMatch(/^https:\/\/roost\.test\/\?lat=40\.70000&lon=-73\.95000&zoom=\d+&priceMax=2500$/);
      expect(p.body.split('\n')).toEqual(['Flat 1 <script> — $2,000/month', 'Flat 2 <script> — $2,000/month', 'Flat 3 <script> — $2,000/month', 'and 2 more']);
      expect(s.pushed).toBe(1);
      expect(s.pushedAlerts).toBe(5);
      expect(await store.outboxWaiting()).toBe(0);
      // Nothing due: a second pass sends nothing.
      await s.kick();
      expect(got(ann.sub)).toHaveLength(1);
      await s.stop();
    });

    it('a push row is taken with all its owner\'s due push rows not held, past the page\'s limit: behind, one push carries them all', async () => {
      const gus = await renter();
      const hal = await renter();
      const g = `g${seq}`;
      await commit([
        alertOf(gus.owner, gus.searchId, home(`${g}-1`)),
        alertOf(hal.owner, hal.searchId, home(`${g}-2`)),
        alertOf(gus.owner, gus.searchId, home(`${g}-3`)),
        alertOf(gus.owner, gus.searchId, home(`${g}-4`), { outbox: [{ channel: 'push', source: gus.searchId, digest: false, dueAt: Date.now() + 60_000 }] }),
        alertOf(gus.owner, gus.searchId, home(`${g}-5`), { outbox: [{ channel: 'email', source: gus.searchId, digest: false, dueAt: 0 }] }),
      ]);
      // The sender's push pass takes push rows only: a page of mails never holds a push back.
      const rows = await store.takeDue(Date.now(), 60_000, 1, undefined, 'push');
      // Not the row still backing off (due in a minute): a refused push waits out its backoff.
      expect(rows.map((r) => [r.owner, r.listing.id])).toEqual([1, 3].map((k) => [gus.owner, `${g}-${k}`]));
      // Hal's row was not taken: the next page has it (and Gus's mail row, without a channel).
      const next = await store.takeDue(Date.now(), 60_000, 10);
      expect(next.map((r) => [r.owner, r.channel])).toEqual([[hal.owner, 'push'], [gus.owner, 'email']]);
      await store.finish([...rows, ...next].map((r) => r.id), 'sent', Date.now());
      const later = await store.takeDue(Date.now() + 61_000, 60_000, 10, undefined, 'push');
      expect(later.map((r) => r.listing.id)).toEqual([`${g}-4`]);
      await store.finish(later.map((r) => r.id), 'sent', Date.now());
    });

    it('an owner\'s backlog is taken a bounded number of rows at a time, oldest first', async () => {
      const ivy = await renter();
      const i = `i${seq}`;
      await commit(Array.from({ length: PUSH_ROWS_A_TAKE + 5 }, (_, k) => alertOf(ivy.owner, ivy.searchId, home(`${i}-${k}`))));
      const rows = await store.takeDue(Date.now(), 60_000, 1, undefined, 'push');
      expect(rows).toHaveLength(PUSH_ROWS_A_TAKE);
      expect(rows[0]!.listing.id).toBe(`${i}-0`);
      const rest = await store.takeDue(Date.now(), 60_000, 10, undefined, 'push');
      expect(rest.map((r) => r.listing.id)).toEqual([0, 1, 2, 3, 4].map((k) => `${i}-${PUSH_ROWS_A_TAKE + k}`));
      await store.finish([...rows, ...rest].map((r) => r.id), 'sent', Date.now());
    });

    it('two renters: two pushes, each with its own alerts; one alert alone reads as one home and opens it', async () => {
      const bo = await renter();
      const cy = await renter();
      await pushStore.subscribe(cy.owner, service.subscribe().json, 'en', Date.now()); // Cy's second browser
      await store.setMailLocale(bo.owner, 'zh');
      await commit([
        alertOf(bo.owner, bo.searchId, home(`b${seq}-1`)),
        alertOf(cy.owner, cy.searchId, home(`c${seq}-1`, { price: 1800 }), { reason: 'price_drop', previousPrice: 2000 }),
        alertOf(bo.owner, bo.searchId, home(`b${seq}-2`), { reason: 'removed' }),
      ]);
      const before = service.received.length;
      const s = sender(Date.now);
      await s.kick();
      // Bo: one push of two; Cy: one push (one request to each of Cy's two browsers).
      expect(service.received.length - before).toBe(3);
      expect(got(bo.sub)).toHaveLength(1);
      expect(got(bo.sub)[0]!.payload).toMatchObject({ title: `“Brooklyn 2 bed <${n - 1}>”有 2 条更新`, count: 2 });
      expect(got(bo.sub)[0]!.payload.body).toContain('已下架: ');
      expect(got(cy.sub)).toHaveLength(1);
      const c = got(cy.sub)[0]!.payload;
      expect(c).toMatchObject({ title: `Price drop · Brooklyn 2 bed <${n}>`, url: `${BASE}/listings/${encodeURIComponent(c.url.split('/').pop()!)}`, tag: pushTag(cy.owner, cy.searchId), count: 1 });
      expect(c.body).toMatch(/\$2,000\/month → \$1,800\/month$/);
      expect(s.pushed).toBe(2);
      expect(s.pushedAlerts).toBe(3);
      expect(await store.outboxWaiting()).toBe(0);
      await s.stop();
    });

    it('a 500 from the push service leaves every row of the group due; they go together next time, never twice', async () => {
      const dee = await renter();
      service.behave(dee.sub, { status: 500 });
      await commit([1, 2, 3].map((k) => alertOf(dee.owner, dee.searchId, home(`d${seq + 1}-${k}`))));
      let now = Date.now();
      const s = sender(() => now);
      await s.kick();
      expect(service.requests.filter((p) => p === dee.sub.path)).toHaveLength(1);
      expect(got(dee.sub)).toHaveLength(0);
      expect(await store.outboxWaiting()).toBe(3);
      // Within the backoff nothing is tried again.
      await s.kick();
      expect(service.requests.filter((p) => p === dee.sub.path)).toHaveLength(1);
      service.behave(dee.sub, { status: 201 });
      now += 1_500;
      await s.kick();
      expect(got(dee.sub)).toHaveLength(1);
      expect(got(dee.sub)[0]!.payload).toMatchObject({ count: 3, title: '3 new homes match “Brooklyn 2 bed <' + n + '>”' });
      // The same three, as the same notification: the refused push and the taken one carry one text.
      const refused = service.received.filter((r) => r.path === dee.sub.path && r.status === 500);
      expect(refused.map((r) => r.text)).toEqual([got(dee.sub)[0]!.text]);
      expect(await store.outboxWaiting()).toBe(0);
      now += 60_000;
      await s.kick();
      expect(got(dee.sub)).toHaveLength(1);
      expect(s.pushedAlerts).toBe(3);
      await s.stop();
    });

    it('a push one device took and another refused goes again as it was; homes since go in a push of their own: no device is sent a home twice', async () => {
      const eve = await renter();
      const tablet = service.subscribe({ status: 500 });
      await pushStore.subscribe(eve.owner, tablet.json, 'en', Date.now());
      await commit([1, 2].map((k) => alertOf(eve.owner, eve.searchId, home(`e${seq + 1}-${k}`))));
      let now = Date.now();
      const s = sender(() => now);
      await s.kick();
      // The phone took the two homes; the tablet refused them: both rows wait for the tablet.
      expect(got(eve.sub).map((r) => r.payload.count)).toEqual([2]);
      expect(got(tablet)).toHaveLength(0);
      expect(await store.outboxWaiting()).toBe(2);
      // A third home while they wait; then the tablet is back and the backoff is over.
      await commit([alertOf(eve.owner, eve.searchId, home(`e${seq + 1}-3`))]);
      service.behave(tablet, { status: 201 });
      now += 1_500;
      await s.kick();
      // The tablet gets the first push as it was and the third home alone; the phone only the third.
      expect(got(tablet).map((r) => r.payload.count).sort()).toEqual([1, 2]);
      expect(got(eve.sub).map((r) => r.payload.count)).toEqual([2, 1]);
      const refused = service.received.filter((r) => r.path === tablet.path && r.status === 500);
      expect(refused.map((r) => r.text)).toEqual([got(eve.sub)[0]!.text]);
      expect(got(tablet).some((r) => r.text === got(eve.sub)[0]!.text)).toBe(true);
      expect(await store.outboxWaiting()).toBe(0);
      expect(s.pushedAlerts).toBe(3);
      await s.stop();
    });

    it('a 410 drops the subscription; rows whose search no longer chooses push are skipped; favourites and a search mixed open /saved', async () => {
      const ed = await renter();
      const fay = await renter();
      service.behave(ed.sub, { status: 410 });
      const kept = home(`f${seq}-fav`);
      await store.putFavourite(fay.owner, { listingId: kept.id, savedAt: T0, priceWhenSaved: 2000, listing: kept, since: 0, channels: ['page', 'push'], frequency: 'instant' });
      await commit([
        alertOf(ed.owner, ed.searchId, home(`e${seq}-1`)),
        alertOf(ed.owner, ed.searchId, home(`e${seq}-2`)),
        alertOf(fay.owner, fay.searchId, home(`f${seq}-1`)),
        alertOf(fay.owner, FAVOURITE_SOURCE, { ...kept, price: 1900 }, { reason: 'price_drop', previousPrice: 2000 }),
      ]);
      const s = sender(Date.now);
      await s.kick();
      expect(service.requests.filter((p) => p === ed.sub.path)).toHaveLength(1);
      expect(await pushStore.subscriptionsOf(ed.owner)).toEqual([]);
      expect(got(fay.sub)).toHaveLength(1);
      expect(got(fay.sub)[0]!.payload).toMatchObject({ title: '2 updates to your searches and saved homes', url: `${BASE}/saved`, tag: pushTag(fay.owner, '*'), count: 2 });
      expect(await store.outboxWaiting()).toBe(0);
      // Fay turns push off for her search: its next row is skipped, unsent.
      const was = (await store.searchOf(fay.owner, fay.searchId))!;
      expect(await store.updateSearch(fay.owner, { ...was, channels: ['page'] })).toBe(true);
      await commit([alertOf(fay.owner, fay.searchId, home(`f${seq}-2`)), alertOf(fay.owner, FAVOURITE_SOURCE, { ...kept, price: 1800 }, { reason: 'price_drop', previousPrice: 1900 })]);
      await s.kick();
      // Only the favourite's alert goes, alone: it reads as that home.
      expect(got(fay.sub)).toHaveLength(2);
      expect(got(fay.sub)[1]!.payload).toMatchObject({ title: 'Price drop · Your favourite', url: `${BASE}/listings/${kept.id}`, tag: pushTag(fay.owner, FAVOURITE_SOURCE), count: 1 });
      expect(await store.outboxWaiting()).toBe(0);
      await s.stop();
    });
  });
}

describe('grouped payload', () => {
  const row = (k: number, title: string) => ({
    row: { id: k, alertId: k, channel: 'push' as const, owner: 'o', source: 's', digest: false, dueAt: 0, attempts: 0, mailKey: null, reason: 'new' as const, listing: home(`h${k}`, { title }), at: 0 },
    search: search('s', { name: 'N'.repeat(500) }),
  });
  it('stays well under the Web Push limit however many alerts and however long their text', () => {
    const items = Array.from({ length: 500 }, (_, k) => row(k, '長'.repeat(2_000)));
    const p = groupPushPayload(items, BASE, 'zh');
    expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThan(2_000);
    expect(p.count).toBe(500);
    expect(p.body.split('\n')).toHaveLength(4);
  });
});
