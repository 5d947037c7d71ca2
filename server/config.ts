import path from 'node:path';
import { z } from 'zod';
import { rocketMqNamespace } from './bus/rocketmq-topic';
import { parsePhotoHosts } from './photos/photo-fetch-policy';
import { DEFAULT_PUSH_HOSTS, PushHosts } from './push/push-hosts';
import { StartError } from './start-error';

export const DEFAULT_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const DEFAULT_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

/** Every setting Roost reads from its environment, with its default (CONTRACT.md "Environment"). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  ELASTICSEARCH_URL: z.string().url().optional(),
  /** An Elasticsearch API key (base64 `id:key`), instead of credentials in the URL. */
  ELASTICSEARCH_API_KEY: z.string().min(1).optional(),
  /** A PEM file of the CA that signed the cluster's certificate. */
  ELASTICSEARCH_CA: z.string().min(1).optional(),
  OPENSEARCH_URL: z.string().url().optional(),
  OPENSEARCH_CA: z.string().min(1).optional(),
  REDIS_URL: z.string().optional(),
  /** RabbitMQ as the cluster's bus (amqp://user:pass@host:5672/vhost): a fanout exchange, a queue per node. */
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL')
    .optional(),
  /** RocketMQ 5 as the cluster's bus: the proxy's gRPC address(es), host:port[,host:port]. */
  ROCKETMQ_ENDPOINTS: z
    .string()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be host:port, or several separated by commas')
    .optional(),
  /** RocketMQ namespace for Roost's topic and consumer groups: several Roost clusters on one broker. */
  ROCKETMQ_NAMESPACE: rocketMqNamespace,
  /**
   * PostgreSQL (postgres://…, 13+): the record every node shares — listings and their
   * change log. Unset: SQLite in DATA_DIR, so one machine needs no server.
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** Connections a node's pool may hold on DATABASE_URL at once. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** Bearer token of the write API; at least 32 characters, never one printed in the project (ops/secrets.ts). */
  ADMIN_TOKEN: z.string().optional(),
  SESSION_SECRET: z.string().optional(),
  /** Bearer token of /metrics; unset, /metrics answers only on the loopback interface. */
  METRICS_TOKEN: z.string().optional(),
  TILE_URL: z.string().default(DEFAULT_TILE_URL),
  /** Credit shown on the map for TILE_URL's tiles (HTML allowed: it is the operator's text). */
  TILE_ATTRIBUTION: z.string().default(DEFAULT_TILE_ATTRIBUTION),
  /** How many demo listings an empty store is filled with at start; 0 turns the demo off. */
  DEMO_LISTINGS: z.coerce.number().int().min(0).default(50_000),
  /** Most saved searches one renter's session may keep. */
  MAX_SAVED_SEARCHES: z.coerce.number().int().min(1).default(50),
  /** Searches (/api/search, /api/listings reads) a client address may make a second, sustained; twice that in a burst. */
  RATE_SEARCH_PER_S: z.coerce.number().positive().default(50),
  /** Writes (listings, saved searches) a client address may make a second; twice that in a burst. */
  RATE_WRITE_PER_S: z.coerce.number().positive().default(20),
  /** Live sockets one client address may hold on a node. */
  WS_MAX_PER_IP: z.coerce.number().int().positive().default(100),
  /** watch and resume frames a socket may send a second; twice that in a burst. */
  WS_FRAMES_PER_S: z.coerce.number().positive().default(10),
  /**
   * Proxies in front of this node that append to X-Forwarded-For (nginx, a load balancer):
   * the client is that many hops from the right (ops/forwarded.ts). `true` is 1, `false` 0.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|true|false)$/, 'must be the number of proxies in front (0, 1, 2…), or true/false')
    .default('0')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  /** Open HTTP connections (sockets included) one client address may hold; not applied behind a proxy (TRUST_PROXY), whose own limit does it. */
  HTTP_MAX_PER_IP: z.coerce.number().int().positive().default(256),
  /** Open connections the node accepts at all; default: what the open-files limit leaves room for (ops/connection-limits.ts). */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().positive().optional(),
  /** Interface to listen on. */
  HOST: z.string().default('0.0.0.0'),
  /**
   * The site's own origin as renters reach it (https://roost.example): links in mails, the
   * passkey relying party, the one Origin cookie-authenticated writes accept. Unset: the
   * request's own host (development).
   */
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
    .transform((u) => new URL(u).origin)
    .optional(),
  /** smtp://user:pass@host:port or smtps://…: sign-in links (and alert mails) go through it; unset: links go to the log. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The From of every mail; default `Roost <roost@` + PUBLIC_URL's host + `>`. */
  MAIL_FROM: z.string().min(3).optional(),
  /** The hour (UTC, 0–23) daily alert digests go out: searches asking for them, too wide for instant mail, or past ALERT_MAILS_PER_HOUR. */
  DIGEST_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(7),
  /** Instant alert mails one account gets an hour; past it, its alerts wait for the daily digest. */
  ALERT_MAILS_PER_HOUR: z.coerce.number().int().min(1).default(12),
  /** Seconds one try to send an alert mail or push holds its outbox rows; a node that dies holding them leaves them to another after this. */
  ALERT_SEND_LEASE_S: z.coerce.number().int().min(5).max(3600).default(60),
  /** Slices of the alert outbox by owner, each sent by the node holding its lease: the number of nodes lets each send a slice. */
  ALERT_SENDERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Sign-in mails one client address may ask for in an hour (a third of that per email address). */
  RATE_SIGNIN_PER_HOUR: z.coerce.number().int().positive().default(10),
  /** Saved searches one client address may create in a day (each is matched against every change for as long as it lives). */
  RATE_SAVED_SEARCHES_PER_DAY: z.coerce.number().int().positive().default(100),
  /** New listings one host account may make in a day (each is on every visitor's map and matched against every saved search). */
  RATE_HOST_LISTINGS_PER_DAY: z.coerce.number().int().positive().default(50),
  /** New photos one host account may have encoded in a day (each costs a core for a second or more, and its bytes are kept). */
  RATE_PHOTOS_PER_DAY: z.coerce.number().int().positive().default(200),
  /** New conversations one renter may start in a day (each lands in a host's inbox). */
  RATE_CONVERSATIONS_PER_DAY: z.coerce.number().int().positive().default(30),
  /** Messages one account may send a minute (a burst of that many, then that rate). */
  RATE_MESSAGES_PER_MIN: z.coerce.number().int().positive().default(60),
  /** New sessions one client address may start in an hour (a session is started by the first thing it stores). */
  RATE_SESSIONS_PER_HOUR: z.coerce.number().int().positive().default(60),
  /**
   * Hosts the photo importer fetches listings' external photos from (comma-separated:
   * `a0.muscache.com`, `host:8443`, `*.example.com`); https only. Unset: nothing is
   * fetched, and the pages show only photos stored here.
   */
  PHOTO_IMPORT_HOSTS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      try {
        return parsePhotoHosts(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Photo fetches a second to any one host. */
  PHOTO_IMPORT_RATE: z.coerce.number().positive().max(1000).default(4),
  /** `1`: hosts that resolve to loopback, private or link-local addresses may be fetched from (tests, an image host on the operator's own network). */
  PHOTO_IMPORT_ALLOW_PRIVATE: z.enum(['0', '1']).default('0').transform((v) => v === '1'),
  /** A PEM file of a CA the photo importer trusts besides the usual ones. */
  PHOTO_IMPORT_CA: z.string().min(1).optional(),
  /**
   * Push services a browser's subscription may name (comma-separated `host`, `host:port`,
   * `*.domain`; https only): push requests go nowhere else. Default: the browsers' own.
   */
  PUSH_HOSTS: z
    .string()
    .default(DEFAULT_PUSH_HOSTS)
    .transform((v, ctx) => {
      try {
        return PushHosts.parse(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Seconds a message waits unread, its recipient with no page open, before they are pushed a notification. */
  MESSAGE_NOTIFY_AFTER_S: z.coerce.number().min(0).max(86_400).default(120),
});

export type Config = z.infer<typeof envSchema> & { dataDir: string; dev: boolean };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StartError(`environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.data.ELASTICSEARCH_URL && parsed.data.OPENSEARCH_URL) {
    throw new StartError('set ELASTICSEARCH_URL or OPENSEARCH_URL, not both');
  }
  if (parsed.data.SMTP_URL && !parsed.data.PUBLIC_URL) {
    // A link built from the request's Host would let anyone mail a victim a sign-in link to their own site.
    throw new Error('environment variable PUBLIC_URL: required with SMTP_URL (links in mails name the site)');
  }
  const buses = (['REDIS_URL', 'AMQP_URL', 'ROCKETMQ_ENDPOINTS'] as const).filter((k) => parsed.data[k] !== undefined);
  if (buses.length > 1) throw new StartError(`set one bus, not ${buses.length}: ${buses.join(' and ')} are set`);
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR), dev: env.ROOST_DEV === '1' };
}
