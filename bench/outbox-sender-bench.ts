/**
 * npm run bench:outbox [-- --owners 200 --homes 20]
 *
 * The alert outbox's sender alone (issue 29), in this process, on a PostgreSQL server of
 * its own, against the tests' SMTP server and HTTPS push service: `owners` accounts with
 * five saved searches each (email and push), `homes` alerts an owner spread over them,
 * committed as the matcher commits them; then one OutboxSender sends the email rows (one
 * mail per search), then the push rows (one request per owner a page, carrying its rows), each phase until the
 * outbox is empty. Prints, per phase: rows/s, store statements per mail or push (every
 * pool.query counted), and this process's CPU per mail or push — the receiving side's
 * included, the same in any two runs, so a difference is the sender's. CPU and statement
 * counts hold on a busy machine where a tail does not.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import webpush from 'web-push';
import { PostgresAccountStore } from '../server/accounts/postgres-account-store';
import type { AlertStore, NewAlert, SavedSearch } from '../server/alerts/alert-store';
import { nextDigestAt } from '../server/alerts/outbox-intents';
import { OutboxSender } from '../server/alert-mail/outbox-sender';
import type { ListingRecord } from '../server/core/listing';
import { openMailer } from '../server/mail/mailer';
import { PostgresPushStore } from '../server/push/postgres-push-store';
import { PushHosts } from '../server/push/push-hosts';
import { WebPushSender } from '../server/push/push-sender';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { MailServer } from '../test/helpers/mail-server';
import { PostgresServer } from '../test/helpers/postgres-server';
import { PushService } from '../test/helpers/push-service';

const { values: args } = parseArgs({ options: { owners: { type: 'string', default: '200' }, homes: { type: 'string', default: '20' } } });
const OWNERS = Number(args.owners);
const HOMES = Number(args.homes);
const SEARCHES = 5;
const line = (s = '') => process.stdout.write(`${s}\n`);

const home = (id: string): ListingRecord => ({
  id, title: `Home ${id}`, lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'Manhattan', neighbourhood: 'Village', bedrooms: 2, listedAt: 0, updatedAt: 0,
});
const search = (id: string): SavedSearch => ({
  id, name: `Search ${id}`, area: { bbox: [-74, 40.6, -73.9, 40.8] }, filters: {}, notify: ['new', 'price_drop', 'removed'], paused: false, createdAt: 0, since: 0, channels: ['page', 'email', 'push'], frequency: 'instant',
});

async function main(): Promise<void> {
  line(`# Outbox sender — ${OWNERS} owners × ${SEARCHES} searches, ${HOMES} alerts an owner`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; date: ${new Date().toISOString()}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const pg = await PostgresServer.start();
  const mail = await MailServer.start();
  const service = await PushService.start();
  const pool = await openDatabase({ url: await pg.createDatabase('outbox_bench'), poolMax: 10 });
  let statements = 0;
  const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
  (pool as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
    statements++;
    return query(...a);
  };
  const store = new PostgresAlertStore(pool) as unknown as AlertStore;
  const accounts = new PostgresAccountStore(pool);
  const pushStore = new PostgresPushStore(pool);
  const keys = webpush.generateVAPIDKeys();
  const push = new WebPushSender({ store: pushStore, keys, subject: 'mailto:bench@roost.test', hosts: PushHosts.parse(service.hostEntry), ca: service.ca });
  const mailer = openMailer(mail.url, 'Roost <roost@roost.bench>');
  try {
    for (let o = 0; o < OWNERS; o++) {
      await accounts.createAccount({ id: `acc-${o}`, email: `o${o}@bench.example`, name: `O${o}`, createdAt: 0 });
      for (let k = 0; k < SEARCHES; k++) await store.createSearch(`acc-${o}`, search(`s-${o}-${k}`));
      await pushStore.subscribe(`acc-${o}`, service.subscribe().json, 'en', Date.now());
    }
    let seq = 0;
    const commit = async (channel: 'email' | 'push') => {
      const alerts: NewAlert[] = [];
      for (let h = 0; h < HOMES; h++) {
        for (let o = 0; o < OWNERS; o++) {
          const source = `s-${o}-${h % SEARCHES}`;
          alerts.push({ seq: ++seq, session: `acc-${o}`, searchId: source, reason: 'new', listing: home(`h-${seq}`), outbox: [{ channel, source, digest: false, dueAt: 0 }] });
        }
      }
      for (let i = 0; i < alerts.length; i += 500) {
        for (;;) {
          if (!(await store.claim('matcher', 5_000, async () => 0))) throw new Error('matcher lease');
          const from = await store.matcherCursor();
          if (await store.commitBatch('matcher', from, from + 1, 5_000, alerts.slice(i, i + 500))) break;
        }
      }
      return alerts.length;
    };
    const sender = new OutboxSender({
      store, accounts, mailer, push, node: 'bench', base: 'https://roost.bench', secret: 'outbox-bench-secret-0123456789abcdef0123456789',
      mailsPerHour: 1_000_000, digestAt: (now) => nextDigestAt(now, 7), attemptMs: 60_000,
    });
    for (const channel of ['email', 'push'] as const) {
      const rows = await commit(channel);
      const before = { statements, cpu: process.cpuUsage(), at: performance.now(), mails: mail.mails.length, pushes: service.received.length };
      while ((await store.outboxWaiting()) > 0) await sender.kick();
      const cpu = process.cpuUsage(before.cpu);
      const seconds = (performance.now() - before.at) / 1000;
      const sent = channel === 'email' ? mail.mails.length - before.mails : service.received.length - before.pushes;
      const what = channel === 'email' ? 'mail' : 'push';
      line(
        `${channel}: ${rows} rows → ${sent} ${what === 'mail' ? 'mails' : 'push requests'} in ${seconds.toFixed(1)} s (${(rows / seconds).toFixed(0)} rows/s, ${(sent / seconds).toFixed(0)} ${what}s/s); ` +
          `${((statements - before.statements) / sent).toFixed(2)} store statements a ${what}; CPU of this process ${(((cpu.user + cpu.system) / sent) / 1000).toFixed(2)} ms a ${what}`,
      );
    }
    await sender.stop();
  } finally {
    mailer.close();
    push.close();
    await pool.end();
    await pg.stop();
    await mail.stop();
    await service.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:outbox failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
