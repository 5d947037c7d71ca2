import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_ORIGIN } from './fixtures';
import { offline } from './helpers';
import { signInByLink } from './mailbox';

// The site's pages (not the map) where a person lands with nothing to act on: signed out, a
// wrong address, a conversation that is not theirs. Each must say what happened in words.

test.beforeEach(async ({ page }) => offline(page));

test('an address that is no page says so under the site header, not that a listing is gone', async ({ page }) => {
  await page.goto('/no-such-page');
  await expect(page.getByTestId('not-found')).toContainText('There is no page at this address.');
  await expect(page.getByTestId('not-found')).not.toContainText('listing');
  // The way on: the site's own pages, not only "Back to the map".
  await expect(page.getByTestId('messages-nav')).toBeAttached();
  await page.context().addCookies([{ name: 'roost-locale', value: 'zh', url: E2E_ORIGIN }]);
  await page.reload();
  await expect(page.getByTestId('not-found')).toContainText('这个地址没有页面。');
});

test('signed out, /messages, /account and a conversation say why to sign in', async ({ page }) => {
  for (const [path, why] of [
    ['/messages', 'Sign in to see your conversations with hosts and renters.'],
    ['/account', 'Sign in to change the name others see, add a passkey or sign out other devices.'],
    ['/messages/c-someone-elses', 'Sign in to read this conversation.'],
  ] as const) {
    await page.goto(path);
    const prompt = page.getByTestId('sign-in-prompt');
    await expect(prompt, path).toContainText(why);
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    // The dialog carries the same reason, so it reads as the answer to the page.
    await expect(page.getByTestId('sign-in-dialog')).toContainText(why);
  }
});

test('a conversation that is not one of yours says so in words', async ({ page }, info) => {
  await signInByLink(page, `not-mine-${info.project.name}@example.com`);
  await page.goto('/messages/c-not-mine');
  const missing = page.getByTestId('conversation-missing');
  await expect(missing).toContainText('This conversation does not exist, or it belongs to another account.');
  await expect(missing.getByRole('link', { name: 'All your messages' })).toHaveAttribute('href', '/messages');
});

test("a listing's Save and Share stay beside a long title on a desktop", async ({ page, isMobile }) => {
  test.skip(isMobile, 'on a phone they go under the title by design');
  const res = await page.request.post('/api/listings', {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: { title: 'Sunny two-bedroom with a garden and a view of the river', lat: 40.7306, lon: -73.9866, price: 3100, type: 'entire', bedrooms: 2 },
  });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  await page.goto(`/listings/${encodeURIComponent(id)}`);
  const [title, save] = [(await page.getByTestId('listing-title').boundingBox())!, (await page.getByTestId('favourite').boundingBox())!];
  // Beside the title, not in a row of their own below it.
  expect(save.y).toBeLessThan(title.y + title.height);
  expect(save.x).toBeGreaterThan(title.x + title.width);
});

test("a page's own links are in the site's colour, not the browser's blue", async ({ page }) => {
  await page.goto('/unsubscribe');
  const link = page.getByRole('link', { name: 'Your saved searches and homes' });
  await expect(link).toBeVisible();
  const accent = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--accent');
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  expect(await link.evaluate((el) => getComputedStyle(el).color)).toBe(accent);
});

test("the pages' titles (the tab, the history) are in the page's language", async ({ page }) => {
  await page.context().addCookies([{ name: 'roost-locale', value: 'zh', url: E2E_ORIGIN }]);
  for (const [path, title] of [
    ['/saved', '收藏 — Roost'],
    ['/messages', '消息 — Roost'],
    ['/host', '我的房源 — Roost'],
    ['/account', '账号 — Roost'],
    ['/unsubscribe', '停止这些邮件 — Roost'],
    ['/listings/never-was-here', '没有这套房源 — Roost'],
  ] as const) {
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
  }
  await page.context().addCookies([{ name: 'roost-locale', value: 'en', url: E2E_ORIGIN }]);
  await page.goto('/saved');
  await expect(page).toHaveTitle('Saved — Roost');
});

test('Share says "Link copied" only when the clipboard took it, else hands the link over', async ({ page }) => {
  // A browser that refuses the clipboard (no focus or permission; none at all on plain http)
  // and has no share sheet, as a desktop on such an address is.
  await page.addInitScript(() => {
    delete (Navigator.prototype as { share?: unknown }).share;
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) } });
  });
  await page.goto('/listings/demo-12');
  const offered: { type: string; message: string; value: string }[] = [];
  page.on('dialog', (d) => {
    offered.push({ type: d.type(), message: d.message(), value: d.defaultValue() });
    void d.dismiss();
  });
  await page.getByTestId('share').click();
  await expect.poll(() => offered).toEqual([{ type: 'prompt', message: 'Copy this link to share the home:', value: `${E2E_ORIGIN}/listings/demo-12` }]);
  await expect(page.getByTestId('share')).toHaveText('Share');
});
