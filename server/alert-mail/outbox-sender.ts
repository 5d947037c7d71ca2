import type { AccountStore } from '../accounts/account-store';
import { FAVOURITE_SOURCE, type AlertStore, type SavedSearch } from '../alerts/alert-store';
import type { OutboxRow } from '../alerts/alert-outbox';
import type { PushPayload } from '../contract/alert-channels';
import type { Mailer } from '../mail/mailer';
import { log } from '../log';
import type { Locale } from '../../components/i18n/messages';
import { alertMail, priceLine, type MailSection } from './alert-mail-text';
import type { PushSender } from './push-port';
import { unsubscribeToken } from './unsubscribe-token';

/** How long the one sender's claim holds without renewal: another node takes over after it. */
export const SENDER_LEASE_MS = 5_000;
/** How often the holder looks for due rows (instant mail waits a second to gather anyway). */
const TICK_MS = 250;
/** Rows taken at a time. */
const PAGE = 200;
/** Mails handed to the mail server at once (its pool has eight connections). */
const PARALLEL = 8;
/** The longest wait between tries while SMTP or the push service is down. */
const MAX_BACKOFF_MS = 30_000;

export interface OutboxSenderOptions {
  store: AlertStore;
  accounts: AccountStore;
  mailer: Mailer;
  push: PushSender | null;
  node: string;
  /** PUBLIC_URL: links and images in mails and notifications. */
  base: string;
  /** Signs unsubscribe tokens. */
  secret: string;
  /** Instant mails an account gets an hour; past it, its rows wait for the digest (ALERT_MAILS_PER_HOUR). */
  mailsPerHour: number;
  /** The next digest time after a moment (DIGEST_HOUR_UTC). */
  digestAt(now: number): number;
  /**
   * How long one attempt holds its rows (ALERT_SEND_LEASE_S): longer than a send can take
   * (nodemailer gives up on a dead server in 40 s at most), so no other sender takes them
   * while it is still talking to the mail server.
   */
  attemptMs: number;
  now?: () => number;
  /** Told how long each alert waited from its commit to its mail's acceptance / its push. */
  onMailed?(waitedMs: number): void;
  onPushed?(waitedMs: number): void;
}

/** Waits after the nth failed try: 1 s, 2 s, 4 s … up to 30 s. */
export const backoffMs = (attempts: number): number => Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.max(0, attempts - 1));

/** The Message-ID of the mail an outbox key names: the same rows give the same id, on any node, at any retry. */
export function messageIdOf(mailKey: string, base: string): string {
  return `<roost-alert.${mailKey}@${new URL(base).hostname}>`;
}

/** A favourite's source in tokens and groups: the favourite is the home, so its listing id says which. */
const sourceKey = (r: Pick<OutboxRow, 'source' | 'listing'>) => (r.source === FAVOURITE_SOURCE ? `${FAVOURITE_SOURCE}:${r.listing.id}` : r.source);

interface MailGroup {
  key: string;
  owner: string;
  digest: boolean;
  rows: OutboxRow[];
}

/**
 * The cluster's one sender of the alert outbox. The node holding the sender lease takes
 * due rows under an attempt lease, groups a search's homes into one mail (an owner's day
 * into one digest), fixes each mail's rows and Message-ID before its first try, hands it to
 * SMTP, and marks its rows sent only once the mail server accepted it; a failed try waits
 * with backoff and retries the same mail. Push rows go one each through PushSender.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private holding = false;
  private claimedAt = -Infinity;
  private readonly now: () => number;
  /** Mails accepted by the mail server, pushes sent (for /metrics and tests). */
  mailed = 0;
  pushed = 0;

  constructor(private readonly o: OutboxSenderOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
  }

  /** One pass now (tests, and the tick). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) return this.running;
    const pass = this.pass()
      .catch((err: unknown) => log.error({ err }, 'alert outbox: a pass failed; retrying'))
      .finally(() => {
        this.running = null;
      });
    this.running = pass;
    return pass;
  }

  private renewing: Promise<boolean> | null = null;

  /**
   * Takes or renews the sender lease, once a third of it at most: the holder renews while it
   * works (a pass of slow mails outlasts the lease), the others ask no more often. False
   * when another node holds it: then this one starts no send.
   */
  private renew(): Promise<boolean> {
    if (Date.now() - this.claimedAt <= SENDER_LEASE_MS / 3) return Promise.resolve(this.holding);
    this.renewing ??= (async () => {
      try {
        this.claimedAt = Date.now();
        this.holding = await this.o.store.claimSender(this.o.node, SENDER_LEASE_MS);
      } catch (err) {
        this.holding = false; // unknown: the lease may be lost; send nothing until it is known again
        this.claimedAt = -Infinity;
        throw err;
      } finally {
        this.renewing = null;
      }
      return this.holding;
    })();
    return this.renewing;
  }

  private async pass(): Promise<void> {
    if (!(await this.renew())) return;
    for (;;) {
      if (this.stopped || !(await this.renew())) return;
      const takenAt = Date.now();
      const rows = await this.o.store.takeDue(this.now(), this.o.attemptMs, PAGE);
      if (rows.length === 0) return;
      await this.sendAll(rows, takenAt);
      if (rows.length < PAGE) return;
    }
  }

  /**
   * Sends what was taken, eight at a time. A send starts only while this node holds the
   * sender lease and while the rows' attempt lease has half its time left: another node
   * takes rows only once that lease has run out, so a mail this node is still handing to
   * SMTP is not taken and sent again elsewhere. What is left is let go at once, unsent.
   */
  private async sendAll(rows: OutboxRow[], takenAt: number): Promise<void> {
    const pushes = rows.filter((r) => r.channel === 'push');
    const mails = await this.groups(rows.filter((r) => r.channel === 'email'));
    const jobs: { ids: number[]; digest: boolean; run: () => Promise<void> }[] = [
      ...pushes.map((r) => ({ ids: [r.id], digest: false, run: () => this.sendPush(r) })),
      ...mails.map((g) => ({ ids: g.rows.map((r) => r.id), digest: g.digest, run: () => this.sendMail(g) })),
    ];
    let next = 0;
    let halted = false;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, jobs.length) }, async () => {
        while (next < jobs.length && !halted) {
          if (this.stopped || Date.now() - takenAt > this.o.attemptMs / 2 || !(await this.renew().catch(() => false))) {
            halted = true;
            break;
          }
          await jobs[next++]!.run();
        }
      }),
    );
    if (!halted) return;
    // Not started: free for the next pass (the mails keep their rows and Message-IDs).
    for (const j of jobs.slice(next)) await this.o.store.postpone(j.ids, this.now(), j.digest, true).catch(() => undefined);
  }

  /**
   * The mails these rows make. Rows of a mail formed before keep it (same rows, same
   * Message-ID); new instant rows form one mail per (owner, search), unless the owner had
   * ALERT_MAILS_PER_HOUR already (then they wait for the digest); digest rows form one per
   * owner. A new mail's rows are fixed in the store before it is first sent.
   */
  private async groups(rows: OutboxRow[]): Promise<MailGroup[]> {
    const formed = new Map<string, MailGroup>();
    const fresh = new Map<string, MailGroup>();
    for (const r of rows) {
      if (r.mailKey !== null) {
        const g = formed.get(r.mailKey) ?? { key: r.mailKey, owner: r.owner, digest: r.digest, rows: [] };
        g.rows.push(r);
        formed.set(r.mailKey, g);
        continue;
      }
      const k = r.digest ? `d\u0000${r.owner}` : `i\u0000${r.owner}\u0000${sourceKey(r)}`;
      const g = fresh.get(k) ?? { key: '', owner: r.owner, digest: r.digest, rows: [] };
      g.rows.push(r);
      fresh.set(k, g);
    }
    const now = this.now();
    const sentThisPass = new Map<string, number>();
    const out = [...formed.values()];
    for (const g of fresh.values()) {
      if (!g.digest) {
        const before = sentThisPass.get(g.owner) ?? (await this.o.store.mailsSentSince(g.owner, now - 3_600_000));
        if (before >= this.o.mailsPerHour) {
          await this.o.store.postpone(g.rows.map((r) => r.id), this.o.digestAt(now), true, false);
          continue;
        }
        sentThisPass.set(g.owner, before + 1);
      }
      // The outbox key of its first row: unique, and the same wherever the mail is retried.
      g.key = `${g.digest ? 'd' : 'm'}${g.rows[0]!.id}`;
      await this.o.store.setMailKey(g.rows.map((r) => r.id), g.key);
      out.push(g);
    }
    return out;
  }

  private async sendMail(g: MailGroup): Promise<void> {
    const ids = g.rows.map((r) => r.id);
    try {
      const account = await this.o.accounts.account(g.owner);
      if (!account?.email) {
        await this.o.store.finish(ids, 'skipped', this.now()); // anonymous, or the account is gone
        return;
      }
      const locale: Locale = (await this.o.store.mailLocale(g.owner)) ?? 'en';
      const sections = await this.sections(g);
      if (sections.length === 0) {
        await this.o.store.finish(ids, 'skipped', this.now());
        return;
      }
      const token = g.digest
        ? unsubscribeToken(this.o.secret, { owner: g.owner, source: '*', listingId: null })
        : sections[0]!.unsubscribeToken;
      const mail = alertMail({ to: account.email, locale, base: this.o.base, sections, digest: g.digest, unsubscribeToken: token, messageId: messageIdOf(g.key, this.o.base) });
      await this.o.mailer.send(mail);
    } catch (err) {
      const attempts = Math.max(...g.rows.map((r) => r.attempts));
      log.warn({ err: (err as Error).message, mail: g.key, attempts }, 'alert mail not accepted; retrying later');
      await this.o.store.postpone(ids, this.now() + backoffMs(attempts), g.digest, true).catch(() => undefined);
      return;
    }
    // Accepted: from here until the rows are marked is the one window in which a crash
    // sends this mail again (with the same Message-ID).
    const at = this.now();
    await this.markSent(ids);
    this.mailed++;
    for (const r of g.rows) this.o.onMailed?.(at - r.at);
  }

  /**
   * Marks rows sent, trying again while the database is away (restarting, say) for as long
   * as this attempt holds them: given up, they would be taken and sent a second time.
   */
  private async markSent(ids: number[]): Promise<void> {
    const until = Date.now() + this.o.attemptMs - 1_000;
    for (let wait = 100; ; wait = Math.min(2_000, wait * 2)) {
      try {
        await this.o.store.finish(ids, 'sent', this.now());
        return;
      } catch (err) {
        if (Date.now() + wait > until) {
          log.error({ err, rows: ids.length }, 'alert outbox: sent, but could not mark it; it may be sent again');
          return;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /**
   * The mail's homes by search (favourites together), each with its name and links. Rows
   * whose search or favourite is gone, or no longer chooses email (changed or unsubscribed
   * since the row was written: a digest waits hours), go unsent.
   */
  private async sections(g: MailGroup): Promise<MailSection[]> {
    const bySource = new Map<string, OutboxRow[]>();
    const kept = g.rows.some((r) => r.source === FAVOURITE_SOURCE) ? await this.o.store.favouritesOf(g.owner) : [];
    const mailed = new Set(kept.filter((f) => f.channels.includes('email')).map((f) => f.listingId));
    const dropped: number[] = [];
    for (const r of g.rows) {
      if (r.source === FAVOURITE_SOURCE && !mailed.has(r.listing.id)) {
        dropped.push(r.id);
        continue;
      }
      const k = r.source === FAVOURITE_SOURCE ? FAVOURITE_SOURCE : r.source;
      const list = bySource.get(k) ?? [];
      list.push(r);
      bySource.set(k, list);
    }
    const out: MailSection[] = [];
    for (const [source, rows] of bySource) {
      rows.sort((a, b) => a.alertId - b.alertId);
      const homes = rows.map((r) => ({ reason: r.reason, listing: r.listing, ...(r.previousPrice !== undefined ? { previousPrice: r.previousPrice } : {}) }));
      if (source === FAVOURITE_SOURCE) {
        // One token per favourite; a mail of several favourites names the first (the digest's footer turns off all).
        out.push({ name: null, mapUrl: null, homes, unsubscribeToken: unsubscribeToken(this.o.secret, { owner: g.owner, source, listingId: rows[0]!.listing.id }) });
        continue;
      }
      const search = await this.o.store.searchOf(g.owner, source);
      if (!search || !search.channels.includes('email')) {
        dropped.push(...rows.map((r) => r.id));
        continue;
      }
      out.push({ name: search.name, mapUrl: mapUrl(this.o.base, search), homes, unsubscribeToken: unsubscribeToken(this.o.secret, { owner: g.owner, source, listingId: null }) });
    }
    if (dropped.length > 0) await this.o.store.finish(dropped, 'skipped', this.now());
    return out;
  }

  private async sendPush(r: OutboxRow): Promise<void> {
    if (!this.o.push) {
      await this.o.store.finish([r.id], 'skipped', this.now()); // no Web Push on this server
      return;
    }
    try {
      const search = r.source === FAVOURITE_SOURCE ? null : await this.o.store.searchOf(r.owner, r.source);
      const chosen =
        r.source === FAVOURITE_SOURCE
          ? (await this.o.store.favouritesOf(r.owner)).some((f) => f.listingId === r.listing.id && f.channels.includes('push'))
          : search !== null && search.channels.includes('push');
      if (!chosen) {
        await this.o.store.finish([r.id], 'skipped', this.now()); // gone, or push turned off since
        return;
      }
      const locale: Locale = (await this.o.store.mailLocale(r.owner)) ?? 'en';
      await this.o.push.sendToOwner(r.owner, pushPayload(r, search?.name ?? null, this.o.base, locale));
    } catch (err) {
      log.warn({ err: (err as Error).message, row: r.id, attempts: r.attempts }, 'alert push not taken; retrying later');
      await this.o.store.postpone([r.id], this.now() + backoffMs(r.attempts), false, false).catch(() => undefined);
      return;
    }
    const at = this.now();
    await this.markSent([r.id]);
    this.pushed++;
    this.o.onPushed?.(at - r.at);
  }

  /** Stops taking rows; the pass in hand finishes (a mail being sent is accepted or not) and the lease goes back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.o.store.releaseSender(this.o.node).catch(() => undefined);
  }
}

const PUSH_WORDS = {
  en: { new: 'New home', price_drop: 'Price drop', removed: 'No longer listed', favourite: 'Your favourite' },
  zh: { new: '新房源', price_drop: '降价', removed: '已下架', favourite: '您收藏的房源' },
} as const;

/** A notification: what happened and where, the home's title and price; one tag per alert, so a repeat replaces itself. */
export function pushPayload(r: OutboxRow, searchName: string | null, base: string, locale: Locale): PushPayload {
  const w = PUSH_WORDS[locale];
  const title = `${w[r.reason]} · ${searchName ?? w.favourite}`.slice(0, 120);
  const body = `${r.listing.title.replace(/\s+/g, ' ').slice(0, 140)} — ${priceLine(r, locale)}`;
  const photo = r.listing.photos?.[0];
  return {
    title,
    body,
    url: `${base}/listings/${encodeURIComponent(r.listing.id)}`,
    tag: `alert-${r.alertId}`,
    ...(photo && photo.startsWith('/photos/') ? { icon: `${base}${photo}` } : {}),
  };
}

/** The search on the map: its area's centre at a zoom that shows it, its filters. */
export function mapUrl(base: string, s: SavedSearch): string {
  const points = 'bbox' in s.area ? [[s.area.bbox[0], s.area.bbox[1]], [s.area.bbox[2], s.area.bbox[3]]] : s.area.polygon;
  const lons = points.map((p) => p[0]!);
  const lats = points.map((p) => p[1]!);
  const span = Math.max(Math.max(...lons) - Math.min(...lons), Math.max(...lats) - Math.min(...lats), 1e-4);
  const zoom = Math.max(3, Math.min(17, Math.round(Math.log2(360 / span)) + 1));
  const q = new URLSearchParams({
    lat: ((Math.min(...lats) + Math.max(...lats)) / 2).toFixed(5),
    lon: ((Math.min(...lons) + Math.max(...lons)) / 2).toFixed(5),
    zoom: String(zoom),
  });
  const f = s.filters;
  if (f.priceMin !== undefined) q.set('priceMin', String(f.priceMin));
  if (f.priceMax !== undefined) q.set('priceMax', String(f.priceMax));
  if (f.bedsMin !== undefined) q.set('bedsMin', String(f.bedsMin));
  if (f.types && f.types.length > 0) q.set('type', f.types.join(','));
  if (f.q) q.set('q', f.q);
  return `${base}/?${q.toString()}`;
}
