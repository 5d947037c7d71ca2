import type { IncomingMessage } from 'node:http';
import { requestOrigin } from '../ops/forwarded';
import { ApiError } from './api-error';

/**
 * The site's own origin for a request: PUBLIC_URL when the operator set it, else the
 * request's own scheme and host (behind trusted proxies, the ones they forward: see
 * ops/forwarded.ts). Links in mails never come from here without PUBLIC_URL (config.ts
 * requires it with SMTP_URL): a Host header is the client's to choose.
 */
export function siteOrigin(req: IncomingMessage, publicUrl: string | undefined, trustedHops: number): string | null {
  return publicUrl ?? requestOrigin(req, trustedHops);
}

/**
 * A state-changing request authenticated by the session cookie must come from our own
 * pages: its Origin must be the site's (CONTRACT.md "Accounts"). A browser always sends
 * Origin on such requests; a missing one is refused too (SameSite=Lax alone lets a
 * top-level form POST through from another site in some browsers).
 */
export function requireOwnOrigin(req: IncomingMessage, publicUrl: string | undefined, trustedHops: number): void {
  const origin = req.headers.origin;
  const own = siteOrigin(req, publicUrl, trustedHops);
  if (!origin || origin !== own) {
    throw new ApiError('forbidden', origin ? `Origin ${origin.slice(0, 100)} is not this site's` : 'Origin is required for a write with the session cookie', 'origin');
  }
}
