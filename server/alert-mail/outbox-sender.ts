import { createHash } from 'node:crypto';
import type { Account, AccountStore } from '../accounts/account-store';
import { FAVOURITE_SOURCE, type AlertStore, type SavedSearch } from '../alerts/alert-store';
import type { OutboxRow, PageContext, SenderPartition } from '../alerts/alert-outbox';
import type { PushPayload } from '../contract/alert-channels';
import { MAIL_CONNECTIONS, type Mail, type Mailer } from '../mail/mailer';
import type { StoredSubscription } from '../push/push-store';
import { log } from '../log';
import type { Locale } from '../../components/i18n/messages';
import { alertMail, priceLine, type MailSection } from './alert-mail-text';
import type { PushSender } from './push-port';
import { SentMarks } from './sent-marks';
import { unsubscribeToken } from './unsubscribe-token';

/** How long a sender's claim holds without renewal: another node takes over after it. */
export const SENDER_LEASE_MS = 5_000;
/** How often a holder looks for due rows (instant mail waits a second to gather anyway). */
const TICK_MS = 250;
/** Rows taken at a time: a page is read, rendered and marked in a few round trips, whatever its size. */
const PAGE = 500;
/** Mails handed to the mail server at once: one a pooled connection. */
const PARALLEL_MAILS = MAIL_CONNECTIONS;
/** Push requests at once (the push agent keeps sixteen sockets a host). */
const PARALLEL_PUSHES = 16;
/** The longest wait between tries while SMTP or the push service is down. */
const MAX_BACKOFF_MS = 30_000;
/** How long a finished row is kept: the hourly cap reads an hour of them; the rest is for looking back. */
export const OUTBOX_KEPT_MS = 24 * 3_600_000;
/** How often a sender forgets finished rows, and how many a statement (a flood's day is millions: several statements a sweep). */
const FORGET_EVERY_MS = 60_000;
const FORGET_A_STATEMENT = 10_000;
const FORGET_STATEMENTS_A_SWEEP = 20;

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
  /**
   * Slices of the outbox by owner (ALERT_SENDERS), each under a lease of its own: with
   * more than one, several nodes send at once. 1: one sender for the cluster.
   */
  partitions?: number;
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

/** One send of a page: its rows, and what to do with them once sent or refused. */
interface Job {
  ids: number[];
  digest: boolean;
  /** Its rows stay one mail (or push) on a retry. */
  keepMail: boolean;
  /** A push group's key, to be written on its rows if it is refused (groupPushes). */
  fixOnRefusal?: { key: string; ids: number[] };
  attempts: number;
  send(): Promise<void>;
  /** Accepted at `at` (epoch ms). */
  sent(at: number): void;
}

type Channel = 'email' | 'push';
/**
 * Taken and sent apart: a page is done only when all its sends are, and a page of mails
 * (five SMTP round trips each) held the pushes that came in it behind them.
 */
const CHANNELS: readonly Channel[] = ['email', 'push'];

/** A partition's lease as this node last knew it. */
class Lease {
  holding = false;
  claimedAt = -Infinity;
  renewing: Promise<boolean> | null = null;
  /** A pass per channel: push pages go on while a page of mails is still with SMTP. */
  running: Record<Channel, Promise<void> | null> = { email: null, push: null };
  constructor(readonly partition: SenderPartition) {}
}

/**
 * The alert outbox's sender: the node holding a partition's lease takes a page of that
 * partition's due rows under an attempt lease, reads what the page needs at once (accounts,
 * languages, searches, favourites, hourly counts), groups a search's homes into one mail
 * (an owner's day into one digest), fixes the page's new mails and their Message-IDs in one
 * statement before any is sent, hands them to SMTP eight at a time (pushes sixteen at a
 * time) and marks what was accepted as it comes, a statement for all accepted meanwhile. A
 * failed send waits with backoff and retries the same mail.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly now: () => number;
  private readonly leases: Lease[];
  /** When this node last took a partition it did not hold (how it leaves some to the other nodes). */
  private grabbedAt = -Infinity;
  /** When this node last forgot finished rows, and the sweep under way. */
  private forgotAt = -Infinity;
  private forgetting: Promise<void> | null = null;
  private readonly marks: SentMarks;
  /** Mails accepted by the mail server, pushes sent (for /metrics and tests). */
  mailed = 0;
  pushed = 0;
  /** Alerts those pushes carried (pushed / pushedAlerts: requests an alert). */
  pushedAlerts = 0;

  constructor(private readonly o: OutboxSenderOptions) {
    this.now = o.now ?? Date.now;
    const count = Math.max(1, o.partitions ?? 1);
    // Each node starts at its own slice, so three nodes starting together ask for different ones first.
    const first = [...o.node].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7) % count;
    this.leases = Array.from({ length: count }, (_, k) => new Lease({ index: (first + k) % count, count }));
    this.marks = new SentMarks((ids) => o.store.finish(ids, 'sent', this.now()));
  }

  start(): void {
    this.timer = setInterval(() => void this.kick(), TICK_MS);
    this.timer.unref();
  }

  /** One pass over every partition this node holds or may take now (tests, and the tick). */
  async kick(): Promise<void> {
    if (this.stopped) return;
    // Asked one after another, so a node takes one free slice a turn, not all of them at once.
    for (const l of this.leases) if (!l.running.email && !l.running.push) await this.renew(l).catch((err: unknown) => log.error({ err }, 'alert outbox: the sender lease could not be asked for'));
    if (this.leases.some((l) => l.holding)) this.forgetOld();
    await Promise.all(this.leases.flatMap((l) => CHANNELS.map((c) => this.kickOne(l, c))));
  }

  /**
   * Once a minute, on a node that sends: rows finished more than OUTBOX_KEPT_MS ago are
   * deleted, oldest first, a bounded number a sweep — the outbox is two rows an alert, and
   * kept whole it grew without end. Not awaited by the passes; two nodes sweeping at once
   * delete the same rows once.
   */
  private forgetOld(): void {
    const now = this.now();
    if (this.forgetting || now - this.forgotAt < FORGET_EVERY_MS) return;
    this.forgotAt = now;
    this.forgetting = (async () => {
      for (let k = 0; k < FORGET_STATEMENTS_A_SWEEP && !this.stopped; k++) {
        if ((await this.o.store.forgetDone(now - OUTBOX_KEPT_MS, FORGET_A_STATEMENT)) < FORGET_A_STATEMENT) break;
      }
    })()
      .catch((err: unknown) => log.warn({ err }, 'alert outbox: could not forget finished rows; trying again in a minute'))
      .finally(() => {
        this.forgetting = null;
      });
  }

  private kickOne(l: Lease, channel: Channel): Promise<void> {
    const running = l.running[channel];
    if (running) return running;
    const pass = this.pass(l, channel)
      .catch((err: unknown) => log.error({ err, channel }, 'alert outbox: a pass failed; retrying'))
      .finally(() => {
        l.running[channel] = null;
      });
    l.running[channel] = pass;
    return pass;
  }

  /**
   * Takes or renews a partition's lease, once a third of it at most: the holder renews while
   * it works (a pass of slow mails outlasts the lease), the others ask no more often. A node
   * that holds k partitions asks for a free one only k lease-times after it last took one,
   * so a node holding none takes it first: three nodes end with a slice each.
   */
  private renew(l: Lease): Promise<boolean> {
    if (Date.now() - l.claimedAt <= SENDER_LEASE_MS / 3) return Promise.resolve(l.holding);
    if (!l.holding && this.leases.length > 1) {
      const held = this.leases.filter((x) => x.holding).length;
      if (held > 0 && Date.now() - this.grabbedAt < held * SENDER_LEASE_MS) return Promise.resolve(false);
    }
    l.renewing ??= (async () => {
      try {
        const was = l.holding;
        l.claimedAt = Date.now();
        l.holding = await this.o.store.claimSender(this.o.node, SENDER_LEASE_MS, l.partition);
        if (l.holding && !was) this.grabbedAt = Date.now();
      } catch (err) {
        l.holding = false; // unknown: the lease may be lost; send nothing until it is known again
        l.claimedAt = -Infinity;
        throw err;
      } finally {
        l.renewing = null;
      }
      return l.holding;
    })();
    return l.renewing;
  }

  private async pass(l: Lease, channel: Channel): Promise<void> {
    for (;;) {
      if (this.stopped || !(await this.renew(l))) return;
      const takenAt = Date.now();
      const rows = await this.o.store.takeDue(this.now(), this.o.attemptMs, PAGE, l.partition, channel);
      if (rows.length === 0) return;
      await this.sendPage(l, rows, takenAt);
      if (rows.length < PAGE) return;
    }
  }

  /**
   * Sends a page. A send starts only while this node holds the partition's lease and while
   * the rows' attempt lease has half its time left: another node takes rows only once that
   * lease has run out, so a mail this node is still handing to SMTP is not taken and sent
   * again elsewhere. What is left is let go at once, unsent (mails keep their rows and
   * Message-IDs).
   */
  private async sendPage(l: Lease, rows: OutboxRow[], takenAt: number): Promise<void> {
    const until = takenAt + this.o.attemptMs - 1_000;
    const mailRows = rows.filter((r) => r.channel === 'email');
    const pushRows = rows.filter((r) => r.channel === 'push');
    const owners = [...new Set(rows.map((r) => r.owner))];
    const { formed, fresh } = groupMails(mailRows);
    const capOwners = [...new Set(fresh.filter((g) => !g.digest).map((g) => g.owner))];
    const now = this.now();
    const [ctx, accounts, subscriptions] = await Promise.all([
      this.o.store.pageContext({
        owners,
        searchIds: [...new Set(rows.filter((r) => r.source !== FAVOURITE_SOURCE).map((r) => r.source))],
        favouriteOwners: [...new Set(rows.filter((r) => r.source === FAVOURITE_SOURCE).map((r) => r.owner))],
        capOwners,
        since: now - 3_600_000,
      }),
      mailRows.length > 0 ? this.o.accounts.accounts([...new Set(mailRows.map((r) => r.owner))]) : new Map<string, Account>(),
      pushRows.length > 0 && this.o.push ? this.o.push.subscriptionsOf([...new Set(pushRows.map((r) => r.owner))]) : new Map<string, StoredSubscription[]>(),
    ]);

    // Past ALERT_MAILS_PER_HOUR an owner's new instant mails wait for the digest.
    const sentBy = new Map(ctx.mailsSent);
    const waitForDigest: number[] = [];
    const mails = [...formed];
    for (const g of fresh) {
      if (!g.digest) {
        const before = sentBy.get(g.owner) ?? 0;
        if (before >= this.o.mailsPerHour) {
          waitForDigest.push(...g.rows.map((r) => r.id));
          continue;
        }
        sentBy.set(g.owner, before + 1);
      }
      // The outbox key of its first row: unique, and the same wherever the mail is retried.
      g.key = `${g.digest ? 'd' : 'm'}${g.rows[0]!.id}`;
      mails.push(g);
    }
    await Promise.all([
      waitForDigest.length > 0 ? this.o.store.postpone(waitForDigest, this.o.digestAt(now), true, false) : null,
      this.o.store.setMailKeys(fresh.filter((g) => g.key !== '').map((g) => ({ key: g.key, ids: g.rows.map((r) => r.id) }))),
    ]);

    const skipped: number[] = [];
    const jobs: Job[] = [];
    for (const g of mails) {
      const job = this.mailJob(g, ctx, accounts.get(g.owner), skipped);
      if (job) jobs.push(job);
    }
    const pushJobs: Job[] = [];
    for (const g of groupPushes(pushRows)) {
      const job = this.pushJob(g.owner, g.rows, ctx, subscriptions.get(g.owner) ?? [], skipped);
      if (job && g.fresh) job.fixOnRefusal = { key: g.key, ids: job.ids };
      if (job) pushJobs.push(job);
    }
    // Not awaited until the page's end: a failure must be caught here, or it would end the process.
    const skipping = skipped.length > 0 ? this.o.store.finish(skipped, 'skipped', now).catch((err: unknown) => log.warn({ err, rows: skipped.length }, 'alert outbox: could not let rows go; they are taken again')) : null;

    const failed: Job[] = [];
    const marking: Promise<void>[] = [];
    const halted: Job[] = [];
    const run = async (list: Job[], width: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(width, list.length) }, async () => {
          while (next < list.length) {
            if (this.stopped || Date.now() - takenAt > this.o.attemptMs / 2 || !(await this.renew(l).catch(() => false))) {
              halted.push(...list.slice(next));
              next = list.length;
              break;
            }
            const job = list[next++]!;
            try {
              await job.send();
            } catch (err) {
              log.warn({ err: (err as Error).message, rows: job.ids.length, attempts: job.attempts }, job.keepMail ? 'alert mail not accepted; retrying later' : 'alert push not taken; retrying later');
              failed.push(job);
              continue;
            }
            // Accepted: from here until the rows are marked is the one window in which a crash sends it again (the same Message-ID, the same tag).
            const at = this.now();
            marking.push(this.marks.mark(job.ids, until).then(() => job.sent(at)));
          }
        }),
      );
    };
    await Promise.all([run(jobs, PARALLEL_MAILS), run(pushJobs, PARALLEL_PUSHES)]);

    // Refused: the same rows again after a backoff; not started: free for the next pass at once.
    const later = new Map<string, { ids: number[]; dueAt: number; digest: boolean; keepMail: boolean }>();
    const put = (j: Job, dueAt: number) => {
      const k = `${dueAt}|${j.digest}|${j.keepMail}`;
      const e = later.get(k) ?? { ids: [], dueAt, digest: j.digest, keepMail: j.keepMail };
      e.ids.push(...j.ids);
      later.set(k, e);
    };
    const after = this.now();
    for (const j of failed) put(j, after + backoffMs(j.attempts));
    for (const j of halted) put(j, after);
    // A refused push may have been taken by some of the owner's devices: its rows are fixed as
    // one group before they are let go, so the retry is the same text (not sent to those again).
    const fixing = failed.flatMap((j) => (j.fixOnRefusal ? [j.fixOnRefusal] : []));
    if (fixing.length > 0) await this.o.store.setMailKeys(fixing).catch((err: unknown) => log.warn({ err, groups: fixing.length }, 'alert outbox: could not fix refused push groups; a retry may regroup them'));
    await Promise.all([
      skipping,
      ...marking,
      ...[...later.values()].map((e) => this.o.store.postpone(e.ids, e.dueAt, e.digest, e.keepMail).catch(() => undefined)),
    ]);
  }

  /**
   * A mail's job, or null (its rows skipped) when there is nothing to send: no address (anonymous,
   * or the account is gone), or no section left — rows whose search or favourite is gone, or no
   * longer chooses email (changed or unsubscribed since the row was written: a digest waits hours),
   * go unsent.
   */
  private mailJob(g: MailGroup, ctx: PageContext, account: Account | undefined, skipped: number[]): Job | null {
    const ids = g.rows.map((r) => r.id);
    if (!account?.email) {
      skipped.push(...ids);
      return null;
    }
    const sections = this.sections(g, ctx, skipped);
    if (sections.length === 0) return null;
    const locale: Locale = ctx.locales.get(g.owner) ?? 'en';
    const token = g.digest ? unsubscribeToken(this.o.secret, { owner: g.owner, source: '*', listingId: null }) : sections[0]!.unsubscribeToken;
    const sentIds = sections.flatMap((s) => s.rowIds);
    const email = account.email;
    let mail: Mail | null = null;
    return {
      ids: sentIds,
      digest: g.digest,
      keepMail: true,
      attempts: Math.max(...g.rows.map((r) => r.attempts)),
      send: async () => {
        // Rendered when its turn comes, so a page's mails are not all held rendered at once.
        mail ??= alertMail({ to: email, locale, base: this.o.base, sections, digest: g.digest, unsubscribeToken: token, messageId: messageIdOf(g.key, this.o.base) });
        await this.o.mailer.send(mail);
      },
      sent: (at) => {
        this.mailed++;
        const inMail = new Set(sentIds);
        for (const r of g.rows) if (inMail.has(r.id)) this.o.onMailed?.(at - r.at);
      },
    };
  }

  /** The mail's homes by search (favourites together), each with its name and links; rows of sources gone or not choosing email are skipped. */
  private sections(g: MailGroup, ctx: PageContext, skipped: number[]): (MailSection & { rowIds: number[] })[] {
    const bySource = new Map<string, OutboxRow[]>();
    const kept = ctx.favourites.get(g.owner) ?? [];
    const mailed = new Set(kept.filter((f) => f.channels.includes('email')).map((f) => f.listingId));
    for (const r of g.rows) {
      if (r.source === FAVOURITE_SOURCE && !mailed.has(r.listing.id)) {
        skipped.push(r.id);
        continue;
      }
      const list = bySource.get(r.source) ?? [];
      list.push(r);
      bySource.set(r.source, list);
    }
    const out: (MailSection & { rowIds: number[] })[] = [];
    for (const [source, rows] of bySource) {
      rows.sort((a, b) => a.alertId - b.alertId);
      const homes = rows.map((r) => ({ reason: r.reason, listing: r.listing, ...(r.previousPrice !== undefined ? { previousPrice: r.previousPrice } : {}) }));
      const rowIds = rows.map((r) => r.id);
      if (source === FAVOURITE_SOURCE) {
        // One token per favourite; a mail of several favourites names the first (the digest's footer turns off all).
        out.push({ name: null, mapUrl: null, homes, rowIds, unsubscribeToken: unsubscribeToken(this.o.secret, { owner: g.owner, source, listingId: rows[0]!.listing.id }) });
        continue;
      }
      const search = searchOfOwner(ctx, g.owner, source);
      if (!search || !search.channels.includes('email')) {
        skipped.push(...rowIds);
        continue;
      }
      out.push({ name: search.name, mapUrl: mapUrl(this.o.base, search), homes, rowIds, unsubscribeToken: unsubscribeToken(this.o.secret, { owner: g.owner, source, listingId: null }) });
    }
    return out;
  }

  /**
   * An owner's push rows of a page as one push, or null (all skipped) without Web Push here.
   * Rows whose search or favourite is gone or no longer chooses push are skipped; the rest go
   * in one request per subscription, and its acceptance marks them all: each alert rides in
   * exactly one accepted push, and a refused one leaves them all due, to go together again.
   */
  private pushJob(owner: string, rows: OutboxRow[], ctx: PageContext, subscriptions: StoredSubscription[], skipped: number[]): Job | null {
    const push = this.o.push;
    const pushedHomes = new Set((ctx.favourites.get(owner) ?? []).filter((f) => f.channels.includes('push')).map((f) => f.listingId));
    const kept: PushItem[] = [];
    for (const r of rows) {
      const search = r.source === FAVOURITE_SOURCE ? null : searchOfOwner(ctx, owner, r.source);
      const chosen = r.source === FAVOURITE_SOURCE ? pushedHomes.has(r.listing.id) : search !== null && search.channels.includes('push');
      if (!push || !chosen) skipped.push(r.id);
      else kept.push({ row: r, search });
    }
    if (!push || kept.length === 0) return null;
    kept.sort((a, b) => a.row.alertId - b.row.alertId);
    const locale: Locale = ctx.locales.get(owner) ?? 'en';
    const ids = kept.map((k) => k.row.id);
    return {
      ids,
      digest: false,
      // A refused push keeps its group (groupPushes): the retry is the same text.
      keepMail: true,
      attempts: Math.max(...kept.map((k) => k.row.attempts)),
      send: async () => {
        await push.sendToOwner(owner, groupPushPayload(kept, this.o.base, locale), subscriptions);
      },
      sent: (at) => {
        this.pushed++;
        this.pushedAlerts += kept.length;
        for (const k of kept) this.o.onPushed?.(at - k.row.at);
      },
    };
  }

  /** Stops taking rows; the passes in hand finish (a mail being sent is accepted or not) and the leases go back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.leases.flatMap((l) => [l.running.email, l.running.push]), this.forgetting]);
    await Promise.all(this.leases.filter((l) => l.holding).map((l) => this.o.store.releaseSender(this.o.node, l.partition).catch(() => undefined)));
  }
}

/**
 * A page's mails: rows of a mail formed before keep it (same rows, same Message-ID); new
 * instant rows form one mail per (owner, search), digest rows one per owner — their keys
 * are given once the hourly cap has been applied.
 */
function groupMails(rows: OutboxRow[]): { formed: MailGroup[]; fresh: MailGroup[] } {
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
  return { formed: [...formed.values()], fresh: [...fresh.values()] };
}

interface PushGroup {
  key: string;
  owner: string;
  rows: OutboxRow[];
  /** Formed in this page: its key is written only if it is refused. */
  fresh: boolean;
}

/**
 * A page's pushes: one per owner (adaptive batching: a sender that keeps up sees an alert or
 * two an owner a page and sends each at once; one behind sees more and carries them in fewer
 * requests, so a backlog costs fewer pushes, not more). A refused group is fixed by a key on
 * its rows, as a mail is before it is sent: an owner's push that one device took and another
 * refused is tried again with the same rows, so the same text, and the push sender, which
 * remembers what each endpoint took by its text, does not ring the first device again.
 * Rows that arrived since go in a push of their own. (Written only on refusal: a key on every
 * push row was a second write of each in a flood. A node that dies mid-push leaves its group
 * unfixed; that window is the one every send has, between taken and marked.)
 */
function groupPushes(rows: OutboxRow[]): PushGroup[] {
  const groups = new Map<string, PushGroup>();
  for (const r of rows) {
    const k = r.mailKey ?? `\u0000${r.owner}`;
    const g = groups.get(k) ?? { key: r.mailKey ?? `p${r.id}`, owner: r.owner, rows: [], fresh: r.mailKey === null };
    g.rows.push(r);
    groups.set(k, g);
  }
  return [...groups.values()];
}

/** The saved search a row names, when it is still the row owner's. */
function searchOfOwner(ctx: PageContext, owner: string, id: string): SavedSearch | null {
  const s = ctx.searches.get(id);
  return s && s.owner === owner ? s.search : null;
}

const PUSH_WORDS = {
  en: {
    new: 'New home',
    price_drop: 'Price drop',
    removed: 'No longer listed',
    favourite: 'Your favourite',
    newHomes: (n: number, name: string) => `${n} new homes match “${name}”`,
    searchUpdates: (n: number, name: string) => `${n} updates to “${name}”`,
    savedUpdates: (n: number) => `${n} updates to your saved homes`,
    mixed: (n: number) => `${n} updates to your searches and saved homes`,
    more: (n: number) => `and ${n} more`,
  },
  zh: {
    new: '新房源',
    price_drop: '降价',
    removed: '已下架',
    favourite: '您收藏的房源',
    newHomes: (n: number, name: string) => `“${name}”有 ${n} 套新房源`,
    searchUpdates: (n: number, name: string) => `“${name}”有 ${n} 条更新`,
    savedUpdates: (n: number) => `您收藏的房源有 ${n} 条更新`,
    mixed: (n: number) => `您的搜索和收藏有 ${n} 条更新`,
    more: (n: number) => `还有 ${n} 条`,
  },
} as const;

/** Homes a grouped notification names: a phone shows three or four lines, and the payload stays far under Web Push's 4 KB. */
const PUSH_LISTED = 3;
const oneLine = (t: string, max: number) => {
  const chars = Array.from(t.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
};

export interface PushItem {
  row: OutboxRow;
  search: SavedSearch | null;
}

/**
 * The notification's tag: one per owner and source (a search, the favourites, or both mixed),
 * so the next push for it replaces the last on the phone rather than stacking; hashed, as
 * the push service sees it (as a Topic) and owner ids are ours.
 */
export function pushTag(owner: string, source: string): string {
  return `alerts-${createHash('sha256').update(`${owner}\u0000${source}`).digest('base64url').slice(0, 22)}`;
}

const photoOf = (r: OutboxRow, base: string): string | null => {
  const photo = r.listing.photos?.[0];
  return photo && photo.startsWith('/photos/') ? `${base}${photo}` : null;
};

/** One alert's notification: what happened and where, the home's title and price; opens the home. */
export function pushPayload(r: OutboxRow, searchName: string | null, base: string, locale: Locale): PushPayload {
  const w = PUSH_WORDS[locale];
  const title = oneLine(`${w[r.reason]} · ${searchName ?? w.favourite}`, 120);
  const body = `${oneLine(r.listing.title, 140)} — ${priceLine(r, locale)}`;
  const photo = photoOf(r, base);
  return {
    title,
    body,
    url: `${base}/listings/${encodeURIComponent(r.listing.id)}`,
    tag: pushTag(r.owner, r.source),
    count: 1,
    ...(photo ? { icon: photo } : {}),
  };
}

/**
 * An owner's page of alerts as one notification: one alert reads as before; several say how
 * many and of what ("5 new homes match “Brooklyn 2 bed”"), name the first few homes, and open
 * the search's map (the saved homes page for favourites or a mix). Text only: the system shows
 * it as text, and the service worker never puts it in a page.
 */
export function groupPushPayload(items: PushItem[], base: string, locale: Locale): PushPayload {
  const first = items[0]!;
  if (items.length === 1) return pushPayload(first.row, first.search?.name ?? null, base, locale);
  const w = PUSH_WORDS[locale];
  const sources = new Set(items.map((i) => i.row.source));
  const one = sources.size === 1 ? first : null;
  const name = one?.search ? oneLine(one.search.name, 60) : null;
  const n = items.length;
  const title =
    one?.search && name !== null
      ? items.every((i) => i.row.reason === 'new')
        ? w.newHomes(n, name)
        : w.searchUpdates(n, name)
      : one
        ? w.savedUpdates(n)
        : w.mixed(n);
  const lines = items.slice(0, PUSH_LISTED).map((i) => `${i.row.reason === 'new' ? '' : `${w[i.row.reason]}: `}${oneLine(i.row.listing.title, 60)} — ${priceLine(i.row, locale)}`);
  if (n > PUSH_LISTED) lines.push(w.more(n - PUSH_LISTED));
  const photo = items.map((i) => photoOf(i.row, base)).find((p) => p !== null);
  return {
    title: oneLine(title, 120),
    body: lines.join('\n'),
    url: one?.search ? mapUrl(base, one.search) : `${base}/saved`,
    tag: pushTag(first.row.owner, one ? first.row.source : '*'),
    count: n,
    ...(photo ? { icon: photo } : {}),
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
