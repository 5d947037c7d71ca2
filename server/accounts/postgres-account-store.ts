import type pg from 'pg';
import { inTransaction, query } from '../store/postgres/database';
import { accountOf, passkeyOf as passkeyFrom, sessionOf, type AccountRow, type PasskeyRow, type SessionDbRow } from './account-rows';
import { MAX_DEVICES, type Account, type AccountStore, type ChallengeKind, type Passkey, type SessionRow } from './account-store';
import { OWNED_MOVES_POSTGRES } from './owned-records';

const passkeyOf = (r: PasskeyRow & { transports: string[] }): Passkey => passkeyFrom(r, r.transports);

const SESSION_INSERT =
  'INSERT INTO sessions (id_hash, handle, owner, account_id, created_at, seen_at, expires_at, device) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING';
const sessionValues = (r: SessionRow) => [r.key, r.handle, r.owner, r.accountId, r.createdAt, r.seenAt, r.expiresAt, r.device];

/** Accounts and sessions in PostgreSQL, so a renter signed in through one host is signed in on all. Shares the record's pool. */
export class PostgresAccountStore implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  private q<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return query<R>(this.pool, text, values);
  }

  async account(id: string): Promise<Account | null> {
    const r = (await this.q<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id])).rows[0];
    return r ? accountOf(r) : null;
  }

  async accounts(ids: string[]): Promise<Map<string, Account>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.q<AccountRow>('SELECT * FROM accounts WHERE id = ANY($1::text[])', [ids])).rows;
    return new Map(rows.map((r) => [r.id, accountOf(r)]));
  }

  async accountByEmail(email: string): Promise<Account | null> {
    const r = (await this.q<AccountRow>('SELECT * FROM accounts WHERE email = $1', [email])).rows[0];
    return r ? accountOf(r) : null;
  }

  async createAccount(a: Account): Promise<Account> {
    await this.q('INSERT INTO accounts (id, email, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [a.id, a.email, a.name, a.createdAt]);
    return (a.email !== null ? await this.accountByEmail(a.email) : await this.account(a.id))!;
  }

  async renameAccount(id: string, name: string): Promise<void> {
    await this.q('UPDATE accounts SET name = $1 WHERE id = $2', [name, id]);
  }

  async session(key: string): Promise<SessionRow | null> {
    const r = (await this.q<SessionDbRow>('SELECT * FROM sessions WHERE id_hash = $1', [key])).rows[0];
    return r ? sessionOf(r) : null;
  }

  async putSession(row: SessionRow): Promise<void> {
    await this.q(SESSION_INSERT, sessionValues(row));
  }

  async touchSession(key: string, seenAt: number, expiresAt: number): Promise<void> {
    await this.q('UPDATE sessions SET seen_at = $1, expires_at = $2 WHERE id_hash = $3', [seenAt, expiresAt, key]);
  }

  async deleteSession(key: string): Promise<boolean> {
    return (await this.q('DELETE FROM sessions WHERE id_hash = $1', [key])).rowCount === 1;
  }

  async sessionsOf(accountId: string): Promise<SessionRow[]> {
    return (await this.q<SessionDbRow>('SELECT * FROM sessions WHERE account_id = $1 ORDER BY seen_at DESC', [accountId])).rows.map(sessionOf);
  }

  async deleteSessionByHandle(accountId: string, handle: string): Promise<string | null> {
    const r = await this.q<{ id_hash: string }>('DELETE FROM sessions WHERE account_id = $1 AND handle = $2 RETURNING id_hash', [accountId, handle]);
    return r.rows[0]?.id_hash ?? null;
  }

  async deleteOtherSessions(accountId: string, keep: string): Promise<string[]> {
    const r = await this.q<{ id_hash: string }>('DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2 RETURNING id_hash', [accountId, keep]);
    return r.rows.map((x) => x.id_hash);
  }

  async liveSessions(keys: string[], now: number): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const r = await this.q<{ id_hash: string }>('SELECT id_hash FROM sessions WHERE id_hash = ANY($1::text[]) AND expires_at > $2', [keys, now]);
    return new Set(r.rows.map((x) => x.id_hash));
  }

  async signIn(row: SessionRow, previous: { key: string | null; owner: string | null }): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query(SESSION_INSERT, sessionValues(row));
      if (previous.owner && previous.owner !== row.owner) {
        const bind = { to: row.owner, from: previous.owner };
        for (const m of OWNED_MOVES_POSTGRES) await c.query(m.text, m.names.map((n) => bind[n]));
      }
      if (previous.key && previous.key !== row.key) await c.query('DELETE FROM sessions WHERE id_hash = $1', [previous.key]);
      if (row.accountId) {
        await c.query('DELETE FROM sessions WHERE account_id = $1 AND id_hash NOT IN (SELECT id_hash FROM sessions WHERE account_id = $1 ORDER BY seen_at DESC, created_at DESC LIMIT $2)', [row.accountId, MAX_DEVICES]);
      }
    });
  }

  async putEmailToken(hash: string, email: string, expiresAt: number, requestedBy: string | null): Promise<void> {
    await this.q('INSERT INTO email_tokens (hash, email, expires_at, requested_by) VALUES ($1, $2, $3, $4)', [hash, email, expiresAt, requestedBy]);
  }

  async emailToken(hash: string, now: number): Promise<{ email: string; requestedBy: string | null } | null> {
    const r = (await this.q<{ email: string; requested_by: string | null }>('SELECT email, requested_by FROM email_tokens WHERE hash = $1 AND spent_at IS NULL AND expires_at > $2', [hash, now])).rows[0];
    return r ? { email: r.email, requestedBy: r.requested_by } : null;
  }

  async spendEmailToken(hash: string, now: number): Promise<string | null> {
    const r = await this.q<{ email: string }>('UPDATE email_tokens SET spent_at = $1 WHERE hash = $2 AND spent_at IS NULL AND expires_at > $1 RETURNING email', [now, hash]);
    return r.rows[0]?.email ?? null;
  }

  async putPasskey(p: Passkey): Promise<boolean> {
    const r = await this.q('INSERT INTO passkeys (id, account_id, public_key, counter, transports, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING', [
      p.id,
      p.accountId,
      Buffer.from(p.publicKey),
      p.counter,
      JSON.stringify(p.transports),
      p.createdAt,
      p.lastUsedAt,
    ]);
    return r.rowCount === 1;
  }

  async passkey(id: string): Promise<Passkey | null> {
    const r = (await this.q<PasskeyRow & { transports: string[] }>('SELECT * FROM passkeys WHERE id = $1', [id])).rows[0];
    return r ? passkeyOf(r) : null;
  }

  async passkeysOf(accountId: string): Promise<Passkey[]> {
    return (await this.q<PasskeyRow & { transports: string[] }>('SELECT * FROM passkeys WHERE account_id = $1 ORDER BY created_at', [accountId])).rows.map(passkeyOf);
  }

  async usePasskey(id: string, counter: number, at: number): Promise<void> {
    await this.q('UPDATE passkeys SET counter = $1, last_used_at = $2 WHERE id = $3', [counter, at, id]);
  }

  async putChallenge(challenge: string, kind: ChallengeKind, accountId: string | null, expiresAt: number): Promise<void> {
    await this.q('INSERT INTO webauthn_challenges (challenge, kind, account_id, expires_at) VALUES ($1, $2, $3, $4)', [challenge, kind, accountId, expiresAt]);
  }

  async takeChallenge(challenge: string, kind: ChallengeKind, now: number): Promise<{ accountId: string | null } | undefined> {
    const r = await this.q<{ account_id: string | null }>('DELETE FROM webauthn_challenges WHERE challenge = $1 AND kind = $2 AND expires_at > $3 RETURNING account_id', [
      challenge,
      kind,
      now,
    ]);
    const row = r.rows[0];
    return row ? { accountId: row.account_id } : undefined;
  }

  async linkHost(listingId: string, accountId: string): Promise<void> {
    await this.q('INSERT INTO host_links (listing_id, account_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [listingId, accountId, Date.now()]);
  }

  async hostsOf(listingIds: string[]): Promise<Map<string, string>> {
    if (listingIds.length === 0) return new Map();
    const r = await this.q<{ listing_id: string; account_id: string }>('SELECT listing_id, account_id FROM host_links WHERE listing_id = ANY($1::text[])', [listingIds]);
    return new Map(r.rows.map((x) => [x.listing_id, x.account_id]));
  }

  async listingsHostedBy(accountId: string): Promise<string[]> {
    const r = await this.q<{ listing_id: string }>('SELECT listing_id FROM host_links WHERE account_id = $1 ORDER BY created_at DESC, listing_id', [accountId]);
    return r.rows.map((x) => x.listing_id);
  }

  async expiredAnonymous(now: number, limit: number): Promise<{ key: string; owner: string }[]> {
    return (await this.q<{ key: string; owner: string }>('SELECT id_hash AS key, owner FROM sessions WHERE account_id IS NULL AND expires_at <= $1 LIMIT $2', [now, limit])).rows;
  }

  async sweep(now: number): Promise<void> {
    await this.q('DELETE FROM sessions WHERE expires_at <= $1 AND account_id IS NOT NULL', [now]);
    await this.q('DELETE FROM email_tokens WHERE expires_at <= $1', [now]);
    await this.q('DELETE FROM webauthn_challenges WHERE expires_at <= $1', [now]);
  }

  /** The pool is the listing store's to end. */
  async close(): Promise<void> {}
}
