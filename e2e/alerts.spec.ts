import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_ORIGIN } from './fixtures';
import { offline } from './helpers';

const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const AT = { lat: 40.7021, lon: -73.8853 };

async function openMap(page: Page) {
  await offline(page);
  await page.goto(`/?lat=${AT.lat}&lon=${AT.lon}&zoom=15`);
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'cluster');
}

test('save the view, a matching home is posted: a toast, the bell counts it, the list links to it', async ({ page, request }, info) => {
  await openMap(page);
  await page.getByTestId('save-search').click();
  await page.getByTestId('save-name').fill('Glendale homes');
  await page.getByTestId('save-confirm').click();
  await expect(page.getByTestId('save-dialog')).toHaveCount(0);
  await expect(page.getByTestId('saved-searches')).toHaveText(/\(1\)/);
  const id = `e2e-alert-${info.project.name}`;
  const res = await request.post('/api/listings', {
    headers: AUTH,
    data: { id, title: 'A new place in Glendale', ...AT, price: 1850, type: 'private', district: 'Queens', neighbourhood: 'Glendale' },
  });
  expect(res.status()).toBe(201);
  const toast = page.getByTestId('alert-toast');
  await expect(toast).toContainText('A new place in Glendale', { timeout: 5_000 });
  await expect(toast).toContainText('Glendale homes');
  await expect(page.getByTestId('alerts-unread')).toHaveText('1');
  await page.screenshot({ path: info.outputPath(`alert-toast-${info.project.name}.png`) });
  await page.getByTestId('alerts-bell').click();
  await expect(page.getByTestId('alerts-unread')).toHaveCount(0);
  const row = page.getByTestId('alerts-list').getByRole('link', { name: /A new place in Glendale/ });
  await expect(row).toHaveAttribute('href', `/listings/${id}`);
  await page.screenshot({ path: info.outputPath(`alerts-list-${info.project.name}.png`) });
  await request.delete(`/api/listings/${id}`, { headers: AUTH });
});

test('draw an area with the plugin and save it: only homes inside it alert', async ({ page, request, isMobile }, info) => {
  test.skip(isMobile, 'drawing corners is a pointer gesture; the phone keeps the view search');
  await openMap(page);
  await page.getByTestId('save-search').click();
  await page.getByTestId('draw-area').click();
  const box = (await page.getByTestId('map').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // A triangle around the centre, closed by clicking its first corner again.
  const corners = [[cx - 150, cy + 100], [cx + 150, cy + 100], [cx, cy - 150]];
  // Bubbles stay in sight while drawing, but clicks go through them to place corners.
  await expect(page.getByTestId('map')).toHaveClass(/map-draw-ready/);
  await expect(page.locator('.bubble').first()).toBeVisible();
  for (const [x, y] of corners) await page.mouse.click(x!, y!);
  await page.screenshot({ path: info.outputPath(`drawing-${info.project.name}.png`) });
  await page.mouse.click(corners[0]![0]!, corners[0]![1]!);
  await expect(page.getByTestId('save-dialog')).toContainText('A drawn area (3 corners)');
  await page.getByTestId('save-name').fill('My triangle');
  await page.getByTestId('save-confirm').click();
  await expect(page.getByTestId('saved-searches')).toHaveText(/\(1\)/);
  const saved = (await (await page.request.get('/api/saved-searches')).json()) as { savedSearches: { polygon?: number[][] }[] };
  expect(saved.savedSearches[0]!.polygon).toHaveLength(4);
  const inside = { id: `e2e-tri-in-${info.project.name}`, title: 'Inside the triangle', ...AT };
  // Well outside the triangle, still in the view's box.
  const outside = { id: `e2e-tri-out-${info.project.name}`, title: 'Outside the triangle', lat: AT.lat + 0.004, lon: AT.lon - 0.009 };
  for (const l of [outside, inside]) {
    const res = await request.post('/api/listings', { headers: AUTH, data: { ...l, price: 2222, type: 'entire', district: 'Queens', neighbourhood: 'Glendale' } });
    expect(res.status()).toBe(201);
  }
  await expect(page.getByTestId('alert-toast')).toContainText('Inside the triangle', { timeout: 5_000 });
  // The outside home was written first, so it was matched first: had it alerted, that alert
  // would be in the inbox (and on screen) before this one. No sleep needed to see it is not.
  const inbox = (await (await page.request.get('/api/alerts?after=0')).json()) as { alerts: { listing: { id: string } }[] };
  expect(inbox.alerts.map((a) => a.listing.id)).toEqual([inside.id]);
  await expect(page.getByTestId('alert-toast')).toHaveCount(1);
  await page.screenshot({ path: info.outputPath(`drawn-${info.project.name}.png`) });
  for (const l of [outside, inside]) await request.delete(`/api/listings/${l.id}`, { headers: AUTH });
});

test('saved searches: rename, pause and delete from the panel', async ({ page }, info) => {
  await openMap(page);
  await page.getByTestId('save-search').click();
  await expect(page.getByTestId('save-dialog')).toBeVisible();
  await page.screenshot({ path: info.outputPath(`save-dialog-${info.project.name}.png`) });
  await page.getByTestId('save-name').fill('Near the park');
  await page.getByTestId('save-confirm').click();
  await page.getByTestId('saved-searches').click();
  const row = page.getByTestId('saved-row');
  await expect(row).toHaveCount(1);
  const name = row.getByRole('textbox', { name: 'Rename' });
  await expect(name).toHaveValue('Near the park');
  await name.fill('Near Forest Park');
  await name.blur();
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible();
  await page.screenshot({ path: info.outputPath(`saved-panel-${info.project.name}.png`) });
  const saved = (await (await page.request.get('/api/saved-searches')).json()) as { savedSearches: { name: string; paused: boolean }[] };
  expect(saved.savedSearches).toMatchObject([{ name: 'Near Forest Park', paused: true }]);
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('saved-searches')).toHaveText(/\(0\)/);
  expect(((await (await page.request.get('/api/saved-searches')).json()) as { savedSearches: unknown[] }).savedSearches).toEqual([]);
});

test('one toast per home naming every search it matched; a price drop reads old → new; a reload pops nothing again', async ({ page, request }, info) => {
  await openMap(page);
  const bbox = [AT.lon - 0.01, AT.lat - 0.01, AT.lon + 0.01, AT.lat + 0.01];
  for (const name of ['Glendale any', 'Glendale cheap']) {
    const res = await page.request.post('/api/saved-searches', { headers: { origin: E2E_ORIGIN }, data: { name, bbox, filters: name.endsWith('cheap') ? { priceMax: 3000 } : {} } });
    expect(res.status()).toBe(201);
  }
  await page.reload();
  await expect(page.getByTestId('map-total')).toBeVisible();
  const id = `e2e-two-searches-${info.project.name}`;
  expect((await request.post('/api/listings', { headers: AUTH, data: { id, title: 'Matched twice', ...AT, price: 2000, type: 'entire', district: 'Queens', neighbourhood: 'Glendale' } })).status()).toBe(201);
  const toast = page.getByTestId('alert-toast').filter({ hasText: 'Matched twice' });
  await expect(toast.getByTestId('toast-searches')).toHaveText(/Glendale any · Glendale cheap|Glendale cheap · Glendale any/, { timeout: 5_000 });
  await expect(toast).toHaveCount(1);
  expect((await request.patch(`/api/listings/${id}`, { headers: AUTH, data: { price: 1700 } })).status()).toBe(200);
  const drop = page.getByTestId('alert-toast').filter({ hasText: 'Price drop' });
  await expect(drop).toContainText('$2,000 → $1,700 / month', { timeout: 5_000 });
  await expect(drop).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('map-total')).toBeVisible();
  // Both alerts are in the bell, and neither pops up again.
  await page.getByTestId('alerts-bell').click();
  await expect(page.getByTestId('alerts-list').getByRole('link', { name: /Matched twice/ }).first()).toBeVisible();
  await expect(page.getByTestId('alert-toast')).toHaveCount(0);
  await request.delete(`/api/listings/${id}`, { headers: AUTH });
});
