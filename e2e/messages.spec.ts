import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_ORIGIN } from './fixtures';
import { offline } from './helpers';
import { signInByLink } from './mailbox';

/** A person in their own browser, signed in by a mailed link. */
async function person(browser: Browser, email: string, viewport: { width: number; height: number }, isMobile: boolean): Promise<Page> {
  const context = await browser.newContext({ baseURL: E2E_ORIGIN, viewport, isMobile, hasTouch: isMobile });
  const page = await context.newPage();
  await offline(page);
  await signInByLink(page, email);
  return page;
}

test('renter and host talk live: contact from the listing, sent → read, unread in the header', async ({ browser, isMobile }, info) => {
  const viewport = info.project.use.viewport ?? { width: 1280, height: 800 };
  const host = await person(browser, `msg-host-${info.project.name}@example.com`, viewport, isMobile);
  const renter = await person(browser, `msg-renter-${info.project.name}@example.com`, viewport, isMobile);
  await host.request.patch('/api/me', { headers: { origin: E2E_ORIGIN }, data: { name: 'Hana' } });
  const res = await host.request.post('/api/listings', {
    headers: { origin: E2E_ORIGIN },
    data: { title: `Garden flat ${info.project.name}`, lat: 40.7306, lon: -73.9866, price: 2600, type: 'entire', bedrooms: 1, description: 'Quiet garden.' },
  });
  expect(res.status()).toBe(201);
  const listing = (await res.json()) as { id: string };

  await renter.goto(`/listings/${listing.id}`);
  await expect(renter.getByTestId('listing-host')).toContainText('Hana');
  await renter.getByTestId('contact-host').click();
  await expect(renter).toHaveURL(/\/messages\/c-/);
  await expect(renter.getByTestId('conversation-with')).toHaveText('Hana');
  await renter.getByTestId('composer').fill('Hello! Is it free from May? <b>not bold</b>');
  await renter.keyboard.press('Enter');
  const mine = renter.getByTestId('message').last();
  await expect(mine).toContainText('<b>not bold</b>');
  await expect(mine).toHaveAttribute('data-status', /sent|delivered/);

  // The host hears of it wherever they are: the header's count, then the conversation.
  await host.goto('/messages');
  await expect(host.getByTestId('conversation-row')).toHaveCount(1);
  await expect(host.getByTestId('unread')).toHaveText('1');
  await host.screenshot({ path: info.outputPath(`messages-list-${info.project.name}.png`) });
  await host.getByTestId('conversation-row').click();
  await expect(host.getByTestId('message').first()).toContainText('Is it free from May?');
  // Opened and seen: the renter's message reads "Read" on the renter's screen, live.
  await expect(mine).toHaveAttribute('data-status', 'read', { timeout: 10_000 });
  await host.getByTestId('composer').fill('Yes — from the 3rd.\nViewings on Saturdays.');
  await host.getByTestId('send').click();
  await expect(renter.getByTestId('message').last()).toContainText('Viewings on Saturdays.', { timeout: 10_000 });
  await expect(renter.getByTestId('message').last()).toHaveClass(/theirs/);
  await expect(renter.getByTestId('message').first().locator('time')).toHaveText(/^\d{1,2}:\d{2}\s?(AM|PM)$/);
  await renter.screenshot({ path: info.outputPath(`conversation-renter-${info.project.name}.png`) });
  await host.screenshot({ path: info.outputPath(`conversation-host-${info.project.name}.png`) });
  // Nothing twice on either side.
  for (const p of [renter, host]) await expect(p.getByTestId('message')).toHaveCount(2);
  // The same conversation in Chinese, on both sides: chrome in Chinese, the people's words as they wrote them.
  for (const [who, p] of [['renter', renter], ['host', host]] as const) {
    const at = p.url();
    await p.goto('/messages');
    await p.getByTestId('language').selectOption('zh');
    await p.goto(at);
    await expect(p.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(p.getByTestId('message')).toHaveCount(2);
    await expect(p.getByTestId('composer')).toHaveAttribute('placeholder', /[\u4e00-\u9fff]/);
    // Times as Chinese writes them (20:52), not the English clock the browser's own locale would give.
    await expect(p.getByTestId('message').first().locator('time')).toHaveText(/^\d{1,2}:\d{2}$/);
    await p.screenshot({ path: info.outputPath(`conversation-${who}-zh-${info.project.name}.png`) });
  }
  await renter.context().close();
  await host.context().close();
});
