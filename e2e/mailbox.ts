/**
 * The browser tests' mail: a real SMTP server (smtp-server, nodemailer's own) on a port of
 * the run's own, started by the runner before the tests (globalSetup), each accepted mail
 * written to a folder as JSON so the tests — in worker processes — read their links back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { E2E_ORIGIN } from './fixtures';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export const MAIL_DIR = path.resolve('test-results', 'e2e-mail');
/** A whole mail's file in MAIL_DIR (not one still being written). */
export const isMail = (f: string): boolean => f.endsWith('.json');

export function startMailbox(port: number): Promise<() => Promise<void>> {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          const mail = { to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '', text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '' };
          // Written beside, then renamed: a test polling the folder from another process
          // must never read a mail half written (it did: "Unexpected end of JSON input").
          const file = path.join(MAIL_DIR, `${Date.now()}-${n++}.json`);
          fs.writeFileSync(`${file}.partial`, JSON.stringify(mail));
          fs.renameSync(`${file}.partial`, file);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(() => new Promise<void>((done) => server.close(() => done()))));
  });
}

interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** The newest mail to `to`, waited for; its sign-in link (on the page's own origin). */
export async function mailedLink(to: string, after = 0): Promise<{ mail: Mail; link: string }> {
  let found: Mail | null = null;
  await expect
    .poll(
      () => {
        const mails = fs
          .readdirSync(MAIL_DIR)
          .filter(isMail)
          .sort()
          .map((f) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, f), 'utf8')) as Mail)
          .filter((m) => m.to.includes(to));
        found = mails.length > after ? mails[mails.length - 1]! : null;
        return found !== null;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  const mail = found!;
  const m = /(https?:\/\/\S+\/auth\/email\?token=[\w-]+)/.exec(mail.text);
  if (!m) throw new Error(`no sign-in link in ${mail.text}`);
  return { mail, link: m[1]! };
}

/** How many mails `to` has had so far. */
export function mailCount(to: string): number {
  return fs
    .readdirSync(MAIL_DIR)
    .filter(isMail)
    .map((f) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, f), 'utf8')) as Mail)
    .filter((m) => m.to.includes(to)).length;
}

/**
 * Signs this page's browser in by a mailed link: asks for it through the API (as the dialog
 * does), reads it from the run's mailbox, opens it and presses the button that spends it.
 */
export async function signInByLink(page: Page, email: string): Promise<void> {
  const before = mailCount(email);
  expect((await page.request.post('/api/auth/email', { headers: { origin: E2E_ORIGIN }, data: { email } })).status()).toBe(202);
  const { link } = await mailedLink(email, before);
  await page.goto(link);
  await page.getByTestId('confirm-sign-in').click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
}
