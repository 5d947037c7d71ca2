import { expect, test } from '@playwright/test';
import { bubbleSum, mapTotal, nearestToCentre, offline, openFilters, searchParam, watchForScript } from './helpers';

test.beforeEach(async ({ page }) => offline(page));

test('first view: district bubbles for whole boroughs, the city in view', async ({ page }, info) => {
  const problems = watchForScript(page);
  await page.goto('/');
  const { level, total } = await mapTotal(page);
  expect(level).toBe('district');
  expect(total).toBeGreaterThan(40_000);
  // Every borough at its point: a full bubble, one line where a bigger one leaves no room, else a dot.
  await expect(page.locator('.bubble-district, .compact-district, .dot-district')).toHaveCount(5);
  await expect(page.locator('.bubble-district, .compact-district')).not.toHaveCount(0);
  // Bubbles count whole boroughs: every home in view, and the few just outside it.
  const sum = await bubbleSum(page);
  expect(sum).toBeGreaterThanOrEqual(total);
  expect(sum).toBeLessThanOrEqual(total * 1.01);
  await expect(page.getByRole('button', { name: /^Manhattan: [\d,]+ homes, average \$[\d,]+/ })).toBeVisible();
  // The list counts the same view.
  await expect(page.getByTestId('list-total')).toHaveText(`${total.toLocaleString('en-US')} homes in view`);
  await page.screenshot({ path: info.outputPath(`map-${info.project.name}.png`) });
  expect(problems).toEqual([]);
});

test('clicking bubbles zooms through neighbourhoods and clusters to price pins', async ({ page }, info) => {
  await page.goto('/');
  await mapTotal(page);
  await page.getByRole('button', { name: /^Manhattan:/ }).click();
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'neighbourhood');
  await mapTotal(page);
  // Each bubble shows its whole neighbourhood, however much of it is in view.
  const whole = (await (await page.request.get('/api/search?bbox=-180,-85,180,85&zoom=12')).json()) as { buckets: { label: string; count: number }[] };
  const counts = new Map<string, number>();
  for (const b of whole.buckets) counts.set(b.label, (counts.get(b.label) ?? 0) + b.count);
  for (const bubble of await page.locator('.bubble-neighbourhood').all()) {
    const name = (await bubble.locator('.bubble-name').textContent())!;
    if (/ \+\d+$/.test(name)) continue; // a group of neighbourhoods
    expect(Number((await bubble.locator('.bubble-count').textContent())!.replace(/\D/g, ''))).toBe(counts.get(name));
  }
  await (await nearestToCentre(page, '.bubble-neighbourhood:not(.bubble-group)')).click();
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'cluster');
  await (await nearestToCentre(page, '.bubble-cluster')).click();
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'listing');
  await expect(page.locator('.pin').first()).toBeVisible();
  expect(Number(searchParam(page, 'zoom'))).toBeGreaterThanOrEqual(16);
  // Pins can overlap in dense streets; the keyboard path opens any of them.
  const pin = page.locator('.leaflet-marker-icon[role=button]').first();
  const name = (await pin.getAttribute('aria-label'))!;
  await pin.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('listing-card')).toBeVisible();
  await expect(page.getByTestId('listing-card').getByRole('heading')).toHaveText(name.replace(/, \$[\d,]+ \/ month$/, ''));
  await expect(page.getByRole('button', { name })).toBeFocused();
  await page.screenshot({ path: info.outputPath(`pins-${info.project.name}.png`) });
});

test('a filter changes the counts and the URL; back undoes it', async ({ page }) => {
  await page.goto('/?lat=40.73&lon=-73.97&zoom=12');
  const before = await mapTotal(page);
  expect(before.level).toBe('neighbourhood');
  await openFilters(page);
  // The steps are the market's own round prices: take the fourth.
  const step = await page.getByTestId('price-max').locator('option').nth(4).getAttribute('value');
  await page.getByTestId('price-max').selectOption(step!);
  await expect.poll(() => searchParam(page, 'priceMax')).toBe(step);
  await expect.poll(async () => (await mapTotal(page)).total).toBeLessThan(before.total);
  const filtered = await mapTotal(page);
  // Bubbles stand for whole neighbourhoods: every home in view, and more at the edges.
  expect(await bubbleSum(page)).toBeGreaterThanOrEqual(filtered.total);
  // The sheet or "More filters" closes (Escape, never undoing what was set in it); each
  // visit to it is one step back.
  await page.keyboard.press('Escape');
  await expect(page.locator('.filter-sheet.open')).toHaveCount(0);
  expect(searchParam(page, 'priceMax')).toBe(step);
  await openFilters(page);
  // Chips select: pressing one narrows to it.
  await page.getByTestId('type-shared').click();
  await expect(page.getByTestId('type-shared')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => searchParam(page, 'type')).toBe('shared');
  await expect.poll(async () => (await mapTotal(page)).total).toBeLessThan(filtered.total);
  // Back closes the sheet and keeps the filter; the next Back undoes it.
  await page.goBack();
  await expect(page.locator('.filter-sheet.open')).toHaveCount(0);
  expect(searchParam(page, 'type')).toBe('shared');
  await page.goBack();
  await expect.poll(() => searchParam(page, 'type')).toBe(null);
  await expect.poll(async () => (await mapTotal(page)).total).toBe(filtered.total);
});

test('a shared URL restores the view and the filters', async ({ page, request }) => {
  await page.goto('/?lat=40.71&lon=-73.96&zoom=14&type=private&priceMax=2000&bedsMin=1&sort=price');
  const shown = await mapTotal(page);
  expect(shown.level).toBe('cluster');
  await expect(page.getByTestId('price-max')).toHaveValue('2000');
  await expect(page.getByTestId('beds-min')).toHaveValue('1');
  await expect(page.getByTestId('sort')).toHaveValue('price');
  await expect(page.getByTestId('type-private')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('type-entire')).toHaveAttribute('aria-pressed', 'false');
  expect(searchParam(page, 'zoom')).toBe('14');
  // Every listing in the list matches the filters, cheapest first.
  const rows = page.getByTestId('list-row');
  await expect(rows.first()).toBeVisible();
  const prices = (await page.locator('.row-price').allTextContents()).map((p) => Number(p.replace(/\D/g, '')));
  expect(prices.every((p) => p <= 2000)).toBe(true);
  expect([...prices].sort((a, b) => a - b)).toEqual(prices);
  expect((await page.locator('.row-facts').allTextContents()).every((f) => f.startsWith('Private room'))).toBe(true);
  const api = await request.get('/api/listings/e2e-xss');
  expect(api.status()).toBe(200);
});

test('the list pages by cursor and a row leads to its listing', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.98&zoom=13');
  await mapTotal(page);
  // On a phone the list is a handle under the map until raised.
  if (await page.locator('.sheet-toggle').isVisible()) await page.locator('.sheet-handle').click();
  const rows = page.getByTestId('list-row');
  await expect(rows).toHaveCount(20);
  await page.getByTestId('list-more').click();
  await expect(rows).toHaveCount(40);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('href')));
  expect(new Set(ids).size).toBe(40);
  await rows.nth(25).click();
  await expect(page).toHaveURL(/\/listings\//);
  await expect(page.getByTestId('listing-title')).toBeVisible();
});

test('unknown listing: a 404 page', async ({ page }) => {
  const res = await page.goto('/listings/no-such-listing');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
});

test('Chinese from the browser language, with prices and numbers formatted for it', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await offline(page);
  await page.goto('/');
  const { total } = await mapTotal(page);
  await expect(page.getByTestId('list-total')).toHaveText(`视野内 ${total.toLocaleString('zh-CN')} 套房源`);
  await expect(page.getByTestId('type-entire')).toHaveText('整套');
  await openFilters(page);
  await page.getByTestId('language').selectOption('en');
  await expect(page.getByTestId('type-entire')).toHaveText('Entire home');
  await context.close();
});
