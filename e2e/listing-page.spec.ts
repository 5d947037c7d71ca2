import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { E2E_ADMIN_TOKEN } from './fixtures';
import { offline } from './helpers';

const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

test.beforeEach(async ({ page }) => offline(page));

test('a listing page to act on: photos, description, facts, price history, similar homes, favourite and share', async ({ page, request }, info) => {
  const id = `e2e-page-${info.project.name}`;
  const home = {
    id,
    title: 'Corner flat over the park',
    lat: 40.6712,
    lon: -73.9701,
    price: 3400,
    type: 'entire',
    bedrooms: 2,
    district: 'Brooklyn',
    neighbourhood: 'Prospect Heights',
    description: 'Fourth floor.\n<b>Balcony</b> over the park.',
    // An import's photo on another site, not fetched (PHOTO_IMPORT_HOSTS unset): never shown.
    photos: ['https://photos.example/a.jpg'],
  };
  expect((await request.post('/api/listings', { headers: AUTH, data: home })).status()).toBe(201);
  for (const r of [90, 200]) {
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r, g: 160, b: 120 } } }).jpeg().toBuffer();
    expect((await request.post(`/api/listings/${id}/photos`, { headers: { ...AUTH, 'content-type': 'image/jpeg' }, data: photo })).status()).toBe(201);
  }
  expect((await request.patch(`/api/listings/${id}`, { headers: AUTH, data: { price: 3150 } })).status()).toBe(200);
  await page.goto(`/listings/${id}`);
  await expect(page.getByTestId('listing-price')).toHaveText('$3,150 / month');
  const photos = page.getByTestId('gallery').locator('img');
  await expect(photos).toHaveCount(2);
  await expect(photos.nth(1)).toHaveAttribute('loading', 'lazy');
  await expect(photos.nth(0)).toHaveAttribute('width', '640');
  await expect(photos.nth(0)).toHaveAttribute('src', /^\/photos\/[0-9a-f]{64}\?w=800$/);
  await expect(page.locator('img[src*="photos.example"], img[srcset*="photos.example"]')).toHaveCount(0);
  // Listing text is text: the tag shows, nothing is made bold.
  await expect(page.getByTestId('listing-description')).toContainText('<b>Balcony</b> over the park.');
  await expect(page.getByTestId('listing-description').locator('b')).toHaveCount(0);
  await expect(page.getByTestId('listing-facts')).toContainText('Entire home · 2 bedrooms');
  const history = page.getByTestId('price-history').locator('li');
  await expect(history).toHaveCount(2);
  await expect(history.first()).toContainText('$3,150');
  await expect(history.first()).toContainText('↓ $250');
  await expect(history.last()).toContainText('$3,400');
  await expect(page.getByTestId('similar-homes').locator('a').first()).toBeVisible();
  await page.screenshot({ path: info.outputPath(`listing-${info.project.name}.png`), fullPage: true });

  // The heart keeps this home by its id: it hears of this home's price drop or removal.
  await page.getByTestId('favourite').click();
  await expect(page.getByTestId('favourite')).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.getByTestId('favourite')).toHaveAttribute('aria-pressed', 'true');
  expect((await request.patch(`/api/listings/${id}`, { headers: AUTH, data: { price: 2990 } })).status()).toBe(200);
  await expect
    .poll(async () => {
      const { alerts } = (await (await page.request.get('/api/alerts?after=0')).json()) as { alerts: { reason: string; listing: { id: string }; previousPrice?: number }[] };
      return alerts.filter((a) => a.listing.id === id).map((a) => `${a.reason} ${a.previousPrice}`);
    })
    .toEqual(['price_drop 3150']);
  await page.getByTestId('favourite').click();
  await expect(page.getByTestId('favourite')).toHaveAttribute('aria-pressed', 'false');
  await request.delete(`/api/listings/${id}`, { headers: AUTH });
});

test('a listing without photos shows a calm placeholder', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.98&zoom=13');
  await page.getByTestId('list-row').first().click();
  await expect(page.getByTestId('no-photos')).toBeVisible();
});
