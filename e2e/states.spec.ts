import { expect, test } from '@playwright/test';
import { mapTotal, offline } from './helpers';

test.beforeEach(async ({ page }) => offline(page));

test('no matches: an empty state that says what to do', async ({ page }) => {
  await page.goto('/?lat=40.73&lon=-73.97&zoom=12&type=shared&priceMin=10000');
  const empty = page.getByTestId('empty');
  await expect(empty.locator('p')).toHaveText('No homes here match the price range and the home type.');
  await expect(page.locator('.bubble')).toHaveCount(0);
  // Each filter that emptied the view can be dropped from the notice.
  await empty.getByTestId('widen-price').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('priceMin')).toBe(null);
  expect(new URL(page.url()).searchParams.get('type')).toBe('shared');
  expect((await mapTotal(page)).total).toBeGreaterThan(0);
});

test('the search failing: an error with a retry that recovers', async ({ page }) => {
  let fail = true;
  await page.route('**/api/search?**', (route) => (fail ? route.fulfill({ status: 500, body: '{}' }) : route.fallback()));
  await page.goto('/?lat=40.73&lon=-73.97&zoom=12');
  await expect(page.getByTestId('error')).toBeVisible();
  fail = false;
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect((await mapTotal(page)).total).toBeGreaterThan(0);
});

test('hovering or focusing a list row highlights its pin', async ({ page, isMobile }) => {
  test.skip(isMobile, 'hover is a pointer gesture');
  await page.goto('/?lat=40.7549&lon=-73.984&zoom=17');
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'listing');
  const row = page.getByTestId('list-row').first();
  await expect(row).toBeVisible();
  await expect(page.locator('.pin-highlight')).toHaveCount(0);
  await row.hover();
  await expect(page.locator('.pin-highlight')).toHaveCount(1);
  const title = await row.locator('.row-title').textContent();
  const highlighted = page.locator('.leaflet-marker-icon', { has: page.locator('.pin-highlight') });
  await expect(highlighted).toHaveAttribute('aria-label', new RegExp(`^${title!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, `));
  await page.mouse.move(5, 300);
  await row.focus();
  await expect(page.locator('.pin-highlight')).toHaveCount(1);
});
