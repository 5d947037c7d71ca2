import type { ServerResponse } from 'node:http';

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

/**
 * Headers for every page: a Content-Security-Policy that lets in only our own origin and
 * the tile host, no framing, no MIME sniffing, no full referrers to other sites. Next's
 * pages carry inline bootstrap scripts and styles, hence 'unsafe-inline' for those two.
 */
export function pageSecurityHeaders(tileUrl: string, dev: boolean): Record<string, string> {
  const tiles = tileSources(tileUrl);
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // Listers' photos come from any https host; an image cannot run script, so images alone
    // are let in from anywhere secure.
    `img-src 'self' data: blob: https: ${tiles}`.trim(),
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
  };
}

export function setHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}
