import http from 'node:http';
import type { Config } from './config';
import { fillDemoIfEmpty } from './demo/fill-demo';
import crypto from 'node:crypto';
import { openEngine } from './engine/open-engine';
import type { SearchEngine } from './engine/search-engine';
import type { StoreEngine } from './engine/store-engine';
import type { ListingStore } from './store/listing-store';
import { openRecord } from './store/open-record';
import { openingDatabase } from './store/damaged-database';
import { handleApi } from './http/api-routes';
import { authorize, handleWrite, type WriteContext } from './http/write-routes';
import type { Bus } from './bus/bus';
import { openBus } from './bus/open-bus';
import { ChangeFeed } from './changes/change-feed';
import { BoundaryIndex } from './import/boundaries';
import { LiveHub } from './realtime/live-hub';
import { errorFrame } from './realtime/protocol';
import { ALERTS_CHANNEL, AlertDelivery } from './alerts/alert-delivery';
import { HeldSockets } from './realtime/held-sockets';
import { DoorbellRouter } from './realtime/doorbell-router';
import { holderRegistry } from './alerts/open-holder-registry';
import { BusTally, MeteredBus } from './bus/metered-bus';
import { AlertMatcher } from './alerts/alert-matcher';
import type { AlertStore } from './alerts/alert-store';
import { handleSavedSearches, type SavedSearchContext } from './http/saved-search-routes';
import { SessionCookies } from './sessions/session-cookie';
import { ANONYMOUS_TTL_MS, Visitors } from './sessions/visitors';
import type { AccountStore } from './accounts/account-store';
import type { ConversationStore } from './conversations/conversation-store';
import type { PushStore } from './push/push-store';
import { accountsModule } from './accounts/accounts-module';
import { EmailSignIn } from './accounts/email-sign-in';
import { Passkeys } from './accounts/passkeys';
import type { Capability } from './capability';
import { favouritesModule } from './favourites/favourites-module';
import { alertMailModule } from './alert-mail/alert-mail-module';
import { nextDigestAt } from './alerts/outbox-intents';
import { hostingModule } from './hosting/hosting-module';
import { mailFrom, openMailer } from './mail/mailer';
import { photosModule } from './photos/photos-module';
import { photoImportModule } from './photos/photo-import-module';
import { conversationsModule } from './conversations/conversations-module';
import { pushModule } from './push/push-module';
import { vapidSubject } from './push/push-sender';
import type { LiveConnection } from './realtime/live-hub';
import { log } from './log';
import { requestHandler, type Route } from './http/request-handler';
import { Metrics } from './ops/metrics';
import { RateLimits } from './ops/rate-limit';
import { FairTurns } from './ops/fair-turns';
import { defaultMaxConnections, HTTP_TIMEOUTS, limitConnections, LISTEN_BACKLOG } from './ops/connection-limits';
import { clientIp, requestOrigin } from './ops/forwarded';
import { metricsAccess } from './ops/metrics-access';
import { refuseWeakSecrets } from './ops/secrets';
import { firstConnect, redisCommands } from './redis-client';
import { setRuntime } from './runtime';
import { MarketOverviews } from './search/market-overview';
import { StorageSpace } from './ops/storage-space';
import { PlaceDirectory } from './search/place-directory';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface RoostServer {
  server: http.Server;
  engine: StoreEngine;
  hub: LiveHub;
  feed: ChangeFeed;
  alerts: AlertStore;
  accounts: AccountStore;
  conversations: ConversationStore;
  /** Web Push's record: subscriptions by owner (tests read it). */
  push: PushStore;
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Renders everything that is not the API or a probe; without it those paths are 404s. */
  pages?: Handler;
  /** A PEM CA the push sender trusts instead of the usual ones: a test's own push service (never from the environment). */
  pushCa?: string;
}

/**
 * The store's demo city when it is empty, then the engine over it: the in-memory index
 * loaded from the store, or the cluster index the environment names following its log.
 * A cluster that does not answer yet is not fatal: the server starts, /readyz says 503,
 * and the index catches up from the log once the cluster is back.
 */
async function openStartEngine(config: Config, store: ListingStore, node: string): Promise<StoreEngine> {
  const filled = await fillDemoIfEmpty(store, config.DEMO_LISTINGS);
  if (filled > 0) log.info({ listings: filled, store: store.name }, 'empty store: filled it with the demo city');
  const started = performance.now();
  const engine = await openEngine(config, store, node);
  log.info({ engine: engine.name, store: store.name, ms: Math.round(performance.now() - started) }, 'engine open');
  return engine;
}

/** The store's boundaries as an index, rebuilt only when the stored text changes. */
function boundaryCache(engine: SearchEngine): () => Promise<BoundaryIndex | null> {
  let text: string | null = null;
  let index: BoundaryIndex | null = null;
  return async () => {
    const current = await engine.boundaries();
    if (current !== text) {
      text = current;
      index = current ? BoundaryIndex.parse(current) : null;
    }
    return index;
  };
}

/** How long a stopping node waits for requests in flight before it closes anyway. */
const DRAIN_MS = 8_000;

/**
 * The engine, the bus, the live socket server, alerts, and one HTTP server for the API,
 * the probes, /metrics and (when given) the pages. Tests start it without pages;
 * `server/index.ts` adds Next.js.
 */
export async function startRoost(config: Config, options: StartOptions = {}): Promise<RoostServer> {
  refuseWeakSecrets(config);
  const node = crypto.randomUUID();
  const record = await openRecord(config);
  // Reading every listing is where damage inside roost.db shows.
  const engine = await openingDatabase(config.dataDir, 'roost.db', () => openStartEngine(config, record.listings, node));
  const tally = new BusTally();
  const bus = new MeteredBus(await openBus(config, node), tally);
  const feed = new ChangeFeed(engine, bus, node);
  await feed.start();
  const cookies = new SessionCookies(record.sessionSecret, config.TRUST_PROXY);
  const alertStore = record.alerts;
  // One command connection for what this node keeps in Redis: holders and rate limits.
  const redis = config.REDIS_URL ? redisCommands(config.REDIS_URL) : null;
  if (redis) await firstConnect(redis);
  const ipOf = (req: http.IncomingMessage) => clientIp(req, config.TRUST_PROXY);
  const hourly = (points: number) => ({ points, durationS: 3600 });
  const peopleLimits = new RateLimits(
    {
      sessions: hourly(config.RATE_SESSIONS_PER_HOUR),
      signin: hourly(config.RATE_SIGNIN_PER_HOUR),
      signin_email: hourly(Math.ceil(config.RATE_SIGNIN_PER_HOUR / 3)),
      messages: { points: config.RATE_MESSAGES_PER_MIN, durationS: 60 },
      conversations: { points: config.RATE_CONVERSATIONS_PER_DAY, durationS: 86_400 },
      saved_searches: { points: config.RATE_SAVED_SEARCHES_PER_DAY, durationS: 86_400 },
      photos: { points: config.RATE_PHOTOS_PER_DAY, durationS: 86_400 },
      host_listings: { points: config.RATE_HOST_LISTINGS_PER_DAY, durationS: 86_400 },
    },
    redis,
  );
  const visitors = new Visitors({
    cookies,
    store: record.accounts,
    publicUrl: config.PUBLIC_URL,
    trustProxy: config.TRUST_PROXY,
    newSession: (req) => peopleLimits.take('sessions', ipOf(req)),
  });
  const registry = holderRegistry(redis, record.alerts);
  let hub: LiveHub;
  // Read only when scraped, after the hub and the matcher below exist; made first so
  // everything started from here on can report to it.
  const metrics = new Metrics({
    sockets: () => hub.connections.size,
    watches: () => hub.watches.size,
    // Changes this node has followed and the matcher has not yet matched.
    backlog: () => Math.max(0, engine.appliedSeq - matcher.cursor),
  });
  const held = new HeldSockets(registry, node);
  const delivery = new AlertDelivery(alertStore, bus, held, (ms) => metrics.alertLag.observe({ stage: 'delivered' }, ms / 1000));
  await delivery.start();
  const router = new DoorbellRouter(registry, bus, ALERTS_CHANNEL, node, () => delivery.pump());
  const matcher = new AlertMatcher(
    alertStore,
    engine,
    engine.log,
    node,
    (_ids, sessions) => void router.ring(sessions),
    (ms) => metrics.alertLag.observe({ stage: 'matched' }, ms / 1000),
    { gatherMs: 1_000, digestAt: (now) => nextDigestAt(now, config.DIGEST_HOUR_UTC) },
  );
  await matcher.start();

  // How far this node is behind the log (per node: each scrapes its own).
  metrics.gaugeFrom('roost_change_log_lag', 'Changes in the log this node has not followed yet', async () => Math.max(0, (await engine.log.lastSeq()) - engine.appliedSeq));
  metrics.gaugeFrom('roost_search_index_lag', 'Changes in the log the search index has not applied yet', () => engine.indexLag());
  metrics.gaugeFrom('roost_alert_outbox_waiting', 'Alert mails and pushes written and not yet sent (the outbox; waiting digests included)', () => alertStore.outboxWaiting());
  const pool = engine.log.poolUse?.bind(engine.log);
  if (pool) {
    metrics.gaugeFrom('roost_db_pool_connections', 'Connections the database pool holds', () => pool().total);
    metrics.gaugeFrom('roost_db_pool_idle', 'Of those, idle', () => pool().idle);
    metrics.gaugeFrom('roost_db_pool_waiting', 'Queries waiting for a connection', () => pool().waiting);
  }
  const mailer = openMailer(config.SMTP_URL, mailFrom(config.MAIL_FROM, config.PUBLIC_URL));
  if (mailer.mode === 'log') log.warn('SMTP_URL is not set: sign-in links are written to this log (development only)');
  const writes: WriteContext = {
    engine,
    adminToken: config.ADMIN_TOKEN,
    boundaries: boundaryCache(engine),
    pushed: () => hub.sent(),
  };
  const hosting = hostingModule({ accounts: record.accounts, engine, visitors, limits: peopleLimits });
  writes.sessionWriter = hosting.sessionWriter;
  writes.linkHost = hosting.linkHost;
  writes.spendNewListing = hosting.spendNewListing;
  const accounts = accountsModule({
    store: record.accounts,
    alerts: alertStore,
    removeSearchArea: (id) => engine.removeSearch(id),
    visitors,
    emailSignIn: new EmailSignIn(record.accounts, mailer, (ms) => metrics.mailLatency.observe({ kind: 'sign_in' }, ms / 1000)),
    passkeys: new Passkeys(record.accounts),
    limits: peopleLimits,
    bus,
    publicUrl: config.PUBLIC_URL,
    trustProxy: config.TRUST_PROXY,
    clientIp: ipOf,
  });
  const conversations = conversationsModule({
    store: record.conversations,
    accounts: record.accounts,
    engine,
    visitors,
    bus,
    held,
    registry,
    node,
    limits: peopleLimits,
    onDelivered: (ms) => metrics.messageLag.observe(ms / 1000),
  });
  // Web Push: its sender is what alerts with the push channel are sent through.
  const push = pushModule({
    store: record.push,
    visitors,
    hosts: config.PUSH_HOSTS,
    subject: vapidSubject(config.PUBLIC_URL, config.MAIL_FROM),
    messages: { conversations: record.conversations, accounts: record.accounts, registry, afterMs: config.MESSAGE_NOTIFY_AFTER_S * 1000 },
    ...(options.pushCa ? { ca: options.pushCa } : {}),
    metrics,
  });
  /** What the server can do besides search and live push: each capability one line. */
  const capabilities: Capability[] = [
    accounts,
    conversations,
    push,
    favouritesModule({ alerts: alertStore, engine, visitors }),
    alertMailModule({
      alerts: alertStore,
      accounts: record.accounts,
      mailer,
      push: push.sender,
      node,
      base: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
      secret: record.sessionSecret,
      mailsPerHour: config.ALERT_MAILS_PER_HOUR,
      digestAt: (now) => nextDigestAt(now, config.DIGEST_HOUR_UTC),
      attemptMs: config.ALERT_SEND_LEASE_S * 1000,
      partitions: config.ALERT_SENDERS,
      onMailed: (ms) => metrics.alertLag.observe({ stage: 'mailed' }, ms / 1000),
      onPushed: (ms) => metrics.alertLag.observe({ stage: 'pushed' }, ms / 1000),
    }),
    hosting,
    photosModule({ photos: record.photos, engine, authorize: (req, id) => authorize(writes, req, id), pushed: () => hub.sent(), limits: peopleLimits }),
    photoImportModule({ engine, photos: record.photos, imports: record.photoImports, metrics, node, hosts: config.PHOTO_IMPORT_HOSTS, allowPrivate: config.PHOTO_IMPORT_ALLOW_PRIVATE, ...(config.PHOTO_IMPORT_CA ? { caFile: config.PHOTO_IMPORT_CA } : {}), options: { perHostPerSecond: config.PHOTO_IMPORT_RATE } }),
  ];
  hub = new LiveHub({
    // A tampered cookie is refused; no cookie is an anonymous viewer (no alerts).
    authenticate: async (req) => {
      const v = await visitors.read(req);
      if (v === 'tampered') return null;
      return { owner: v?.owner ?? null, key: v?.key ?? null, signedIn: v?.accountId != null };
    },
    onOpen: (conn) => {
      held.open(conn);
      delivery.open(conn);
      for (const c of capabilities) c.onSocketOpen?.(conn);
    },
    onClose: (conn) => {
      held.close(conn);
      for (const c of capabilities) c.onSocketClose?.(conn);
    },
    onResume: (conn, after, messagesAfter) => {
      if (!conn.session) conn.send(errorFrame('unauthorized', 'resume: alerts need a session cookie'));
      // The inbox unreadable (database down): the client resumes again on its next connect.
      else void delivery.resume(conn, after).catch(() => conn.send(errorFrame('unavailable', 'alerts are unavailable; retry shortly')));
      for (const c of capabilities) c.onResume?.(conn, messagesAfter);
    },
    onFrame: (conn, frame) => {
      for (const c of capabilities) {
        const handle = c.frames?.[frame.type] as ((conn: LiveConnection, f: typeof frame) => void) | undefined;
        if (handle) return handle(conn, frame);
      }
      conn.send(errorFrame('bad_request', `${frame.type}: not available here`));
    },
    maxPerIp: config.WS_MAX_PER_IP,
    framesPerS: config.WS_FRAMES_PER_S,
    clientIp: (req) => clientIp(req, config.TRUST_PROXY),
    requestOrigin: (req) => requestOrigin(req, config.TRUST_PROXY),
    onLimited: (limit) => metrics.rejected.inc({ limit }),
  });
  metrics.countFrom('roost_live_messages_pushed_total', () => hub.pushed);
  metrics.countFrom('roost_live_socket_writes_total', () => hub.writes, 'socket writes of listing frames (several frames can share one)');
  metrics.countFrom('roost_alerts_delivered_total', () => delivery.delivered);
  metrics.countFrom('roost_alert_socket_writes_total', () => delivery.writes, 'socket writes of alert frames (a renter\'s alerts of one inbox page share one)');
  metrics.busMessagesFrom(() => tally.totals.values());
  engine.onChange((e) => {
    metrics.busLag.observe(Math.max(0, Date.now() - e.at) / 1000);
    hub.deliver(e);
    matcher.kick();
  });

  const saved: SavedSearchContext = {
    engine,
    alerts: alertStore,
    visitors,
    maxPerSession: config.MAX_SAVED_SEARCHES,
    newSearch: (req) => peopleLimits.take('saved_searches', ipOf(req)),
  };
  const overview = new MarketOverviews(engine);
  const places = new PlaceDirectory(engine);
  // Worked out now, not when the first renter's page needs them: world-wide aggregations
  // that cold (at 1,000,000 listings) made the first page after a start the slowest.
  void overview.get().catch(() => undefined);
  void places.warm().catch(() => undefined);
  /** A listing's host with how soon they usually reply, for its page. */
  const hostOf = async (listingId: string) => {
    const host = await hosting.hostOf(listingId);
    if (!host) return null;
    const figure = await conversations.replyFigure(host.id).catch(() => null);
    return figure ? { ...host, usuallyRepliesInMs: figure.replyMs } : host;
  };
  const api = { engine, places, overview, onSearch: (level: string, seconds: number) => metrics.searchDuration.observe({ level }, seconds), hostOf };
  const limits = new RateLimits({ search: config.RATE_SEARCH_PER_S, write: config.RATE_WRITE_PER_S }, redis);
  setRuntime({ engine, overview, tileUrl: config.TILE_URL, tileAttribution: config.TILE_ATTRIBUTION, hostOf });

  for (const c of capabilities) await c.start?.();
  // Room to write: a write refused for want of it (503 storage_full) makes /readyz 503 too.
  const space = new StorageSpace(record.where === 'data-dir' ? config.dataDir : null);
  const noting = (route: Route): Route => async (req, res, url) => {
    try {
      return await route(req, res, url);
    } catch (err) {
      space.noteIfFull(err);
      throw err;
    }
  };

  const handle = requestHandler({
    log,
    metrics,
    limits,
    trustProxy: config.TRUST_PROXY,
    metricsAccess: metricsAccess(config.METRICS_TOKEN),
    // The embedded engine searches on this thread: one at a time, in fair turns; a search
    // cluster's mostly wait on the network, so several run at once.
    // An address may have as many waiting as its burst allows it to send.
    searchTurns: new FairTurns(engine.name === 'embedded' ? 1 : 32, Math.ceil(config.RATE_SEARCH_PER_S * 2)),
    tileUrl: config.TILE_URL,
    dev: config.dev,
    issueSession: (req, res) => void cookies.ensure(req, res, ANONYMOUS_TTL_MS / 1000),
    ready: async () => {
      const health = await engine.health();
      const busHealth = bus.health();
      // Only asked of a store that answers: the index's place is read from its log.
      const index = health.ok ? await engine.indexReadiness().catch((err: Error) => ({ ok: false, detail: `search index: ${err.message}` })) : null;
      const storage = await space.check().catch((err: Error) => ({ ok: false, detail: `storage: ${err.message}` }));
      const ok = health.ok && busHealth.ok && index !== null && index.ok && storage.ok;
      return {
        ok,
        body: { status: ok ? 'ready' : 'unavailable', node: feed.node, engine: health.detail, bus: busHealth.detail, index: index?.detail ?? 'unknown: the store does not answer', storage: storage.detail },
      };
    },
    routes: [
      ...capabilities.flatMap((c) => c.routes).map(noting),
      noting((req, res, url) => handleWrite(writes, req, res, url)),
      noting((req, res, url) => handleSavedSearches(saved, req, res, url)),
      (req, res, url) => handleApi(api, req, res, url),
    ],
    ...(options.pages ? { pages: options.pages } : {}),
  });
  const server = http.createServer(HTTP_TIMEOUTS, (req, res) => void handle(req, res));
  limitConnections(server, {
    maxConnections: config.HTTP_MAX_CONNECTIONS ?? defaultMaxConnections(),
    // Behind a proxy every connection comes from it; the proxy caps per client (deploy/nginx.conf).
    maxPerIp: config.TRUST_PROXY > 0 ? null : config.HTTP_MAX_PER_IP,
    onRefused: (limit) => metrics.rejected.inc({ limit }),
  });
  hub.attach(server, options.pages !== undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  let closing: Promise<void> | null = null;
  return {
    server,
    engine,
    hub,
    feed,
    port,
    alerts: alertStore,
    accounts: record.accounts,
    conversations: record.conversations,
    push: record.push,
    /**
     * Stops taking connections, lets requests in flight finish (up to DRAIN_MS), closes
     * sockets with 1001 so clients reconnect to another node, hands the matcher's lease
     * back, then closes the stores.
     */
    close() {
      closing ??= (async () => {
        server.close();
        server.closeIdleConnections();
        await hub.close();
        const until = Date.now() + DRAIN_MS;
        while (handle.inFlight() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        server.closeAllConnections();
        for (const c of capabilities) await c.stop?.();
        mailer.close();
        await matcher.stop();
        delivery.stop();
        await held.stop();
        await bus.close();
        redis?.disconnect();
        await record.photos.close();
        await record.photoImports.close();
        await record.conversations.close();
        await record.push.close();
        await record.accounts.close();
        await alertStore.close();
        await engine.close();
      })();
      return closing;
    },
  };
}
