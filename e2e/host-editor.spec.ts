import { expect, test, type Page } from '@playwright/test';
import { E2E_ORIGIN } from './fixtures';
import { newHomeForm, offline } from './helpers';
import { signInByLink } from './mailbox';

// A host's new home whose photo is refused on the way: what they read, and what Publish does next.

test.beforeEach(async ({ page }) => offline(page));
// The homes a test made are taken down after it: made by a host's form, they have no area, and
// left on the shared map they were homes in view that no borough's bubble counts (map.spec).
test.afterEach(async ({ page }) => {
  const res = await page.request.get('/api/me/listings');
  if (!res.ok()) return;
  const { listings } = (await res.json()) as { listings: { id: string }[] };
  for (const l of listings) expect([204, 404]).toContain((await page.request.delete(`/api/listings/${encodeURIComponent(l.id)}`, { headers: { origin: E2E_ORIGIN } })).status());
});

/** The new-home form filled in, with one file the site does not take (a GIF). */
async function newHomeWithAGif(page: Page, title: string) {
  await newHomeForm(page);
  await page.getByTestId('listing-title-input').fill(title);
  await page.getByTestId('listing-price-input').fill('2800');
  await page.getByTestId('listing-photos-input').setInputFiles({ name: 'plan.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
  await page.getByTestId('listing-save').click();
}

test("a refused photo's reason is in the page's language", async ({ page }, info) => {
  await page.context().addCookies([{ name: 'roost-locale', value: 'zh', url: E2E_ORIGIN }]);
  await signInByLink(page, `gif-zh-${info.project.name}@example.com`);
  await newHomeWithAGif(page, `带动图的房子 ${info.project.name}`);
  const error = page.getByTestId('listing-editor').locator('.form-error');
  await expect(error).toHaveText('plan.gif：不是 JPEG、PNG 或 WebP 图片');
});

test('Publish again after a refused photo saves the home it made, not a second one', async ({ page }, info) => {
  await signInByLink(page, `gif-again-${info.project.name}@example.com`);
  const title = `Flat with a plan ${info.project.name}`;
  await newHomeWithAGif(page, title);
  await expect(page.getByTestId('listing-editor').locator('.form-error')).toContainText('plan.gif');
  await page.getByTestId('listing-save').click();
  await expect(page.getByTestId('host-listing').filter({ hasText: title })).toHaveCount(1);
  const mine = (await (await page.request.get('/api/me/listings')).json()) as { listings: { title: string }[] };
  expect(mine.listings.filter((l) => l.title === title)).toHaveLength(1);
});

test('Take down of a home already taken down on another device clears it from the list', async ({ page }, info) => {
  page.on('dialog', (d) => void d.accept());
  await signInByLink(page, `two-tabs-${info.project.name}@example.com`);
  const made = await page.request.post('/api/listings', {
    headers: { origin: E2E_ORIGIN },
    data: { title: `Studio in two tabs ${info.project.name}`, lat: 40.7306, lon: -73.9866, price: 1900, type: 'entire', bedrooms: 0 },
  });
  expect(made.status()).toBe(201);
  const { id } = (await made.json()) as { id: string };
  await page.goto('/host');
  const card = page.getByTestId('host-listing').filter({ hasText: 'Studio in two tabs' });
  await expect(card).toHaveCount(1);
  // The other device takes it down first.
  expect((await page.request.delete(`/api/listings/${encodeURIComponent(id)}`, { headers: { origin: E2E_ORIGIN } })).status()).toBe(204);
  await card.getByTestId('take-down').click();
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('host-error')).toHaveCount(0);
});

test('a new home without a price or a title is not published; the form says what is missing, in its language', async ({ page }, info) => {
  await page.context().addCookies([{ name: 'roost-locale', value: 'zh', url: E2E_ORIGIN }]);
  await signInByLink(page, `no-price-${info.project.name}@example.com`);
  await newHomeForm(page);
  const fieldError = page.getByTestId('listing-editor').locator('.field-error');
  // No title.
  await page.getByTestId('listing-save').click();
  await expect(fieldError).toHaveText('请填写标题。');
  // A title, no price: it went up at $0.
  await page.getByTestId('listing-title-input').fill(`没有价格的房子 ${info.project.name}`);
  await page.getByTestId('listing-save').click();
  await expect(fieldError).toHaveText('请填写价格（整数）。');
  await expect(page.getByTestId('listing-price-input')).toHaveAttribute('aria-invalid', 'true');
  const mine = (await (await page.request.get('/api/me/listings')).json()) as { listings: unknown[] };
  expect(mine.listings).toHaveLength(0);
});
