import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SESSION_COOKIE = 'roost_session';
/** A renter's session lasts a year from the last visit that renewed it. */
const MAX_AGE_S = 365 * 24 * 3600;
const ID_BYTES = 18;

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

/** Anonymous renters' sessions in signed cookies: `id.signature`, HMAC-SHA256. */
export class Sessions {
  constructor(private readonly secret: string) {}

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

  /**
   * The request's session, issuing a new one (with its cookie on the response) when it
   * has none; a tampered cookie is replaced too, never trusted. Secure behind HTTPS.
   */
  ensure(req: IncomingMessage, res: ServerResponse): string {
    const current = this.read(req);
    if (current && current !== 'tampered') return current.id;
    const id = crypto.randomBytes(ID_BYTES).toString('base64url');
    const https = (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() === 'https' || 'encrypted' in req.socket;
    const cookie = `${SESSION_COOKIE}=${id}.${this.sign(id)}; Path=/; Max-Age=${MAX_AGE_S}; HttpOnly; SameSite=Lax${https ? '; Secure' : ''}`;
    const prior = res.getHeader('set-cookie');
    res.setHeader('set-cookie', prior ? [...(Array.isArray(prior) ? prior : [String(prior)]), cookie] : cookie);
    return id;
  }
}
