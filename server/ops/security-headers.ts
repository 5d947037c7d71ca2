import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The origin of a tile URL template ({s}, {z}… placeholders allowed), for the CSP. */
function tileSources(tileUrl: string): string {
  try {
    const u = new URL(tileUrl.replace(/\{s\}/g, 'a').replace(/\{[^}]+\}/g, '0'));
    // `{s}` subdomains: allow the family.
    const host = tileUrl.includes('{s}') ? `*.${u.host.split('.').slice(1).join('.')}` : u.host;
    return `${u.protocol}//${host}`;
  } catch {
    return '';
  }
}

/** A year: browsers keep to HTTPS for this long after a response over TLS says so. */
export const HSTS = 'max-age=31536000';

/**
 * A page's security headers, with a fresh nonce for its scripts each time. The CSP lets in
 * scripts only with the nonce (Next.js puts it on every script it writes, its inline
 * bootstrap included, when it finds it in the request's CSP header; 'strict-dynamic' lets
 * those load the chunks they need), images only from our own origin, data: URLs (Leaflet's
 * icons) and the tile host: a listing's photo on another host would tell that host who
 * looks at it, so photos are served from our origin. Styles stay 'unsafe-inline': Leaflet
 * positions every tile and marker with a style attribute, which a nonce cannot cover, and a
 * style cannot run script. Workers come only from files of our origin (the alerts' service
 * worker is /sw.js): without worker-src, workers fall back to script-src, whose
 * 'strict-dynamic' lets any script we trust start one from a blob: URL (Chromium ran one).
 */
export function pageSecurityHeaders(tileUrl: string, dev: boolean): () => { nonce: string; headers: Record<string, string> } {
  const tiles = tileSources(tileUrl);
  return () => {
    const nonce = crypto.randomBytes(16).toString('base64');
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
      "style-src 'self' 'unsafe-inline'",
      `img-src 'self' data: ${tiles}`.trim(),
      "connect-src 'self'",
      "worker-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
    return {
      nonce,
      headers: {
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'strict-origin-when-cross-origin',
        'x-frame-options': 'DENY',
      },
    };
  };
}

/**
 * Sets a page's headers on the response, and its CSP on the request too: Next.js reads the
 * nonce from the request's Content-Security-Policy header (what its docs' proxy.ts sets),
 * so whatever a client sent there is replaced.
 */
export function applyPageHeaders(req: IncomingMessage, res: ServerResponse, page: { headers: Record<string, string> }): void {
  setHeaders(res, page.headers);
  req.headers['content-security-policy'] = page.headers['content-security-policy'];
  delete req.headers['content-security-policy-report-only'];
}

export function setHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}
