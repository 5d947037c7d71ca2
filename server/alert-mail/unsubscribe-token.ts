import crypto from 'node:crypto';

/**
 * What a mail's unsubscribe link turns off: one saved search (`source` = its id) or one
 * favourite (`listingId`), of one owner. The token is that, signed (HMAC-SHA256 with the
 * record's session secret), so it needs no table and cannot be made for another's search.
 */
export interface UnsubscribeTarget {
  owner: string;
  source: string;
  listingId: string | null;
}

const mac = (secret: string, body: string) => crypto.createHmac('sha256', `unsubscribe:${secret}`).update(body).digest('base64url');

export function unsubscribeToken(secret: string, t: UnsubscribeTarget): string {
  const body = Buffer.from(JSON.stringify([t.owner, t.source, t.listingId])).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** The target a token names, or null when it is malformed or not signed by us. */
export function readUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | null {
  const m = /^([\w-]{1,1400})\.([\w-]{43})$/.exec(token);
  if (!m) return null;
  const expected = Buffer.from(mac(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || (v[2] !== null && typeof v[2] !== 'string')) return null;
    return { owner: v[0], source: v[1], listingId: v[2] as string | null };
  } catch {
    return null;
  }
}
