import crypto from 'node:crypto';
import { ownPhotoUrl } from '../contract/photos';
import type { ListingRecord } from '../core/listing';
import type { StoreEngine } from '../engine/store-engine';
import { log } from '../log';
import { HostPace } from './host-pace';
import { encodePhoto, type EncodeOutcome } from './photo-encoder';
import type { PhotoFetchPolicy } from './photo-fetch-policy';
import type { FetchFailure, PhotoFetcher } from './photo-fetcher';
import type { PhotoImportStore, PhotoSource } from './photo-import-store';
import type { PhotoStore } from './photo-store';

/** What a fetch that stop() cut short comes back as. */
const STOPPED = Symbol('stopped');

/** The store's lease naming the node that imports photos. */
export const PHOTO_IMPORT_LEASE = 'photo-import';

export interface PhotoImportOptions {
  /** Fetches a second to any one host (PHOTO_IMPORT_RATE). @default 4 */
  perHostPerSecond: number;
  /** Photos being fetched at once, all hosts together. @default 4 */
  fetchesAtOnce: number;
  /** Listings taken from the queue per round. @default 32 */
  batch: number;
  /** Changes read from the log per round. @default 2_000 */
  logBatch: number;
  /** Failed fetches before a URL is given up; a refusal, a 404 or a file that is not a photo give up at once. @default 5 */
  maxFailures: number;
  /** The wait after a first failure, four times longer after each next one (1, 4, 16, 64 minutes). @default 60_000 */
  retryBaseMs: number;
  /** The lease's term: a node that dies holding it is replaced this long after. @default 10_000 */
  leaseMs: number;
}

export const DEFAULT_PHOTO_IMPORT: PhotoImportOptions = {
  perHostPerSecond: 4,
  fetchesAtOnce: 4,
  batch: 32,
  logBatch: 2_000,
  maxFailures: 5,
  retryBaseMs: 60_000,
  leaseMs: 10_000,
};

export interface PhotoImportParts {
  engine: StoreEngine;
  photos: PhotoStore;
  imports: PhotoImportStore;
  policy: PhotoFetchPolicy;
  fetcher: PhotoFetcher;
  node: string;
}

/** Running totals for /metrics (plain numbers: the work path only adds). */
export interface PhotoImportTally {
  fetched: number;
  bytes: number;
  rewritten: number;
  givenUp: number;
  failures: Map<FetchFailure, number>;
}

/** The allowed external URLs a listing names, each once, in order. */
function fetchable(policy: PhotoFetchPolicy, photos: readonly string[] | undefined): string[] {
  // Our own `/photos/…` and anything not https are never candidates: a cheap test first.
  return [...new Set((photos ?? []).filter((u) => u.startsWith('https://') && policy.allows(u)))];
}

/**
 * Photos that listings name on other sites (Inside Airbnb's `picture_url`, an ndjson
 * `photos` list, a URL the operator wrote) brought home: each URL fetched once from a host
 * the operator allows (photo-fetcher.ts), re-encoded by the upload's encoder, stored by
 * content hash, and the listing's URLs replaced by our own in one write through the engine
 * (so the change log, the search index, live push and every node follow).
 *
 * It works from the store, after the fact: it reads the change log for listings that gained
 * such a URL (a whole-store scan the first time, or when PHOTO_IMPORT_HOSTS changes), keeps
 * them in a queue of its own, and takes them a few at a time at a bounded rate per host.
 * One node at a time holds it, under the store's lease. Everything it has done is in its
 * store (photo-import-store.ts), so a node that takes over after a crash goes on: a listing
 * already rewritten no longer names the URL, a URL already fetched is not fetched again,
 * a photo already stored is not encoded again.
 */
export class PhotoImporter {
  private readonly o: PhotoImportOptions;
  private readonly pace: HostPace;
  /** Fetches in flight by URL: two listings naming one photo at once share one fetch. */
  private readonly inFlight = new Map<string, Promise<PhotoSource | typeof STOPPED>>();
  private encoding: Promise<unknown> = Promise.resolve();
  private readonly hostsKey: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Whether this node held the lease at its last claim. */
  holding = false;
  readonly tally: PhotoImportTally = { fetched: 0, bytes: 0, rewritten: 0, givenUp: 0, failures: new Map() };

  constructor(
    private readonly p: PhotoImportParts,
    options: Partial<PhotoImportOptions> = {},
    hosts: readonly string[] = [],
  ) {
    this.o = { ...DEFAULT_PHOTO_IMPORT, ...options };
    this.pace = new HostPace(this.o.perHostPerSecond);
    this.hostsKey = [...hosts].map((h) => h.trim().toLowerCase()).sort().join(',');
  }

  /** Claims (and renews) the lease every third of its term; works while it holds it, and at once after a change. */
  start(): void {
    this.timer = setInterval(() => void this.claim(), this.o.leaseMs / 3);
    this.timer.unref();
    this.p.engine.onChange(() => {
      if (this.holding) this.kick();
    });
    void this.claim();
  }

  /**
   * One pass as the lease's holder: the log read, every due listing taken, until nothing
   * is left to do now. Resolves when done (tests, and the timer's rounds).
   */
  async pass(): Promise<void> {
    await this.claim(false);
    this.kick();
    while (this.running) await this.running;
  }

  /**
   * Stops at once: fetches in flight are cut (their connections closed) and recorded as
   * nothing, so their listings stay queued for the next holder; then the lease goes back.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.p.fetcher.close();
    await this.running;
    if (this.holding) await this.p.engine.store.releaseLease(PHOTO_IMPORT_LEASE, this.p.node).catch(() => undefined);
    this.holding = false;
  }

  private async claim(work = true): Promise<void> {
    if (this.stopped) return;
    try {
      this.holding = await this.p.engine.store.claimLease(PHOTO_IMPORT_LEASE, this.p.node, this.o.leaseMs);
    } catch {
      this.holding = false; // the store away: the next claim tries again
    }
    if (this.holding && work) this.kick();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'photo import stopped for now; the next round goes on'))
      .finally(() => {
        this.running = null;
        if (this.again && this.holding) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async run(): Promise<void> {
    const { fetched, givenUp, rewritten } = this.tally;
    try {
      while (this.holding && !this.stopped) {
        this.again = false;
        const read = await this.discover();
        const taken = await this.work();
        if (read === 0 && taken === 0) return;
      }
    } finally {
      // One line a round, not one a photo: a million-listing import has many rounds, and far more photos.
      if (this.tally.rewritten !== rewritten || this.tally.givenUp !== givenUp) {
        log.info({ fetched: this.tally.fetched - fetched, givenUp: this.tally.givenUp - givenUp, listings: this.tally.rewritten - rewritten }, 'photo import: photos brought home');
      }
    }
  }

  /** Queues the listings that gained a URL to fetch since the cursor; the changes read. */
  private async discover(): Promise<number> {
    const cursor = await this.p.imports.cursor();
    if (!cursor || cursor.hosts !== this.hostsKey) return this.scan();
    const changes = await this.p.engine.store.changesAfter(cursor.seq, this.o.logBatch);
    if (changes.length === 0) return 0;
    const ids = new Set<string>();
    for (const e of changes) {
      // Only a URL that was not there before: the importer's own rewrite (which only takes
      // URLs away) and a URL waiting for its retry queue nothing.
      if (e.op === 'upsert' && e.after && gained(this.p.policy, e.before, e.after)) ids.add(e.listingId);
    }
    await this.p.imports.enqueue([...ids], Date.now(), { seq: changes[changes.length - 1]!.seq, hosts: this.hostsKey });
    return changes.length;
  }

  /** Every listing naming an allowed URL queued, from one snapshot; the log followed from there. */
  private async scan(): Promise<number> {
    const ids: string[] = [];
    const seq = await this.p.engine.store.snapshot((r) => {
      if (fetchable(this.p.policy, r.photos).length > 0) ids.push(r.id);
    });
    await this.p.imports.enqueue(ids, Date.now(), { seq, hosts: this.hostsKey });
    log.info({ listings: ids.length, seq, hosts: this.hostsKey }, 'photo import: listings naming photos to fetch queued');
    return 1;
  }

  /** Takes a round of due listings, a few at a time; how many it took. */
  private async work(): Promise<number> {
    const ids = await this.p.imports.due(Date.now(), this.o.batch);
    let next = 0;
    const worker = async () => {
      while (next < ids.length && this.holding && !this.stopped) await this.importListing(ids[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.o.fetchesAtOnce, ids.length) }, worker));
    return ids.length;
  }

  private async importListing(id: string): Promise<void> {
    const listing = await this.p.engine.store.get(id);
    const urls = fetchable(this.p.policy, listing?.photos);
    if (urls.length === 0) return this.p.imports.done(id);
    const known = await this.p.imports.sources(urls);
    const replace: Record<string, string | null> = {};
    let retryAt = Infinity;
    for (const url of urls) {
      let s = known.get(url);
      if (!s || (!s.hash && !s.dead && s.retryAt <= Date.now())) {
        const fetched = await this.fetchShared(url);
        // Stopping: the listing stays queued as it is, for the next holder.
        if (fetched === STOPPED) return;
        s = fetched;
      }
      if (s.hash) replace[url] = ownPhotoUrl(s.hash);
      else if (s.dead) replace[url] = null;
      else retryAt = Math.min(retryAt, s.retryAt);
    }
    if (Object.keys(replace).length > 0) {
      const out = await this.p.engine.write({ op: 'patch', id, patch: {}, replacePhotos: replace });
      if (out.event) this.tally.rewritten++;
    }
    if (retryAt < Infinity) await this.p.imports.reschedule(id, retryAt);
    else await this.p.imports.done(id);
  }

  /**
   * The URL's outcome: shared with a fetch of it in flight, or read again from the record
   * (another worker may have brought it home since this listing looked), or fetched now.
   * Registered before its first await, and the outcome recorded before it is let go, so
   * no moment exists in which a second fetch of the URL could start.
   */
  private fetchShared(url: string): Promise<PhotoSource | typeof STOPPED> {
    let pending = this.inFlight.get(url);
    if (!pending) {
      pending = (async () => {
        const now = (await this.p.imports.sources([url])).get(url);
        if (now && (now.hash || now.dead || now.retryAt > Date.now())) return now;
        return this.fetchOne(url, now);
      })().finally(() => this.inFlight.delete(url));
      this.inFlight.set(url, pending);
    }
    return pending;
  }

  /** Fetches, encodes and stores one URL, and records what it became. */
  private async fetchOne(url: string, before: PhotoSource | undefined): Promise<PhotoSource | typeof STOPPED> {
    await this.pace.turn(new URL(url).host);
    if (this.stopped) return STOPPED;
    const got = await this.p.fetcher.fetch(url);
    // A fetch cut short by stop() says nothing about the photo: nothing is recorded.
    if (!got.ok && this.stopped) return STOPPED;
    if (!got.ok) return this.failed(url, before, got.reason, got.message, got.permanent);
    this.tally.bytes += got.bytes.length;
    // The hash of the bytes as fetched, as an upload's is: one picture is one stored photo.
    const hash = crypto.createHash('sha256').update(got.bytes).digest('hex');
    if (!(await this.p.photos.has(hash))) {
      const out = await this.encode(got.bytes);
      if (!out.ok) return this.failed(url, before, out.status === 'too_many_pixels' ? 'too_large' : 'not_an_image', out.message, true);
      await this.p.photos.put(hash, out.variants);
    }
    const s: PhotoSource = { url, hash, failures: before?.failures ?? 0, dead: false, retryAt: 0, lastError: null };
    await this.p.imports.record(s);
    this.tally.fetched++;
    return s;
  }

  /** One encode at a time: each takes a core for a moment, and renters' uploads come first. */
  private encode(bytes: Buffer): Promise<EncodeOutcome> {
    const out = this.encoding.then(() => encodePhoto(bytes));
    this.encoding = out.catch(() => undefined);
    return out;
  }

  private async failed(url: string, before: PhotoSource | undefined, reason: FetchFailure, message: string, permanent: boolean): Promise<PhotoSource> {
    const failures = (before?.failures ?? 0) + 1;
    const dead = permanent || failures >= this.o.maxFailures;
    const s: PhotoSource = {
      url,
      hash: null,
      failures,
      dead,
      retryAt: dead ? 0 : Date.now() + this.o.retryBaseMs * 4 ** (failures - 1),
      lastError: `${reason}: ${message}`.slice(0, 300),
    };
    await this.p.imports.record(s);
    this.tally.failures.set(reason, (this.tally.failures.get(reason) ?? 0) + 1);
    if (dead) {
      this.tally.givenUp++;
      log.debug({ url, reason, failures, message }, 'photo import: given up on a photo; listings naming it drop it');
    }
    return s;
  }
}

/** Whether a change brought an allowed URL the listing did not name before. */
function gained(policy: PhotoFetchPolicy, before: ListingRecord | null, after: ListingRecord): boolean {
  const urls = fetchable(policy, after.photos);
  if (urls.length === 0) return false;
  const had = new Set(before?.photos ?? []);
  return urls.some((u) => !had.has(u));
}
