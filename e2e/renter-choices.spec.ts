import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_ORIGIN } from './fixtures';
import { mapTotal, offline, openFilters, searchParam } from './helpers';

test.beforeEach(async ({ page }) => offline(page));

test('with no view in the URL the map frames the data, and next time opens on the last view', async ({ page }) => {
  await page.goto('/');
  const first = await mapTotal(page);
  // The demo city whole: all but the farthest outliers in view.
  const overview = (await (await page.request.get('/api/overview')).json()) as { total: number };
  expect(first.total).toBeGreaterThanOrEqual(overview.total * 0.99);
  await expect.poll(() => searchParam(page, 'zoom')).not.toBe(null);
  await page.goto('/?lat=40.70&lon=-73.95&zoom=14');
  await mapTotal(page);
  await page.goto('/');
  await expect.poll(() => searchParam(page, 'zoom')).toBe('14');
  expect(Number(searchParam(page, 'lat'))).toBeCloseTo(40.7, 3);
});

test('prices carry their currency and period', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.98&zoom=13');
  await mapTotal(page);
  await expect(page.locator('.row-price').first()).toHaveText(/^\$[\d,]+ \/ month$/);
  await expect(page.getByTestId('map-total')).toContainText('Prices / month');
});

test('the language chosen stays through a reload and on a listing page', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.98&zoom=13');
  await mapTotal(page);
  await openFilters(page);
  await page.getByTestId('language').selectOption('zh');
  await expect(page.getByTestId('type-entire')).toHaveText('整套');
  await page.reload();
  // Rendered by the server in Chinese: no English flash before hydration.
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('type-entire')).toHaveText('整套');
  await page.getByTestId('list-row').first().click();
  await expect(page.getByTestId('back-to-map')).toContainText('返回');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('back to the map returns to the view and filters the renter came from', async ({ page }) => {
  await page.goto('/?lat=40.72000&lon=-73.98000&zoom=13&type=private');
  await mapTotal(page);
  await page.getByTestId('list-row').first().click();
  await expect(page).toHaveURL(/\/listings\//);
  await page.getByTestId('back-to-map').click();
  await expect.poll(() => searchParam(page, 'type')).toBe('private');
  expect(searchParam(page, 'zoom')).toBe('13');
  expect(searchParam(page, 'lat')).toBe('40.72000');
});

test('a drawn area in the URL narrows the map and the list, shows, and can be cleared', async ({ page }) => {
  const polygon = '-73.99,40.72,-73.97,40.72,-73.97,40.735,-73.99,40.735';
  await page.goto(`/?lat=40.728&lon=-73.98&zoom=12&polygon=${polygon}`);
  const inArea = await mapTotal(page);
  const api = await page.request.get(`/api/search?bbox=-74.3,40.49,-73.68,40.93&zoom=12&polygon=${polygon}`);
  expect(inArea.total).toBe(((await api.json()) as { total: number }).total);
  await expect(page.getByTestId('list-total')).toContainText(inArea.total.toLocaleString('en-US'));
  // The area stays drawn on the map while it narrows the search.
  await expect(page.locator('path.drawn-area')).toHaveCount(1);
  await page.getByTestId('clear-area').click();
  await expect.poll(() => searchParam(page, 'polygon')).toBe(null);
  await expect.poll(async () => (await mapTotal(page)).total).toBeGreaterThan(inArea.total);
});

test('keywords narrow every level and the place box finds a neighbourhood', async ({ page, isMobile }) => {
  await page.goto('/?lat=40.72&lon=-73.95&zoom=11');
  const all = await mapTotal(page);
  const box = page.getByTestId('place-box');
  await box.fill('loft');
  await expect(page.getByTestId('place-keywords')).toBeVisible();
  await box.press('Enter');
  await expect.poll(() => searchParam(page, 'q')).toBe('loft');
  await expect.poll(async () => (await mapTotal(page)).total).toBeLessThan(all.total);
  test.skip(isMobile, 'the suggestions list is checked on the desktop layout');
  await box.fill('williamsb');
  await expect(page.getByRole('option', { name: /Williamsburg/ }).first()).toBeVisible();
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await box.press('ArrowDown');
  await box.press('ArrowDown');
  await box.press('Enter');
  await expect.poll(() => Number(searchParam(page, 'zoom'))).toBeGreaterThanOrEqual(12);
  expect(Number(searchParam(page, 'lon'))).toBeCloseTo(-73.96, 1);
});

test('Escape closes the save dialog', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.98&zoom=13');
  await mapTotal(page);
  await page.getByTestId('save-search').click();
  await expect(page.getByTestId('save-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('save-dialog')).toHaveCount(0);
});

test('phone: filters in a sheet behind one button; back and Escape close it, a filter set in it stays', async ({ page, isMobile }) => {
  test.skip(!isMobile, 'the sheet is the phone layout');
  await page.goto('/?lat=40.72&lon=-73.98&zoom=13');
  await mapTotal(page);
  await expect(page.getByTestId('price-max')).toBeHidden();
  await page.getByTestId('filters-button').click();
  await expect(page.getByTestId('filter-sheet')).toHaveAttribute('role', 'dialog');
  await page.goBack();
  await expect(page.getByTestId('price-max')).toBeHidden();
  expect(new URL(page.url()).pathname).toBe('/');
  await page.getByTestId('filters-button').click();
  await page.getByTestId('type-private').click();
  await expect.poll(() => searchParam(page, 'type')).toBe('private');
  await page.getByTestId('filters-done').click();
  await expect(page.getByTestId('price-max')).toBeHidden();
  expect(searchParam(page, 'type')).toBe('private');
  await expect(page.getByTestId('filters-button')).toContainText('1');
  await page.getByTestId('filters-button').click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('price-max')).toBeHidden();
});

test('several homes at one address show as one tag that opens them together', async ({ page, request }, info) => {
  const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  // A spot of the Hudson off Manhattan: no demo listing shares it.
  const at = { lat: 40.7431, lon: -74.0191 };
  const ids = [0, 1, 2].map((i) => `e2e-building-${info.project.name}-${i}`);
  for (const [i, id] of ids.entries()) {
    const home = { id, title: `Flat ${i + 1} of the pier building`, ...at, price: 2500 + i * 300, type: 'entire', bedrooms: 1, district: 'Manhattan', neighbourhood: 'Chelsea' };
    expect((await request.post('/api/listings', { headers: AUTH, data: home })).status()).toBe(201);
  }
  try {
    await page.goto(`/?lat=${at.lat}&lon=${at.lon}&zoom=18`);
    const tag = page.locator('.pin-group', { hasText: '3 homes' });
    await expect(tag).toHaveCount(1);
    await tag.click();
    const card = page.getByTestId('address-group');
    await expect(card).toContainText('3 homes at this address');
    // Cheapest first; each opens its own card.
    await expect(card.getByTestId('group-member')).toHaveCount(3);
    await expect(card.getByTestId('group-member').first()).toContainText('Flat 1 of the pier building');
    await card.getByTestId('group-member').nth(2).click();
    await expect(page.getByTestId('listing-card')).toContainText('Flat 3 of the pier building');
  } finally {
    for (const id of ids) await request.delete(`/api/listings/${id}`, { headers: AUTH });
  }
});

test('the price control draws the homes in view per price band, the chosen range dark', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.98&zoom=14');
  await mapTotal(page);
  await openFilters(page);
  const bars = page.getByTestId('price-histogram').locator('.bars i');
  await expect(bars).toHaveCount(30);
  // Every home in view is in some band: the counts add up to the map's own count, at most.
  const counts = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await expect(bars.and(page.locator('.in'))).toHaveCount(30);
  const steps = await page.getByTestId('price-max').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  await page.getByTestId('price-max').selectOption(steps[2]!);
  const dark = await bars.evaluateAll((els) => els.filter((e) => e.classList.contains('in')).length);
  expect(dark).toBeGreaterThan(0);
  expect(dark).toBeLessThan(30);
  // The picture ignores the price filter itself: the same bars, only shaded differently.
  expect(await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(counts);
  await expect(page.getByTestId('price-histogram').locator('[role=img]')).toHaveAttribute('aria-label', /homes in view by price/);
});

test('a drawn area can be edited by its corners, and the search follows the new shape', async ({ page }) => {
  const polygon = '-73.99,40.72,-73.97,40.72,-73.97,40.735,-73.99,40.735';
  await page.goto(`/?lat=40.728&lon=-73.98&zoom=14&polygon=${polygon}`);
  const before = await mapTotal(page);
  await page.getByTestId('edit-area').click();
  await expect(page.getByTestId('edit-area')).toHaveAttribute('aria-pressed', 'true');
  const corners = page.locator('.marker-icon:not(.marker-icon-middle)');
  await expect(corners).toHaveCount(4);
  // Drag the north-east corner (-73.97, 40.735) well out to the north-east.
  const boxes = await corners.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 })));
  const ne = boxes.reduce((a, b) => (b.x - b.y > a.x - a.y ? b : a));
  await page.mouse.move(ne.x, ne.y);
  await page.mouse.down();
  await page.mouse.move(ne.x + 40, ne.y - 30, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => searchParam(page, 'polygon')).not.toBe(polygon);
  const edited = searchParam(page, 'polygon')!;
  expect(edited.split(',')).toHaveLength(8);
  const api = (await (await page.request.get(`/api/search?bbox=-74.3,40.49,-73.68,40.93&zoom=12&polygon=${edited}`)).json()) as { total: number };
  expect(api.total).toBeGreaterThan(before.total);
  await page.getByTestId('edit-area').click();
  await expect(corners).toHaveCount(0);
  await expect(page.locator('path.drawn-area')).toHaveCount(1);
});

test('a saved search with a drawn area re-opens on the map with its filters', async ({ page }) => {
  await page.goto('/?lat=40.65&lon=-73.95&zoom=12');
  await mapTotal(page);
  const polygon: [number, number][] = [
    [-73.99, 40.72],
    [-73.97, 40.72],
    [-73.97, 40.735],
    [-73.99, 40.735],
  ];
  const res = await page.request.post('/api/saved-searches', { headers: { origin: E2E_ORIGIN }, data: { name: 'East Village area', polygon, filters: { type: ['private'] } } });
  expect(res.status()).toBe(201);
  await page.reload();
  await page.getByTestId('saved-searches').click();
  await page.getByTestId('show-saved').first().click();
  await expect.poll(() => searchParam(page, 'type')).toBe('private');
  expect(searchParam(page, 'polygon')).toBe(polygon.flat().join(','));
  await expect(page.locator('path.drawn-area')).toHaveCount(1);
  const api = (await (await page.request.get(`/api/search?bbox=-74.3,40.49,-73.68,40.93&zoom=12&type=private&polygon=${polygon.flat().join(',')}`)).json()) as { total: number };
  await expect.poll(async () => (await mapTotal(page)).total).toBe(api.total);
});
