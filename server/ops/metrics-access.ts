import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../http/api-error';
import { isLoopbackRequest } from './forwarded';

/** Whether two strings are equal, in time that does not tell how much of them matched. */
function sameSecret(given: string, want: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(want).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Who may read /metrics (CONTRACT.md "Environment", METRICS_TOKEN): with a token, whoever
 * sends it as a bearer; without one, only a scraper on this machine talking to this node
 * directly. Metrics tell an attacker what hurts a node and when it is busy, so they are
 * never open to the internet by default. Throws the refusal.
 */
export function metricsAccess(token: string | undefined): (req: IncomingMessage) => void {
  return (req) => {
    if (token !== undefined) {
      const auth = req.headers.authorization ?? '';
      const given = /^Bearer (.+)$/i.exec(auth)?.[1];
      if (given === undefined || !sameSecret(given, token)) throw new ApiError('unauthorized', '/metrics needs Authorization: Bearer $METRICS_TOKEN');
      return;
    }
    if (!isLoopbackRequest(req)) throw new ApiError('forbidden', '/metrics answers only on the loopback interface unless METRICS_TOKEN is set');
  };
}
