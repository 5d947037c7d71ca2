import { expect, test, type Browser } from '@playwright/test';
import { E2E_ORIGIN } from './fixtures';
import { offline } from './helpers';
import { signInByLink } from './mailbox';

/** A phone's browser names itself at length: the devices list must still read. */
const LONG_AGENT =
  'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.6613.127 Mobile Safari/537.36';

async function signedIn(browser: Browser, email: string, viewport: { width: number; height: number }, userAgent?: string) {
  const context = await browser.newContext({ baseURL: E2E_ORIGIN, viewport, ...(userAgent ? { userAgent } : {}) });
  const page = await context.newPage();
  await offline(page);
  await signInByLink(page, email);
  return page;
}

test("another device's Sign out stays one line beside a long browser name", async ({ browser }, info) => {
  const viewport = info.project.use.viewport ?? { width: 1280, height: 800 };
  const email = `devices-${info.project.name}@example.com`;
  const other = await signedIn(browser, email, viewport, LONG_AGENT);
  const page = await signedIn(browser, email, viewport);
  await page.goto('/account');
  // Named as its owner knows it, not by the whole User-Agent ("Mozilla/5.0 (Linux; Android 14; …").
  const row = page.getByTestId('devices').locator('li').filter({ hasNotText: 'This device' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Chrome on Android');
  await expect(row).not.toContainText('Mozilla');
  // This one: the projects' own agents (Playwright's Desktop Chrome says Windows, the phone a Pixel).
  await expect(page.getByTestId('devices').locator('li').filter({ hasText: 'This device' })).toContainText(/^This device · Chrome on (Windows|Android)Last active/);
  const button = row.getByRole('button');
  await expect(button).toBeVisible();
  // One line box for the label: it was squeezed to a letter or two a line ("Si / g / n / o / ut").
  const lines = await button.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getClientRects().length;
  });
  expect(lines).toBe(1);
  const [b, r] = [(await button.boundingBox())!, (await row.boundingBox())!];
  expect(b.x + b.width).toBeLessThanOrEqual(r.x + r.width);
  await page.screenshot({ path: info.outputPath(`devices-${info.project.name}.png`), fullPage: true });
  await other.context().close();
  await page.context().close();
});

test('a signed-in renter who taps "Contact the host" at once is not asked to sign in', async ({ browser }, info) => {
  const viewport = info.project.use.viewport ?? { width: 1280, height: 800 };
  const host = await signedIn(browser, `quick-host-${info.project.name}@example.com`, viewport);
  const res = await host.request.post('/api/listings', {
    headers: { origin: E2E_ORIGIN },
    data: { title: `Quick flat ${info.project.name}`, lat: 40.7306, lon: -73.9866, price: 2400, type: 'entire', bedrooms: 1 },
  });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const renter = await signedIn(browser, `quick-renter-${info.project.name}@example.com`, viewport);
  // A slow phone: who is signed in is known a while after the page shows.
  await renter.route('**/api/me', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await renter.goto(`/listings/${id}`);
  await renter.getByTestId('contact-host').click();
  await expect(renter).toHaveURL(/\/messages\/c-/);
  await expect(renter.getByTestId('sign-in-dialog')).toHaveCount(0);
  await renter.context().close();
  await host.context().close();
});

test('the host editor and the account name are typed at 16px (iOS zooms into smaller fields)', async ({ browser }, info) => {
  const viewport = info.project.use.viewport ?? { width: 1280, height: 800 };
  const page = await signedIn(browser, `fonts-${info.project.name}@example.com`, viewport);
  const size = (testId: string) => page.getByTestId(testId).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  await page.goto('/host');
  await page.getByTestId('new-listing').click();
  for (const field of ['listing-title-input', 'listing-description-input', 'listing-price-input', 'listing-bedrooms', 'listing-type']) {
    expect(await size(field), field).toBeGreaterThanOrEqual(16);
  }
  await page.goto('/account');
  expect(await size('account-name')).toBeGreaterThanOrEqual(16);
  await page.context().close();
});
