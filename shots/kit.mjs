// What the screenshot scripts share (shots/shoot.mjs, shots/shoot-states.mjs): where the server
// and its log are, the size and language of the run, one browser, a person (a context of
// their own, the site's language, no internet), a shot, and the sign-in link from the log.
import { chromium } from '@playwright/test';
import { readFileSync, mkdirSync } from 'node:fs';

export const BASE = process.env.BASE ?? 'http://localhost:3300';
export const LOG = process.env.LOG ?? '/tmp/shots-server.log';
export const OUT = process.env.OUT ?? '/work/shots';
export const [size = 'desktop', lang = 'en'] = process.argv.slice(2);
/** Names this run's people (by size, language and time), so runs can repeat on one server. */
export const RUN = `${size}-${lang}-${Date.now().toString(36)}`;
mkdirSync(OUT, { recursive: true });

export const VIEW = size === 'phone'
  ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
  : { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

export const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

export const shot = async (page, name, opts = {}) => {
  await page.waitForTimeout(500);
  const path = `${OUT}/${name}-${size}-${lang}.png`;
  await page.screenshot({ path, ...opts });
  console.log('shot', path);
};
export const visible = (loc, timeout = 15000) => loc.first().waitFor({ state: 'visible', timeout });

/** A person in a browser of their own, reading the run's language; `acceptDialogs` says yes to confirm(). */
export async function newPerson({ acceptDialogs = false } = {}) {
  const context = await browser.newContext({ baseURL: BASE, ...VIEW, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
  await context.addCookies([{ name: 'roost-locale', value: lang, url: BASE }]);
  const page = await context.newPage();
  // No internet here: map tiles are answered empty.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (r) => r.fulfill({ status: 204, body: '' }));
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log('CONSOLE', m.text()); });
  if (acceptDialogs) page.on('dialog', (d) => { console.log('DIALOG', d.message()); void d.accept(); });
  return { context, page };
}

/** Mails to an address the server has written to its log (no SMTP_URL). */
const mailLines = (email) => readFileSync(LOG, 'utf8').split('\n').filter((l) => l.includes('mail written to the log') && l.includes(email));
export const mailCount = (email) => mailLines(email).length;

/** The sign-in link of the first mail to `email` after its `seen`th, waiting up to 10 s. */
export async function linkFromLog(email, seen = 0) {
  for (let i = 0; i < 100; i++) {
    const lines = mailLines(email);
    if (lines.length > seen) {
      const m = /(https?:\/\/[^\s"\\]+\/auth\/email\?token=[A-Za-z0-9_\-%.]+)/.exec(lines.at(-1));
      if (m) return { link: m[1], count: lines.length };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail for ${email}`);
}
