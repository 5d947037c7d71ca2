import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountStore, SessionRow } from '../accounts/account-store';
import { ApiError, withinBudget } from '../http/api-error';
import { requireOwnOrigin } from '../http/site-origin';
import type { SessionCookies } from './session-cookie';

const DAY_MS = 24 * 3600 * 1000;
/** A signed-in browser stays signed in this long after it was last used. */
export const SIGNED_IN_TTL_MS = 90 * DAY_MS;
/**
 * An anonymous renter's cookie, and what they kept, last this long from their last visit;
 * then the session and its saved searches, favourites and alerts are forgotten
 * (accounts/abandoned-sessions.ts). Signing in keeps them for good.
 */
export const ANONYMOUS_TTL_MS = 180 * DAY_MS;
/** Last-seen is written at most this often per session: a request is a read, not a write. */
const TOUCH_EVERY_MS = DAY_MS;
const DEVICE_LENGTH = 120;

/** Who is asking: the session the cookie names, and whose records it reads and writes. */
export interface Visitor {
  /** The cookie's session id (a credential: never logged, never sent anywhere). */
  id: string;
  /** The session row's key (SHA-256 of the id), which names it to sockets and the store. */
  key: string;
  /** The owner key of everything this visitor keeps: their account, or the anonymous owner. */
  owner: string;
  accountId: string | null;
  /** The session's row; null for an anonymous visitor who has stored nothing yet. */
  row: SessionRow | null;
}

export interface VisitorOptions {
  cookies: SessionCookies;
  store: AccountStore;
  publicUrl: string | undefined;
  /** Proxies in front whose forwarding headers are believed (TRUST_PROXY). */
  trustProxy: number;
  /** Spends one of the client's new-session budget (RATE_SESSIONS_PER_HOUR); false when spent. */
  newSession(req: IncomingMessage): Promise<{ ok: true } | { ok: false; retryAfterS: number }>;
}

/** The device line of the signed-in devices list: the browser's own words, cut short, no control characters. */
function deviceOf(req: IncomingMessage): string {
  return (req.headers['user-agent'] ?? 'unknown browser').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, DEVICE_LENGTH);
}

/**
 * Resolves requests to visitors, once per request: the signed cookie, then the session row
 * it names (signed in: the account; expired or signed out: an anonymous visitor again,
 * owning nothing of the account's). Starts anonymous sessions when something is first
 * kept, signs browsers in (a new id, the anonymous records moved to the account in one
 * transaction) and out.
 */
export class Visitors {
  private readonly seen = new WeakMap<IncomingMessage, Visitor | null>();

  constructor(private readonly o: VisitorOptions) {}

  /** The request's visitor; null without a session cookie; 'tampered' for one that fails its signature. */
  async read(req: IncomingMessage): Promise<Visitor | null | 'tampered'> {
    if (this.seen.has(req)) return this.seen.get(req)!;
    const c = this.o.cookies.read(req);
    if (c === 'tampered') return 'tampered';
    const visitor = c ? await this.resolve(c.id) : null;
    this.seen.set(req, visitor);
    return visitor;
  }

  private async resolve(id: string): Promise<Visitor> {
    const key = this.o.cookies.keyOf(id);
    const row = await this.o.store.session(key);
    const now = Date.now();
    if (row && row.expiresAt > now) {
      if (now - row.seenAt > TOUCH_EVERY_MS) {
        const ttl = row.accountId ? SIGNED_IN_TTL_MS : ANONYMOUS_TTL_MS;
        row.seenAt = now;
        row.expiresAt = now + ttl;
        await this.o.store.touchSession(key, now, row.expiresAt);
      }
      return { id, key, owner: row.owner, accountId: row.accountId, row };
    }
    // A sign-in past its time is over: its row goes now, so that what this browser keeps next
    // starts an anonymous row of its own (ensureStored) that ends in time, instead of
    // meeting the account's old row and being kept under no row at all once it is swept.
    // An anonymous row past its time stays for forgetAbandoned, which forgets its records.
    if (row?.accountId) await this.o.store.deleteSession(key);
    // No row (an anonymous visitor who kept nothing yet), or one past its time: whoever
    // holds this cookie is anonymous, and owns only what this id's own anonymous key owns.
    return { id, key, owner: this.o.cookies.anonymousOwner(id), accountId: null, row: null };
  }

  /** The visitor, or null — a tampered cookie counts as none (pages, sockets, reads). */
  async current(req: IncomingMessage): Promise<Visitor | null> {
    const v = await this.read(req);
    return v === 'tampered' ? null : v;
  }

  /**
   * Sends the cookie again, to last as long as the session row does: the row's expiry slides
   * with use (resolve), and a cookie set once at sign-in would end a browser used every day
   * 90 days after it signed in. The page asks /api/me on every load, which calls this.
   */
  async refreshCookie(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const v = await this.current(req);
    if (v?.row) this.o.cookies.issue(req, res, v.id, (v.row.expiresAt - Date.now()) / 1000);
  }

  /** A signed-in visitor, or 401. */
  async signedIn(req: IncomingMessage): Promise<Visitor & { accountId: string }> {
    const v = await this.current(req);
    if (!v?.accountId) throw new ApiError('unauthorized', 'sign in first');
    return v as Visitor & { accountId: string };
  }

  /** A write the cookie authenticates: only from the site's own pages (403 otherwise). */
  checkOrigin(req: IncomingMessage): void {
    requireOwnOrigin(req, this.o.publicUrl, this.o.trustProxy);
  }

  /**
   * The visitor, with a session cookie issued when the request had none (no store write):
   * what reading one's own (empty) lists needs. A tampered cookie is refused, never replaced here.
   */
  async ensure(req: IncomingMessage, res: ServerResponse): Promise<Visitor> {
    const v = await this.read(req);
    if (v === 'tampered') throw new ApiError('unauthorized', 'the session cookie is not valid');
    if (v) return v;
    const id = this.o.cookies.newId();
    this.o.cookies.issue(req, res, id, ANONYMOUS_TTL_MS / 1000);
    const fresh = await this.resolve(id);
    this.seen.set(req, fresh);
    return fresh;
  }

  /**
   * This browser's session key, with a cookie issued when it has none (or a tampered one;
   * no store write): names the browser that asks for a sign-in link.
   */
  browserKey(req: IncomingMessage, res: ServerResponse): string {
    return this.o.cookies.keyOf(this.o.cookies.ensure(req, res, ANONYMOUS_TTL_MS / 1000));
  }

  /**
   * The visitor about to keep something: an anonymous session gets its row now (so it can
   * expire, be pruned, and move at sign-in), within the client's new-session budget.
   */
  async ensureStored(req: IncomingMessage, res: ServerResponse): Promise<Visitor> {
    const v = await this.ensure(req, res);
    if (v.row) return v;
    withinBudget(await this.o.newSession(req), res, 'new sessions from this address');
    const now = Date.now();
    const row: SessionRow = {
      key: v.key,
      handle: crypto.randomBytes(12).toString('base64url'),
      owner: v.owner,
      accountId: null,
      createdAt: now,
      seenAt: now,
      expiresAt: now + ANONYMOUS_TTL_MS,
      device: deviceOf(req),
    };
    await this.o.store.putSession(row);
    v.row = (await this.o.store.session(v.key)) ?? row;
    return v;
  }

  /**
   * Signs this browser in to the account: a new session id (the old one, known to whatever
   * saw it, signs no one in), the anonymous session's records moved to the account.
   */
  async signIn(req: IncomingMessage, res: ServerResponse, accountId: string): Promise<Visitor> {
    const before = await this.current(req);
    const id = this.o.cookies.newId();
    const key = this.o.cookies.keyOf(id);
    const now = Date.now();
    const row: SessionRow = {
      key,
      handle: crypto.randomBytes(12).toString('base64url'),
      owner: accountId,
      accountId,
      createdAt: now,
      seenAt: now,
      expiresAt: now + SIGNED_IN_TTL_MS,
      device: deviceOf(req),
    };
    // A visitor already signed in to another account keeps that account's records where they are.
    await this.o.store.signIn(row, { key: before?.key ?? null, owner: before && !before.accountId ? before.owner : null });
    this.o.cookies.issue(req, res, id, SIGNED_IN_TTL_MS / 1000);
    const visitor: Visitor = { id, key, owner: accountId, accountId, row };
    this.seen.set(req, visitor);
    return visitor;
  }

  /** Ends this browser's session; the key it had (its sockets are closed on every node). */
  async signOut(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
    const v = await this.current(req);
    this.o.cookies.clear(req, res);
    this.seen.set(req, null);
    if (!v) return null;
    await this.o.store.deleteSession(v.key);
    return v.key;
  }
}
