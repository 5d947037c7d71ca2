import client from 'prom-client';

/**
 * Everything /metrics reports, in one registry per process (Prometheus text format).
 * Names follow Prometheus conventions: seconds, _total for counters.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly httpDuration = new client.Histogram({
    name: 'roost_http_request_duration_seconds',
    help: 'HTTP request latency by route and status class',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly searchDuration = new client.Histogram({
    name: 'roost_search_duration_seconds',
    help: 'Search engine time per /api/search by level',
    labelNames: ['level'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly rejected = new client.Counter({
    name: 'roost_rate_limited_total',
    help: 'Requests, sockets and frames refused by a limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly busLag = new client.Histogram({
    name: 'roost_bus_lag_seconds',
    help: 'Commit on one node to the change being applied here',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly alertLag = new client.Histogram({
    name: 'roost_alert_lag_seconds',
    help: 'Where an alert spends its time: matched = a change committed to its alerts committed (on the matching node), delivered = an alert committed to its frame written to a socket here, mailed = an alert committed to its mail accepted by the mail server, pushed = to its push taken by the push service',
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly messageLag = new client.Histogram({
    name: 'roost_message_lag_seconds',
    help: 'A message sent to its frame written to a socket of the recipient here',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly mailLatency = new client.Histogram({
    name: 'roost_mail_seconds',
    help: 'From the request (or alert) that caused a mail to the mail server accepting it, by kind',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /** A counter read from a running total kept elsewhere (a hot path keeps a plain number). */
  countFrom(name: string, total: () => number, help = name.replace(/^roost_|_total$/g, '').replace(/_/g, ' ')): void {
    let reported = 0;
    new client.Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        const now = total();
        this.inc(now - reported);
        reported = now;
      },
    });
  }

  /** Bus messages per channel and kind (sent to all, sent to one node, received), from running totals. */
  busMessagesFrom(totals: () => Iterable<{ channel: string; kind: string; n: number }>): void {
    const reported = new Map<string, number>();
    new client.Counter({
      name: 'roost_bus_messages_total',
      help: 'Bus messages by channel and kind: sent_all (every node), sent_one (routed to one node), received',
      labelNames: ['channel', 'kind'] as const,
      registers: [this.registry],
      collect() {
        for (const { channel, kind, n } of totals()) {
          const k = `${channel} ${kind}`;
          this.inc({ channel, kind }, n - (reported.get(k) ?? 0));
          reported.set(k, n);
        }
      },
    });
  }

  /** A gauge read when scraped (a value kept elsewhere, or one worth a query only then). */
  gaugeFrom(name: string, help: string, read: () => number | Promise<number>): void {
    new client.Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // The source cannot answer now (database down): the gauge keeps its last value.
        }
      },
    });
  }

  constructor(gauges: { sockets(): number; backlog(): number; watches(): number }) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'roost_' });
    new client.Gauge({ name: 'roost_open_sockets', help: 'Live sockets on this node', registers: [this.registry], collect() { this.set(gauges.sockets()); } });
    new client.Gauge({ name: 'roost_watches', help: 'Watched viewports on this node', registers: [this.registry], collect() { this.set(gauges.watches()); } });
    new client.Gauge({
      name: 'roost_event_log_backlog',
      help: 'Changes in the log not yet matched against saved searches',
      registers: [this.registry],
      collect() {
        this.set(gauges.backlog());
      },
    });
  }
}

/**
 * The API's routes (CONTRACT.md "HTTP API" and the routes of the issues after it), as
 * label templates: `:id` stands for one path segment. Every request is labelled with one of
 * these, `/api/other`, or one of the few page labels, so however many distinct paths
 * clients send, /metrics keeps a fixed set of series (a label per path grew it by 4 MB in
 * 3,000 requests). A new route is added here to get a label of its own.
 */
const API_ROUTES = [
  '/api/search',
  '/api/listings',
  '/api/listings/:id',
  '/api/listings/:id/photos',
  '/api/places',
  '/api/price-histogram',
  '/api/overview',
  '/api/boundaries',
  '/api/saved-searches',
  '/api/saved-searches/:id',
  '/api/alerts',
  '/api/favourites',
  '/api/favourites/:id',
  '/api/auth/email',
  '/api/auth/email/verify',
  '/api/auth/passkey/register/options',
  '/api/auth/passkey/register/verify',
  '/api/auth/passkey/login/options',
  '/api/auth/passkey/login/verify',
  '/api/auth/sign-out',
  '/api/me',
  '/api/me/sessions',
  '/api/me/sessions/:id',
  '/api/me/listings',
  '/api/conversations',
  '/api/conversations/:id',
  '/api/conversations/:id/messages',
  '/api/conversations/:id/read',
  '/api/conversations/:id/block',
  '/api/conversations/:id/unblock',
  '/api/conversations/:id/report',
  '/api/push/key',
  '/api/push/subscriptions',
  '/api/unsubscribe',
  '/api/photos/:id',
].map((template) => ({ template, segments: template.split('/') }));

function matches(segments: string[], parts: string[]): boolean {
  if (segments.length !== parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const want = segments[i]!;
    if (want === ':id' ? parts[i] === '' : want !== parts[i]) return false;
  }
  return true;
}

/** A route label from a fixed set: a known route's template, `/api/other`, or a page label. */
export function routeOf(pathname: string): string {
  if (pathname.startsWith('/api/')) {
    const parts = pathname.split('/');
    for (const r of API_ROUTES) if (matches(r.segments, parts)) return r.template;
    return '/api/other';
  }
  if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') return pathname;
  if (pathname.startsWith('/_next/')) return '/_next';
  if (pathname.startsWith('/listings/')) return '/listings/:id';
  if (pathname.startsWith('/photos/')) return '/photos/:hash';
  return pathname === '/' ? '/' : 'page';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A method label from a fixed set (the parser takes some thirty methods; the API uses these). */
export function methodOf(method: string): string {
  return METHODS.has(method) ? method : 'other';
}
