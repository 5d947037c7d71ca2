import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountStore } from '../accounts/account-store';
import { FAVOURITE_SOURCE, type AlertStore } from '../alerts/alert-store';
import type { Capability } from '../capability';
import { ApiError, sendJson } from '../http/api-error';
import type { Mailer } from '../mail/mailer';
import { OutboxSender } from './outbox-sender';
import type { PushSender } from './push-port';
import { readUnsubscribeToken, type UnsubscribeTarget } from './unsubscribe-token';

export interface AlertMailOptions {
  alerts: AlertStore;
  accounts: AccountStore;
  mailer: Mailer;
  /** Web Push (server/push/), when the server has it; without it push rows are let go. */
  push: PushSender | null;
  node: string;
  base: string;
  secret: string;
  mailsPerHour: number;
  digestAt(now: number): number;
  attemptMs: number;
  /** ALERT_SENDERS: slices of the outbox, each sent by whichever node holds its lease. */
  partitions: number;
  onMailed?(waitedMs: number): void;
  onPushed?(waitedMs: number): void;
}

/** Turns email off for what a token names: one search, one favourite, or (a digest's) all of the owner's. */
async function turnOff(alerts: AlertStore, t: UnsubscribeTarget): Promise<void> {
  if (t.source !== '*') {
    await alerts.unsubscribe(t.owner, t.source, t.source === FAVOURITE_SOURCE ? t.listingId : null);
    return;
  }
  for (const s of await alerts.searchesOf(t.owner)) if (s.channels.includes('email')) await alerts.unsubscribe(t.owner, s.id, null);
  for (const f of await alerts.favouritesOf(t.owner)) if (f.channels.includes('email')) await alerts.unsubscribe(t.owner, FAVOURITE_SOURCE, f.listingId);
}

/**
 * Alerts by email and Web Push (CONTRACT.md "Alert channels"): the outbox's one sender in
 * the cluster, and `POST /api/unsubscribe?token=…` — RFC 8058 one-click, sent by a mail
 * client with no cookie and no Origin, so the signed token is the whole authority.
 */
export function alertMailModule(o: AlertMailOptions): Capability & { sender: OutboxSender } {
  const sender = new OutboxSender({ store: o.alerts, accounts: o.accounts, mailer: o.mailer, push: o.push, node: o.node, base: o.base, secret: o.secret, mailsPerHour: o.mailsPerHour, digestAt: o.digestAt, attemptMs: o.attemptMs, partitions: o.partitions, ...(o.onMailed ? { onMailed: o.onMailed } : {}), ...(o.onPushed ? { onPushed: o.onPushed } : {}) });
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/api/unsubscribe') return false;
    if (req.method !== 'POST') throw new ApiError('method_not_allowed', `${req.method ?? 'GET'} is not allowed here; POST the token`);
    const token = url.searchParams.get('token') ?? '';
    const target = readUnsubscribeToken(o.secret, token);
    if (!target) throw new ApiError('bad_request', 'token: not a valid unsubscribe token', 'token');
    req.resume(); // the one-click body (List-Unsubscribe=One-Click) says nothing more
    await turnOff(o.alerts, target);
    sendJson(res, 200, { unsubscribed: true });
    return true;
  };
  return {
    name: 'alert-mail',
    routes: [route],
    sender,
    async start() {
      sender.start();
    },
    async stop() {
      await sender.stop();
    },
  };
}
