/**
 * People's side of the record: accounts, the sessions that sign browsers in, sign-in
 * tokens, passkeys and their challenges, and which account hosts which listing. SQLite
 * (alerts.db in DATA_DIR, beside the saved searches and alerts a sign-in moves) on one
 * machine, PostgreSQL across hosts; one contract suite (test/account-store-contract.test.ts)
 * runs on both.
 *
 * Owners: saved searches, favourites and alerts belong to an owner key — an account's id
 * once its renter signs in, else the anonymous session's own key. Signing in moves the
 * anonymous owner's records to the account (owned-records.ts), in the same transaction
 * that writes the new session, so nothing is kept twice or lost in between.
 */

export interface Account {
  /** `acc-…`: random, never reused. */
  id: string;
  /** Verified by the sign-in link that created the account; null for a passkey-only account. */
  email: string | null;
  name: string;
  createdAt: number;
}

/** A session row: what a signed cookie's id names (CONTRACT.md "Accounts"). */
export interface SessionRow {
  /** SHA-256 of the cookie's id, hex: the store never holds what would sign a browser in. */
  key: string;
  /** A public name for the row, to sign that device out; not a credential. */
  handle: string;
  /** Whose records this session reads and writes: the account, or the anonymous owner. */
  owner: string;
  accountId: string | null;
  createdAt: number;
  seenAt: number;
  expiresAt: number;
  /** The browser's own name for itself, cut short, for the list of signed-in devices. */
  device: string;
}

export interface Passkey {
  /** The credential id, base64url. */
  id: string;
  accountId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

export type ChallengeKind = 'register' | 'login';

/**
 * Signed-in devices one account keeps: a sign-in past this signs out the least recently
 * used. Each sign-in is a row, and a scripted passkey can sign in as fast as the write
 * limit allows; without a bound one account's rows (and its devices list) grow without end.
 */
export const MAX_DEVICES = 50;

export interface AccountStore {
  account(id: string): Promise<Account | null>;
  accounts(ids: string[]): Promise<Map<string, Account>>;
  accountByEmail(email: string): Promise<Account | null>;
  /** Creates the account; when another with its email exists (two links spent at once), that one. */
  createAccount(a: Account): Promise<Account>;
  renameAccount(id: string, name: string): Promise<void>;

  session(key: string): Promise<SessionRow | null>;
  /** An anonymous session's row, written the first time it stores something; an existing row is kept. */
  putSession(row: SessionRow): Promise<void>;
  touchSession(key: string, seenAt: number, expiresAt: number): Promise<void>;
  deleteSession(key: string): Promise<boolean>;
  sessionsOf(accountId: string): Promise<SessionRow[]>;
  /** Signs one of the account's devices out by its handle; the row's key, or null if it was not the account's. */
  deleteSessionByHandle(accountId: string, handle: string): Promise<string | null>;
  /** Signs every other device of the account out; their keys. */
  deleteOtherSessions(accountId: string, keep: string): Promise<string[]>;
  /** Which of these session keys still name a live row (sockets of the others are closed). */
  liveSessions(keys: string[], now: number): Promise<Set<string>>;
  /**
   * A browser signs in: its new session row is written, the records of the owner it had
   * (an anonymous session's) move to the account, its previous row goes, and the account's
   * least recently used devices past MAX_DEVICES are signed out — one transaction.
   */
  signIn(row: SessionRow, previous: { key: string | null; owner: string | null }): Promise<void>;

  /**
   * A sign-in link's token, stored hashed, with the session key of the browser that asked
   * for it (null: unknown, as for links issued before this was kept).
   */
  putEmailToken(hash: string, email: string, expiresAt: number, requestedBy: string | null): Promise<void>;
  /** An unspent, unexpired token, unspent still: its email and the browser that asked for it; else null. */
  emailToken(hash: string, now: number): Promise<{ email: string; requestedBy: string | null } | null>;
  /** Spends a token once: its email if it was unspent and unexpired, else null. */
  spendEmailToken(hash: string, now: number): Promise<string | null>;

  /** Keeps a new passkey; false when its credential id is registered already (to this account or another). */
  putPasskey(p: Passkey): Promise<boolean>;
  passkey(id: string): Promise<Passkey | null>;
  passkeysOf(accountId: string): Promise<Passkey[]>;
  usePasskey(id: string, counter: number, at: number): Promise<void>;
  /** A WebAuthn challenge issued, keyed by its own value (it comes back inside the browser's answer). */
  putChallenge(challenge: string, kind: ChallengeKind, accountId: string | null, expiresAt: number): Promise<void>;
  /** Takes a challenge once: who it was issued for, or undefined if unknown, spent or expired. */
  takeChallenge(challenge: string, kind: ChallengeKind, now: number): Promise<{ accountId: string | null } | undefined>;

  /** The account hosts the listing (set once, when the account lists it). */
  linkHost(listingId: string, accountId: string): Promise<void>;
  hostsOf(listingIds: string[]): Promise<Map<string, string>>;
  listingsHostedBy(accountId: string): Promise<string[]>;

  /** Rows past their time (signed-in sessions, tokens, challenges), cleared now and then; anonymous sessions wait for their records to go first. */
  sweep(now: number): Promise<void>;
  /** Anonymous sessions past their time, whose records (searches, favourites, alerts) are to be forgotten before the row goes. */
  expiredAnonymous(now: number, limit: number): Promise<{ key: string; owner: string }[]>;
  close(): Promise<void>;
}
