import type Database from 'better-sqlite3';
import { addMissingColumns, openSharedDatabase } from '../core/shared-database';
import { accountOf, passkeyOf as passkeyFrom, sessionOf, type AccountRow, type PasskeyRow, type SessionDbRow } from './account-rows';
import { MAX_DEVICES, type Account, type AccountStore, type ChallengeKind, type Passkey, type SessionRow } from './account-store';
import { OWNED_MOVES_SQLITE } from './owned-records';

const passkeyOf = (r: PasskeyRow & { transports: string }): Passkey => passkeyFrom(r, JSON.parse(r.transports) as string[]);

/** In alerts.db: a sign-in moves saved searches, favourites and alerts in the same transaction. */
export const PEOPLE_FILE = 'alerts.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY,
  email TEXT UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  account_id TEXT,
  created_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  device TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_account ON sessions (account_id);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS email_tokens (
  hash TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  spent_at INTEGER,
  requested_by TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passkeys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  public_key BLOB NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS passkeys_account ON passkeys (account_id);
CREATE TABLE IF NOT EXISTS webauthn_challenges (
  challenge TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  account_id TEXT,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS host_links (
  listing_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS host_links_account ON host_links (account_id, created_at);
`;

/** Accounts and sessions in the SQLite file every node on a DATA_DIR shares; each call one short transaction. */
export class SqliteAccountStore implements AccountStore {
  readonly db: Database.Database;
  private readonly s;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, PEOPLE_FILE);
    this.db.exec(SCHEMA);
    // Files made before links were bound to the browser that asked: their links are unbound.
    addMissingColumns(this.db, 'email_tokens', [['requested_by', 'TEXT']]);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      account: p('SELECT * FROM accounts WHERE id = ?'),
      accounts: p('SELECT * FROM accounts WHERE id IN (SELECT value FROM json_each(?))'),
      byEmail: p('SELECT * FROM accounts WHERE email = ?'),
      insertAccount: p('INSERT INTO accounts (id, email, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      rename: p('UPDATE accounts SET name = ? WHERE id = ?'),
      session: p('SELECT * FROM sessions WHERE id_hash = ?'),
      insertSession: p(
        'INSERT INTO sessions (id_hash, handle, owner, account_id, created_at, seen_at, expires_at, device) VALUES (@key, @handle, @owner, @accountId, @createdAt, @seenAt, @expiresAt, @device) ON CONFLICT DO NOTHING',
      ),
      touch: p('UPDATE sessions SET seen_at = ?, expires_at = ? WHERE id_hash = ?'),
      deleteSession: p('DELETE FROM sessions WHERE id_hash = ?'),
      sessionsOf: p('SELECT * FROM sessions WHERE account_id = ? ORDER BY seen_at DESC'),
      byHandle: p('SELECT id_hash FROM sessions WHERE account_id = ? AND handle = ?').pluck(),
      others: p('SELECT id_hash FROM sessions WHERE account_id = ? AND id_hash <> ?').pluck(),
      // Not among the account's newest MAX_DEVICES by last use (the one signing in is the newest).
      evict: p(
        'DELETE FROM sessions WHERE account_id = @a AND id_hash NOT IN (SELECT id_hash FROM sessions WHERE account_id = @a ORDER BY seen_at DESC, created_at DESC LIMIT @keep)',
      ),
      live: p('SELECT id_hash FROM sessions WHERE id_hash IN (SELECT value FROM json_each(?)) AND expires_at > ?').pluck(),
      putToken: p('INSERT INTO email_tokens (hash, email, expires_at, requested_by) VALUES (?, ?, ?, ?)'),
      token: p('SELECT email, requested_by FROM email_tokens WHERE hash = ? AND spent_at IS NULL AND expires_at > ?'),
      spendToken: p('UPDATE email_tokens SET spent_at = ? WHERE hash = ? AND spent_at IS NULL AND expires_at > ? RETURNING email').pluck(),
      putPasskey: p(
        'INSERT INTO passkeys (id, account_id, public_key, counter, transports, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      passkey: p('SELECT * FROM passkeys WHERE id = ?'),
      passkeysOf: p('SELECT * FROM passkeys WHERE account_id = ? ORDER BY created_at'),
      usePasskey: p('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?'),
      putChallenge: p('INSERT INTO webauthn_challenges (challenge, kind, account_id, expires_at) VALUES (?, ?, ?, ?)'),
      takeChallenge: p('DELETE FROM webauthn_challenges WHERE challenge = ? AND kind = ? AND expires_at > ? RETURNING account_id'),
      link: p('INSERT INTO host_links (listing_id, account_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      hosts: p('SELECT listing_id, account_id FROM host_links WHERE listing_id IN (SELECT value FROM json_each(?))').raw(),
      hosted: p('SELECT listing_id FROM host_links WHERE account_id = ? ORDER BY created_at DESC, listing_id').pluck(),
      sweepSessions: p('DELETE FROM sessions WHERE expires_at <= ? AND account_id IS NOT NULL'),
      expiredAnonymous: p('SELECT id_hash AS key, owner FROM sessions WHERE account_id IS NULL AND expires_at <= ? LIMIT ?'),
      sweepTokens: p('DELETE FROM email_tokens WHERE expires_at <= ?'),
      sweepChallenges: p('DELETE FROM webauthn_challenges WHERE expires_at <= ?'),
    };
  }

  async account(id: string): Promise<Account | null> {
    const r = this.s.account.get(id) as AccountRow | undefined;
    return r ? accountOf(r) : null;
  }

  async accounts(ids: string[]): Promise<Map<string, Account>> {
    if (ids.length === 0) return new Map();
    return new Map((this.s.accounts.all(JSON.stringify(ids)) as AccountRow[]).map((r) => [r.id, accountOf(r)]));
  }

  async accountByEmail(email: string): Promise<Account | null> {
    const r = this.s.byEmail.get(email) as AccountRow | undefined;
    return r ? accountOf(r) : null;
  }

  async createAccount(a: Account): Promise<Account> {
    this.s.insertAccount.run(a.id, a.email, a.name, a.createdAt);
    return (a.email !== null ? await this.accountByEmail(a.email) : await this.account(a.id))!;
  }

  async renameAccount(id: string, name: string): Promise<void> {
    this.s.rename.run(name, id);
  }

  async session(key: string): Promise<SessionRow | null> {
    const r = this.s.session.get(key) as SessionDbRow | undefined;
    return r ? sessionOf(r) : null;
  }

  async putSession(row: SessionRow): Promise<void> {
    this.s.insertSession.run(row);
  }

  async touchSession(key: string, seenAt: number, expiresAt: number): Promise<void> {
    this.s.touch.run(seenAt, expiresAt, key);
  }

  async deleteSession(key: string): Promise<boolean> {
    return this.s.deleteSession.run(key).changes === 1;
  }

  async sessionsOf(accountId: string): Promise<SessionRow[]> {
    return (this.s.sessionsOf.all(accountId) as SessionDbRow[]).map(sessionOf);
  }

  async deleteSessionByHandle(accountId: string, handle: string): Promise<string | null> {
    return this.db.transaction(() => {
      const key = this.s.byHandle.get(accountId, handle) as string | undefined;
      if (key === undefined) return null;
      this.s.deleteSession.run(key);
      return key;
    })();
  }

  async deleteOtherSessions(accountId: string, keep: string): Promise<string[]> {
    return this.db.transaction(() => {
      const keys = this.s.others.all(accountId, keep) as string[];
      for (const key of keys) this.s.deleteSession.run(key);
      return keys;
    })();
  }

  async liveSessions(keys: string[], now: number): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    return new Set(this.s.live.all(JSON.stringify(keys), now) as string[]);
  }

  private readonly moves = () => OWNED_MOVES_SQLITE.map((sql) => this.db.prepare(sql));
  private prepared: Database.Statement[] | null = null;

  async signIn(row: SessionRow, previous: { key: string | null; owner: string | null }): Promise<void> {
    // Prepared on first use: the tables they move between belong to the alert store, made at its open.
    const moves = (this.prepared ??= this.moves());
    this.db
      .transaction(() => {
        this.s.insertSession.run(row);
        if (previous.owner && previous.owner !== row.owner) for (const m of moves) m.run({ to: row.owner, from: previous.owner });
        if (previous.key && previous.key !== row.key) this.s.deleteSession.run(previous.key);
        if (row.accountId) this.s.evict.run({ a: row.accountId, keep: MAX_DEVICES });
      })
      .immediate();
  }

  async putEmailToken(hash: string, email: string, expiresAt: number, requestedBy: string | null): Promise<void> {
    this.s.putToken.run(hash, email, expiresAt, requestedBy);
  }

  async emailToken(hash: string, now: number): Promise<{ email: string; requestedBy: string | null } | null> {
    const r = this.s.token.get(hash, now) as { email: string; requested_by: string | null } | undefined;
    return r ? { email: r.email, requestedBy: r.requested_by } : null;
  }

  async spendEmailToken(hash: string, now: number): Promise<string | null> {
    return (this.s.spendToken.get(now, hash, now) as string | undefined) ?? null;
  }

  async putPasskey(p: Passkey): Promise<boolean> {
    return this.s.putPasskey.run(p.id, p.accountId, Buffer.from(p.publicKey), p.counter, JSON.stringify(p.transports), p.createdAt, p.lastUsedAt).changes === 1;
  }

  async passkey(id: string): Promise<Passkey | null> {
    const r = this.s.passkey.get(id) as (PasskeyRow & { transports: string }) | undefined;
    return r ? passkeyOf(r) : null;
  }

  async passkeysOf(accountId: string): Promise<Passkey[]> {
    return (this.s.passkeysOf.all(accountId) as (PasskeyRow & { transports: string })[]).map(passkeyOf);
  }

  async usePasskey(id: string, counter: number, at: number): Promise<void> {
    this.s.usePasskey.run(counter, at, id);
  }

  async putChallenge(challenge: string, kind: ChallengeKind, accountId: string | null, expiresAt: number): Promise<void> {
    this.s.putChallenge.run(challenge, kind, accountId, expiresAt);
  }

  async takeChallenge(challenge: string, kind: ChallengeKind, now: number): Promise<{ accountId: string | null } | undefined> {
    const r = this.s.takeChallenge.get(challenge, kind, now) as { account_id: string | null } | undefined;
    return r ? { accountId: r.account_id } : undefined;
  }

  async linkHost(listingId: string, accountId: string): Promise<void> {
    this.s.link.run(listingId, accountId, Date.now());
  }

  async hostsOf(listingIds: string[]): Promise<Map<string, string>> {
    if (listingIds.length === 0) return new Map();
    return new Map(this.s.hosts.all(JSON.stringify(listingIds)) as [string, string][]);
  }

  async listingsHostedBy(accountId: string): Promise<string[]> {
    return this.s.hosted.all(accountId) as string[];
  }

  async expiredAnonymous(now: number, limit: number): Promise<{ key: string; owner: string }[]> {
    return this.s.expiredAnonymous.all(now, limit) as { key: string; owner: string }[];
  }

  async sweep(now: number): Promise<void> {
    this.db.transaction(() => {
      this.s.sweepSessions.run(now);
      this.s.sweepTokens.run(now);
      this.s.sweepChallenges.run(now);
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
