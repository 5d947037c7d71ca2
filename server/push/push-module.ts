import type { IncomingMessage, ServerResponse } from 'node:http';
import webpush from 'web-push';
import type { AccountStore } from '../accounts/account-store';
import type { HolderRegistry } from '../alerts/holder-registry';
import type { Capability } from '../capability';
import type { PushKeyJson } from '../contract/alert-channels';
import type { ConversationStore } from '../conversations/conversation-store';
import { ApiError, sendJson, validated } from '../http/api-error';
import { readJson } from '../http/read-body';
import { requestLocale } from '../http/request-locale';
import type { Metrics } from '../ops/metrics';
import type { Visitors } from '../sessions/visitors';
import { MessageNotifier } from './message-notifier';
import type { PushHosts } from './push-hosts';
import { pushEndpointSchema, pushSubscriptionSchema } from './push-schemas';
import { WebPushSender, type PushSender } from './push-sender';
import type { PushStore, VapidKeys } from './push-store';

export interface PushOptions {
  store: PushStore;
  visitors: Visitors;
  hosts: PushHosts;
  /** RFC 8292's contact: vapidSubject(PUBLIC_URL, MAIL_FROM). */
  subject: string;
  /** Conversations whose away participants are notified; without them, no notifier. */
  messages?: {
    conversations: ConversationStore;
    accounts: AccountStore;
    registry: HolderRegistry;
    /** MESSAGE_NOTIFY_AFTER_S in ms. */
    afterMs: number;
    periodMs?: number;
    pollMs?: number;
  };
  /** A test's own push service's CA (never from the environment): see WebPushSender. */
  ca?: string;
  /** /metrics: push requests by outcome, notices sent. */
  metrics?: Pick<Metrics, 'countFrom'>;
}

/** Keys generated here once, kept by the record: the first node to start decides them for all. */
export async function loadVapidKeys(store: PushStore): Promise<VapidKeys> {
  return store.vapidKeys(webpush.generateVAPIDKeys());
}

/**
 * Web Push (CONTRACT.md "Alert channels", issue 29): the VAPID key for the page's
 * `PushManager.subscribe`, the browser's subscriptions kept by their owner (an account or
 * an anonymous session), the sender the alert outbox calls, and the notifier that tells a
 * participant who is away of a message.
 */
export function pushModule(o: PushOptions): Capability & { sender: PushSender; notifier: MessageNotifier | null } {
  let sender: WebPushSender | null = null;
  const ready = (): WebPushSender => {
    if (!sender) throw new ApiError('unavailable', 'push is starting; try again shortly');
    return sender;
  };
  /** The outbox may call before start() ends (it starts with its own capability): it waits for the keys. */
  let started: Promise<void> | null = null;
  const facade: PushSender = {
    async sendToOwner(owner, payload, subscriptions) {
      await started;
      return ready().sendToOwner(owner, payload, subscriptions);
    },
    async subscriptionsOf(owners) {
      await started;
      return ready().subscriptionsOf(owners);
    },
  };
  /** Subscription times never repeat on a node, so "the oldest" is one when several arrive in one millisecond. */
  let lastAt = 0;
  const notifier = o.messages ? new MessageNotifier({ ...o.messages, push: o.store, sender: facade }) : null;

  for (const outcome of ['taken', 'gone', 'refused', 'retry'] as const) {
    const help = { taken: 'Push requests a push service took', gone: 'Push requests answered 404/410 (the subscription is forgotten)', refused: 'Push requests refused (4xx, a redirect, a host outside PUSH_HOSTS)', retry: 'Push requests that failed for now (unreachable, 5xx, 429)' }[outcome];
    o.metrics?.countFrom(`roost_push_${outcome}_total`, () => sender?.counts[outcome] ?? 0, help);
  }
  o.metrics?.countFrom('roost_message_notices_total', () => notifier?.sent ?? 0, 'Push notifications of a message sent to a participant who was away');

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/push/key') {
      if (method !== 'GET' && method !== 'HEAD') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      const body: PushKeyJson = { publicKey: ready().publicKey };
      sendJson(res, 200, body);
      return true;
    }
    if (url.pathname !== '/api/push/subscriptions') return false;
    if (method !== 'POST' && method !== 'DELETE') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    o.visitors.checkOrigin(req);
    if (method === 'POST') {
      const sub = validated(pushSubscriptionSchema, await readJson(req));
      if (!o.hosts.allows(sub.endpoint)) {
        throw new ApiError('unprocessable', `endpoint: ${new URL(sub.endpoint).host} is not a push service this site sends to (PUSH_HOSTS)`, 'endpoint');
      }
      const v = await o.visitors.ensureStored(req, res);
      lastAt = Math.max(Date.now(), lastAt + 1);
      await o.store.subscribe(v.owner, sub, requestLocale(req), lastAt);
      sendJson(res, 201, { endpoint: sub.endpoint });
      return true;
    }
    const { endpoint } = validated(pushEndpointSchema, await readJson(req));
    const v = await o.visitors.current(req);
    if (v) await o.store.unsubscribe(v.owner, endpoint);
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return true;
  };

  return {
    name: 'push',
    routes: [route],
    sender: facade,
    notifier,
    async start() {
      started = (async () => {
        const keys = await loadVapidKeys(o.store);
        sender = new WebPushSender({ store: o.store, keys, subject: o.subject, hosts: o.hosts, ...(o.ca ? { ca: o.ca } : {}) });
      })();
      await started;
      await notifier?.start();
    },
    async stop() {
      notifier?.stop();
      sender?.close();
    },
  };
}
