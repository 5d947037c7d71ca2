/**
 * One contract for the people's side of the record — accounts, sessions as rows, sign-in
 * tokens, passkeys and challenges, host links, the sign-in that moves an anonymous
 * renter's records to their account — and for photos, run on SQLite (DATA_DIR) and on a
 * PostgreSQL server of our own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEVICES, type AccountStore, type SessionRow } from '../server/accounts/account-store';
import { PostgresAccountStore } from '../server/accounts/postgres-account-store';
import { SqliteAccountStore } from '../server/accounts/sqlite-account-store';
import type { AlertStore } from '../server/alerts/alert-store';
import { FAVOURITE_SOURCE } from '../server/alerts/alert-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import type { ListingRecord } from '../server/core/listing';
import type { PhotoStore } from '../server/photos/photo-store';
import { PostgresPhotoStore } from '../server/photos/postgres-photo-store';
import { SqlitePhotoStore } from '../server/photos/sqlite-photo-store';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { tempDir } from './helpers/roost';

const LISTING: ListingRecord = {
  id: 'home-1', title: 'Home', lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1,
  listedAt: Date.UTC(2026, 0, 1), updatedAt: Date.UTC(2026, 0, 1),
};
const T0 = Date.UTC(2026, 11, 1);

function row(key: string, extra: Partial<SessionRow> = {}): SessionRow {
  return { key, handle: `h-${key}`, owner: `anon-${key}`, accountId: null, createdAt: T0, seenAt: T0, expiresAt: T0 + 3_600_000, device: 'Test browser', ...extra };
}

interface Stores {
  accounts: AccountStore;
  alerts: AlertStore;
  photos: PhotoStore;
}

interface Leg {
  name: string;
  open(): Promise<Stores>;
  done(): Promise<void>;
}

const legs: Leg[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = tempDir('account-contract');
      // The alert store first, as openRecord does: it makes the tables a sign-in moves between.
      const alerts = new SqliteAlertStore(dir);
      return { alerts, accounts: new SqliteAccountStore(dir), photos: new SqlitePhotoStore(dir) };
    },
    done: async () => undefined,
  },
];
if (postgresBin()) {
  let server: PostgresServer | null = null;
  let end: (() => Promise<void>) | null = null;
  legs.push({
    name: 'PostgreSQL',
    open: async () => {
      server = await PostgresServer.start();
      const pool = await openDatabase({ url: await server.createDatabase('account_contract'), poolMax: 6 });
      end = () => pool.end();
      return { alerts: new PostgresAlertStore(pool), accounts: new PostgresAccountStore(pool), photos: new PostgresPhotoStore(pool) };
    },
    done: async () => {
      await end?.();
      await server?.stop();
    },
  });
} else {
  console.log('account store contract, PostgreSQL leg skipped: no server binaries under /usr/lib/postgresql');
}

for (const leg of legs) {
  describe(`account store contract: ${leg.name}`, () => {
    let s: Stores;
    beforeAll(async () => {
      s = await leg.open();
    }, 60_000);
    afterAll(async () => {
      await s?.accounts.close();
      await s?.alerts.close();
      await s?.photos.close();
      await leg.done();
    });

    it('accounts: one per email, the first made wins a race, renamed, read by ids', async () => {
      const a = await s.accounts.createAccount({ id: 'acc-a', email: 'ann@example.com', name: 'ann', createdAt: T0 });
      expect(a).toEqual({ id: 'acc-a', email: 'ann@example.com', name: 'ann', createdAt: T0 });
      // A second link for the same address spent at once: the account that exists comes back.
      expect((await s.accounts.createAccount({ id: 'acc-a2', email: 'ann@example.com', name: 'other', createdAt: T0 + 1 })).id).toBe('acc-a');
      expect(await s.accounts.account('acc-a2')).toBeNull();
      const passkeyOnly = await s.accounts.createAccount({ id: 'acc-p', email: null, name: 'Pat', createdAt: T0 });
      expect(passkeyOnly.email).toBeNull();
      await s.accounts.renameAccount('acc-a', 'Ann Lee');
      expect((await s.accounts.accountByEmail('ann@example.com'))!.name).toBe('Ann Lee');
      expect([...(await s.accounts.accounts(['acc-a', 'acc-p', 'nobody'])).keys()].sort()).toEqual(['acc-a', 'acc-p']);
    });

    it('sessions are rows: read, touched, listed per account, signed out by handle (own only), the others signed out, expired ones not live', async () => {
      await s.accounts.putSession(row('k1', { owner: 'acc-a', accountId: 'acc-a' }));
      await s.accounts.putSession(row('k2', { owner: 'acc-a', accountId: 'acc-a', seenAt: T0 + 10 }));
      await s.accounts.putSession(row('k3', { owner: 'acc-a', accountId: 'acc-a', expiresAt: T0 - 1 }));
      await s.accounts.putSession(row('k4', { owner: 'acc-p', accountId: 'acc-p' }));
      // Writing an existing row again changes nothing (a second store of an anonymous session).
      await s.accounts.putSession(row('k1', { owner: 'someone-else' }));
      expect((await s.accounts.session('k1'))!.owner).toBe('acc-a');
      await s.accounts.touchSession('k1', T0 + 20, T0 + 99_999_999);
      expect(await s.accounts.session('k1')).toMatchObject({ seenAt: T0 + 20, expiresAt: T0 + 99_999_999 });
      expect((await s.accounts.sessionsOf('acc-a')).map((r) => r.key)).toEqual(['k1', 'k2', 'k3']);
      expect(await s.accounts.liveSessions(['k1', 'k2', 'k3', 'k4', 'nope'], T0)).toEqual(new Set(['k1', 'k2', 'k4']));
      // Another account's device cannot be signed out by its handle.
      expect(await s.accounts.deleteSessionByHandle('acc-a', 'h-k4')).toBeNull();
      expect(await s.accounts.deleteSessionByHandle('acc-a', 'h-k2')).toBe('k2');
      expect((await s.accounts.deleteOtherSessions('acc-a', 'k1')).sort()).toEqual(['k3']);
      expect((await s.accounts.sessionsOf('acc-a')).map((r) => r.key)).toEqual(['k1']);
      expect(await s.accounts.session('k4')).not.toBeNull();
      expect(await s.accounts.deleteSession('k4')).toBe(true);
      expect(await s.accounts.deleteSession('k4')).toBe(false);
      await s.accounts.putSession(row('old', { owner: 'acc-p', accountId: 'acc-p', expiresAt: T0 }));
      await s.accounts.sweep(T0 + 1);
      expect(await s.accounts.session('old')).toBeNull();
      expect(await s.accounts.session('k1')).not.toBeNull();
    });

    it("signing in moves the anonymous renter's searches, favourites and alerts to the account, keeps one alert per change, and drops the old row", async () => {
      const anon = 'anon-merge';
      await s.accounts.putSession(row('anon-key', { owner: anon }));
      await s.alerts.createSearch(anon, { id: 's-anon', name: 'Mine', area: { bbox: [-74, 40, -73, 41] }, filters: {}, notify: ['new'], paused: false, createdAt: T0, since: 0, channels: ['page'], frequency: 'instant' });
      await s.alerts.putFavourite(anon, { listingId: 'home-1', savedAt: T0, priceWhenSaved: 2000, listing: LISTING, since: 0, channels: ['page'], frequency: 'instant' });
      await s.alerts.putFavourite('acc-a', { listingId: 'home-1', savedAt: T0 - 5, priceWhenSaved: 2100, listing: LISTING, since: 0, channels: ['page'], frequency: 'instant' });
      await s.alerts.putFavourite(anon, { listingId: 'home-2', savedAt: T0, priceWhenSaved: 900, listing: { ...LISTING, id: 'home-2', price: 900 }, since: 0, channels: ['page'], frequency: 'instant' });
      // Change 70 alerted both the anonymous renter and the account: the account keeps its own.
      const m = await s.alerts.matcherCursor();
      await s.alerts.initCursor(m);
      expect(await s.alerts.claim('node', 60_000, async () => 0)).toBe(true);
      const cursor = await s.alerts.matcherCursor();
      const ids = await s.alerts.commitBatch('node', cursor, cursor + 100, 60_000, [
        { seq: cursor + 70, session: anon, searchId: 's-anon', reason: 'new', listing: LISTING },
        { seq: cursor + 70, session: 'acc-a', searchId: FAVOURITE_SOURCE, reason: 'new', listing: LISTING },
        { seq: cursor + 71, session: anon, searchId: 's-anon', reason: 'new', listing: LISTING },
      ]);
      expect(ids).toHaveLength(3);
      await s.accounts.signIn(row('signed-key', { owner: 'acc-a', accountId: 'acc-a' }), { key: 'anon-key', owner: anon });
      expect(await s.accounts.session('anon-key')).toBeNull();
      expect((await s.accounts.session('signed-key'))!.accountId).toBe('acc-a');
      expect((await s.alerts.searchesOf('acc-a')).map((x) => x.id)).toEqual(['s-anon']);
      expect(await s.alerts.searchesOf(anon)).toEqual([]);
      const favs = await s.alerts.favouritesOf('acc-a');
      expect(favs.map((f) => [f.listingId, f.priceWhenSaved])).toEqual([['home-2', 900], ['home-1', 2100]]);
      expect(await s.alerts.favouritesOf(anon)).toEqual([]);
      const alerts = await s.alerts.alertsOf('acc-a', 0, 100);
      expect(alerts.map((a) => [a.id, a.searchId])).toEqual([[ids![1], FAVOURITE_SOURCE], [ids![2], 's-anon']]);
      expect(await s.alerts.alertsOf(anon, 0, 100)).toEqual([]);
      await s.alerts.release('node');
    });

    it('a sign-in past MAX_DEVICES signs out the least recently used devices of that account, no one else', async () => {
      for (let i = 0; i < MAX_DEVICES; i++) await s.accounts.putSession(row(`dev-${i}`, { owner: 'acc-many', accountId: 'acc-many', seenAt: T0 + i }));
      await s.accounts.putSession(row('other-account', { owner: 'acc-other', accountId: 'acc-other', seenAt: T0 - 1 }));
      await s.accounts.signIn(row('dev-new', { owner: 'acc-many', accountId: 'acc-many', seenAt: T0 + 1000 }), { key: null, owner: null });
      const kept = (await s.accounts.sessionsOf('acc-many')).map((x) => x.key);
      expect(kept).toHaveLength(MAX_DEVICES);
      expect(kept[0]).toBe('dev-new');
      expect(kept).not.toContain('dev-0');
      expect(kept).toContain('dev-1');
      expect(await s.accounts.session('other-account')).not.toBeNull();
    });

    it("an anonymous session past its time is listed (signed-in ones are swept), and its owner's records are forgotten in one go", async () => {
      const now = Date.UTC(2027, 0, 1);
      await s.accounts.putSession(row('anon-old', { owner: 'anon-owner-old', expiresAt: now - 1 }));
      await s.accounts.putSession(row('anon-new', { owner: 'anon-owner-new', expiresAt: now + 1 }));
      await s.accounts.putSession(row('signed-old', { owner: 'acc-p', accountId: 'acc-p', expiresAt: now - 1 }));
      const listed = await s.accounts.expiredAnonymous(now, 100);
      expect(listed.filter((x) => x.key.startsWith('anon-'))).toEqual([{ key: 'anon-old', owner: 'anon-owner-old' }]);
      expect(listed.some((x) => x.key === 'signed-old')).toBe(false);
      await s.accounts.sweep(now);
      // The signed-in row went; the anonymous one waits for its records to be forgotten.
      expect(await s.accounts.session('signed-old')).toBeNull();
      expect(await s.accounts.session('anon-old')).not.toBeNull();
      await s.alerts.createSearch('anon-owner-old', { id: 's-old', name: 'Old', area: { bbox: [-74, 40, -73, 41] }, filters: {}, notify: ['new'], paused: false, createdAt: T0, since: 0, channels: ['page'], frequency: 'instant' });
      await s.alerts.putFavourite('anon-owner-old', { listingId: 'home-1', savedAt: T0, priceWhenSaved: 2000, listing: LISTING, since: 0, channels: ['page'], frequency: 'instant' });
      expect(await s.alerts.forgetOwner('anon-owner-old')).toEqual(['s-old']);
      expect(await s.alerts.searchesOf('anon-owner-old')).toEqual([]);
      expect(await s.alerts.favouritesOf('anon-owner-old')).toEqual([]);
      expect(await s.alerts.forgetOwner('anon-owner-old')).toEqual([]);
      await s.accounts.deleteSession('anon-old');
      await s.accounts.deleteSession('anon-new');
    });

    it('a sign-in link spends once, and not after its time', async () => {
      await s.accounts.putEmailToken('t-ok', 'ann@example.com', T0 + 1000, 'browser-key');
      await s.accounts.putEmailToken('t-old', 'ann@example.com', T0 + 1000, null);
      expect(await s.accounts.emailToken('t-ok', T0)).toEqual({ email: 'ann@example.com', requestedBy: 'browser-key' });
      expect(await s.accounts.emailToken('t-old', T0)).toEqual({ email: 'ann@example.com', requestedBy: null });
      expect(await s.accounts.emailToken('t-old', T0 + 1000)).toBeNull();
      expect(await s.accounts.spendEmailToken('t-ok', T0)).toBe('ann@example.com');
      expect(await s.accounts.emailToken('t-ok', T0)).toBeNull();
      expect(await s.accounts.spendEmailToken('t-ok', T0)).toBeNull();
      expect(await s.accounts.spendEmailToken('t-old', T0 + 1000)).toBeNull();
      expect(await s.accounts.spendEmailToken('t-unknown', T0)).toBeNull();
    });

    it('passkeys and their challenges: a challenge is taken once, by its kind, before it expires', async () => {
      const key = new Uint8Array([1, 2, 3, 250]);
      expect(await s.accounts.putPasskey({ id: 'cred-1', accountId: 'acc-a', publicKey: key, counter: 0, transports: ['internal'], createdAt: T0, lastUsedAt: null })).toBe(true);
      // A credential id is kept once: another claim on it (any account) is refused, not an error.
      expect(await s.accounts.putPasskey({ id: 'cred-1', accountId: 'acc-b', publicKey: new Uint8Array([9]), counter: 0, transports: [], createdAt: T0, lastUsedAt: null })).toBe(false);
      expect(await s.accounts.passkey('cred-1')).toEqual({ id: 'cred-1', accountId: 'acc-a', publicKey: key, counter: 0, transports: ['internal'], createdAt: T0, lastUsedAt: null });
      await s.accounts.usePasskey('cred-1', 7, T0 + 5);
      expect(await s.accounts.passkeysOf('acc-a')).toMatchObject([{ id: 'cred-1', counter: 7, lastUsedAt: T0 + 5 }]);
      const now = Date.now();
      await s.accounts.putChallenge('ch-1', 'login', null, now + 60_000);
      await s.accounts.putChallenge('ch-2', 'register', 'acc-a', now + 60_000);
      await s.accounts.putChallenge('ch-3', 'login', null, now - 1);
      expect(await s.accounts.takeChallenge('ch-1', 'register', now)).toBeUndefined();
      expect(await s.accounts.takeChallenge('ch-1', 'login', now)).toEqual({ accountId: null });
      expect(await s.accounts.takeChallenge('ch-1', 'login', now)).toBeUndefined();
      expect(await s.accounts.takeChallenge('ch-2', 'register', now)).toEqual({ accountId: 'acc-a' });
      expect(await s.accounts.takeChallenge('ch-3', 'login', now)).toBeUndefined();
    });

    it('host links: set once (a second claim does not take a listing over), read both ways', async () => {
      await s.accounts.linkHost('h-1', 'acc-a');
      await s.accounts.linkHost('h-2', 'acc-a');
      await s.accounts.linkHost('h-1', 'acc-p');
      expect(await s.accounts.hostsOf(['h-1', 'h-2', 'h-none'])).toEqual(new Map([['h-1', 'acc-a'], ['h-2', 'acc-a']]));
      expect((await s.accounts.listingsHostedBy('acc-a')).sort()).toEqual(['h-1', 'h-2']);
      expect(await s.accounts.listingsHostedBy('acc-p')).toEqual([]);
    });

    it('favourites: kept once per owner, counted, found by listing for the matcher, removed', async () => {
      expect(await s.alerts.putFavourite('fan', { listingId: 'f-1', savedAt: T0, priceWhenSaved: 10, listing: { ...LISTING, id: 'f-1' }, since: 3, channels: ['page'], frequency: 'instant' })).toBe(true);
      expect(await s.alerts.putFavourite('fan', { listingId: 'f-1', savedAt: T0 + 1, priceWhenSaved: 11, listing: { ...LISTING, id: 'f-1' }, since: 4, channels: ['page'], frequency: 'instant' })).toBe(false);
      await s.alerts.putFavourite('fan2', { listingId: 'f-1', savedAt: T0, priceWhenSaved: 10, listing: { ...LISTING, id: 'f-1' }, since: 9, channels: ['page'], frequency: 'instant' });
      expect(await s.alerts.favouriteCount('fan')).toBe(1);
      expect((await s.alerts.favouritesOn(['f-1', 'f-none'])).sort((a, b) => a.owner.localeCompare(b.owner))).toEqual([
        { owner: 'fan', listingId: 'f-1', since: 3, channels: ['page'], frequency: 'instant' },
        { owner: 'fan2', listingId: 'f-1', since: 9, channels: ['page'], frequency: 'instant' },
      ]);
      expect(await s.alerts.removeFavourite('fan', 'f-1')).toBe(true);
      expect(await s.alerts.removeFavourite('fan', 'f-1')).toBe(false);
      expect(await s.alerts.favouritesOf('fan')).toEqual([]);
    });

    it('photos: every size stored together, read back byte for byte', async () => {
      const hash = 'a'.repeat(64);
      expect(await s.photos.has(hash)).toBe(false);
      const bytes = Buffer.from([0, 1, 2, 255, 254]);
      await s.photos.put(hash, [
        { width: 400, height: 300, bytes },
        { width: 800, height: 600, bytes: Buffer.concat([bytes, bytes]) },
      ]);
      // Stored again (the same upload twice): nothing changes.
      await s.photos.put(hash, [{ width: 400, height: 1, bytes: Buffer.from([9]) }]);
      expect(await s.photos.has(hash)).toBe(true);
      const got = await s.photos.get(hash, 400);
      expect(got && { ...got, bytes: Buffer.from(got.bytes) }).toEqual({ width: 400, height: 300, bytes });
      expect((await s.photos.get(hash, 800))!.bytes.length).toBe(10);
      expect(await s.photos.get(hash, 1600)).toBeNull();
    });
  });
}
