import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cameOverTls } from '../ops/forwarded';

export const SESSION_COOKIE = 'roost_session';

/**
 * The secret that signs session cookies: SESSION_SECRET, else one generated once into
 * DATA_DIR (readable by this user only) so every node sharing the folder agrees on it.
 */
export function sessionSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'session-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString('base64url');
    try {
      // 'wx': two nodes starting at once must not overwrite each other's secret.
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Ids of cookies issued before sessions were rows (18 random bytes, 24 characters): such
 * an id is its own owner key, as it was, so those renters keep their searches and alerts.
 * Ids issued now are 32 bytes (43 characters) and never owner keys themselves.
 */
const LEGACY_ID_LENGTH = 24;
const ID_BYTES = 32;


/**
 * The session cookie: `id.signature`, HMAC-SHA256 with the session secret. The id names a
 * session row by its SHA-256 (server/accounts/account-store.ts) and, for an anonymous
 * visitor who has stored nothing yet, derives their owner key, so a first visit costs no
 * write. Nothing here reads the store: Visitors (visitors.ts) does.
 */
export class SessionCookies {
  constructor(
    private readonly secret: string,
    /** Proxies in front whose X-Forwarded-Proto is believed (TRUST_PROXY): the cookie is Secure when the browser used TLS. */
    private readonly trustedHops = 0,
  ) {}

  private sign(id: string): string {
    return crypto.createHmac('sha256', this.secret).update(id).digest('base64url');
  }

  /** The session id a request carries: a string, null for none, or 'tampered'. */
  read(req: IncomingMessage): { id: string } | null | 'tampered' {
    const raw = cookieValue(req, SESSION_COOKIE);
    if (raw === null) return null;
    const dot = raw.lastIndexOf('.');
    if (dot <= 0) return 'tampered';
    const id = raw.slice(0, dot);
    const given = Buffer.from(raw.slice(dot + 1));
    const want = Buffer.from(this.sign(id));
    return given.length === want.length && crypto.timingSafeEqual(given, want) ? { id } : 'tampered';
  }

  /** The cookie's value for a session id: `id.signature`. */
  value(id: string): string {
    return `${id}.${this.sign(id)}`;
  }

  newId(): string {
    return crypto.randomBytes(ID_BYTES).toString('base64url');
  }

  /** The row key of a session id: its SHA-256, so the store never holds a usable cookie. */
  keyOf(id: string): string {
    return crypto.createHash('sha256').update(id).digest('hex');
  }

  /**
   * Whose records an anonymous session reads and writes: a legacy id itself, else a key
   * derived from the id with the secret (every node derives the same; it signs no one in).
   */
  anonymousOwner(id: string): string {
    if (id.length === LEGACY_ID_LENGTH) return id;
    return `anon-${crypto.createHmac('sha256', this.secret).update(`owner:${id}`).digest('base64url').slice(0, 24)}`;
  }

  /** Sets the cookie on the response beside any others it carries. Secure behind HTTPS. */
  issue(req: IncomingMessage, res: ServerResponse, id: string, maxAgeS: number): void {
    const cookie = `${SESSION_COOKIE}=${this.value(id)}; Path=/; Max-Age=${Math.round(maxAgeS)}; HttpOnly; SameSite=Lax${cameOverTls(req, this.trustedHops) ? '; Secure' : ''}`;
    appendCookie(res, cookie);
  }

  clear(req: IncomingMessage, res: ServerResponse): void {
    appendCookie(res, `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${cameOverTls(req, this.trustedHops) ? '; Secure' : ''}`);
  }

  /**
   * The request's session id, issuing a new one (with its cookie on the response) when it
   * has none; a tampered cookie is replaced too, never trusted. No store is touched: a
   * visit that keeps nothing costs nothing.
   */
  ensure(req: IncomingMessage, res: ServerResponse, maxAgeS: number): string {
    const current = this.read(req);
    if (current && current !== 'tampered') return current.id;
    const id = this.newId();
    this.issue(req, res, id, maxAgeS);
    return id;
  }
}

function appendCookie(res: ServerResponse, cookie: string): void {
  const prior = res.getHeader('set-cookie');
  res.setHeader('set-cookie', prior ? [...(Array.isArray(prior) ? prior : [String(prior)]), cookie] : cookie);
}
