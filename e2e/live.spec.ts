import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from './fixtures';
import { offline, watchFrames } from './helpers';

const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

test('a listing posted while the page is open appears, drops its price and goes, without a reload', async ({ page, request }, info) => {
  await offline(page);
  const watches = watchFrames(page);
  const at = { lat: 40.7021, lon: -73.8853 };
  await page.goto(`/?lat=${at.lat}&lon=${at.lon}&zoom=17`);
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'listing');
  const before = Number(await page.getByTestId('map-total').getAttribute('data-total'));
  const id = `e2e-live-${info.project.name}`;
  // Written once the page has asked to watch this view.
  await expect.poll(() => watches.length).toBeGreaterThan(0);
  const created = await request.post('/api/listings', {
    headers: AUTH,
    data: { id, title: 'Live test home', ...at, price: 4321, type: 'entire', bedrooms: 1, district: 'Queens', neighbourhood: 'Glendale' },
  });
  expect(created.status()).toBe(201);
  const pin = page.locator('.pin-new', { hasText: '$4,321' });
  await expect(pin).toBeVisible({ timeout: 5_000 });
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-total', String(before + 1));
  await expect(page.getByTestId('list-row').filter({ hasText: 'Live test home' })).toHaveCount(1, { timeout: 5_000 });
  await page.screenshot({ path: info.outputPath(`live-new-${info.project.name}.png`) });

  expect((await request.patch(`/api/listings/${id}`, { headers: AUTH, data: { price: 3999 } })).status()).toBe(200);
  await expect(page.locator('.pin-price', { hasText: '$3,999' })).toBeVisible({ timeout: 5_000 });
  await expect(page.locator('.pin', { hasText: '$4,321' })).toHaveCount(0);

  expect((await request.delete(`/api/listings/${id}`, { headers: AUTH })).status()).toBe(204);
  await expect(page.locator('.pin', { hasText: '$3,999' })).toHaveCount(0, { timeout: 5_000 });
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-total', String(before));
});

test('under bubbles, a new listing changes the count without a reload', async ({ page, request }, info) => {
  await offline(page);
  const watches = watchFrames(page);
  // Centred on Ridgewood at 13: its bubble has room for its whole label (a bubble without
  // room is a one-line label or a dot on its point, and only a whole label pulses).
  await page.goto('/?lat=40.705&lon=-73.903&zoom=13');
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'neighbourhood');
  const before = Number(await page.getByTestId('map-total').getAttribute('data-total'));
  await expect.poll(() => watches.length).toBeGreaterThan(0);
  const id = `e2e-bubble-${info.project.name}`;
  const res = await request.post('/api/listings', {
    headers: AUTH,
    data: { id, title: 'Bubble test', lat: 40.705, lon: -73.903, price: 2100, type: 'private', district: 'Queens', neighbourhood: 'Ridgewood' },
  });
  expect(res.status()).toBe(201);
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-total', String(before + 1), { timeout: 5_000 });
  await expect(page.locator('.bubble-changed').first()).toBeAttached();
  await request.delete(`/api/listings/${id}`, { headers: AUTH });
});

test('a home posted outside every known area is not a nameless bubble: the count chip says it is in the list', async ({ page, request }, info) => {
  await offline(page);
  // Newark: outside every New York outline, so the server cannot name its district.
  const at = { lat: 40.7357, lon: -74.1724 };
  const id = `e2e-unplaced-${info.project.name}`;
  const res = await request.post('/api/listings', { headers: AUTH, data: { id, title: 'Across the river', ...at, price: 1800, type: 'entire' } });
  expect(res.status()).toBe(201);
  expect((await res.json()).district).toBe('');
  try {
    await page.goto(`/?lat=${at.lat}&lon=${at.lon}&zoom=11`);
    await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'district');
    // Issue 30: homes without an area no longer pile up as an "Other areas" bubble.
    await expect(page.getByTestId('map-unplaced')).toBeVisible();
    await expect(page.getByTestId('map-unplaced')).toHaveText(/^[1-9][\d,]* homes with no area are in the list$/);
    await expect(page.locator('.bubble-name', { hasText: /^$/ })).toHaveCount(0);
    await expect(page.locator('.bubble-name', { hasText: 'Other areas' })).toHaveCount(0);
    await page.screenshot({ path: info.outputPath(`unplaced-${info.project.name}.png`) });
  } finally {
    await request.delete(`/api/listings/${id}`, { headers: AUTH });
  }
});
