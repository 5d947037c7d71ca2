import { expect, test, type Page } from '@playwright/test';
import { mapTotal, offline, openFilters, searchParam } from './helpers';

test.beforeEach(async ({ page }) => offline(page));

const VIEW = 'lat=40.72&lon=-73.97&zoom=12';

/** The map chip's count now (the sheet may cover the chip on a phone: read, not look). */
async function totalNow(page: Page): Promise<number> {
  return Number(await page.getByTestId('map-total').getAttribute('data-total'));
}

test('bathrooms, guests and amenities narrow the map from the URL and from their controls; the list sorts by price both ways', async ({ page }) => {
  await page.goto(`/?${VIEW}`);
  const all = (await mapTotal(page)).total;
  expect(all).toBeGreaterThan(1_000);

  // From the URL: the controls show what it asks, and the count falls.
  await page.goto(`/?${VIEW}&bathsMin=1.5&guestsMin=4&amenities=washer,wifi`);
  const narrowed = (await mapTotal(page)).total;
  expect(narrowed).toBeGreaterThan(0);
  expect(narrowed).toBeLessThan(all / 2);
  await openFilters(page);
  await expect(page.getByTestId('baths-min')).toHaveValue('1.5');
  await expect(page.getByTestId('guests-min')).toHaveValue('4');
  await expect(page.getByTestId('amenity-wifi')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('amenity-washer')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('amenity-pool')).toHaveAttribute('aria-pressed', 'false');

  // From the component, by keyboard: Space presses an amenity, and the count falls again.
  await page.getByTestId('amenity-pool').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('amenity-pool')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => searchParam(page, 'amenities')).toBe('wifi,washer,pool');
  await expect.poll(() => totalNow(page)).toBeLessThan(narrowed);
  const withPool = await totalNow(page);

  // Any number of guests again: more homes, and the URL drops the field.
  await page.getByTestId('guests-min').selectOption('');
  await expect.poll(() => searchParam(page, 'guestsMin')).toBeNull();
  await expect.poll(() => totalNow(page)).toBeGreaterThan(withPool);

  // Highest price first, then the biggest cut (the demo has none: every home is a tie, by id).
  await page.getByTestId('amenity-pool').click();
  await page.getByTestId('sort').selectOption('price_desc');
  await expect.poll(() => searchParam(page, 'sort')).toBe('price_desc');
  const rows = page.getByTestId('list-row');
  await expect(rows.first()).toBeAttached();
  await expect
    .poll(async () => {
      const prices = (await page.locator('.row-price').allTextContents()).map((p) => Number(p.replace(/\D/g, '')));
      return prices.length > 1 && prices.every((p, i) => i === 0 || p <= prices[i - 1]!);
    })
    .toBe(true);
  await page.getByTestId('sort').selectOption('price_cut');
  await expect.poll(() => searchParam(page, 'sort')).toBe('price_cut');
  await expect(page.getByTestId('sort')).toHaveValue('price_cut');

  // A shared URL brings it all back.
  const url = page.url();
  await page.goto(url);
  await openFilters(page);
  await expect(page.getByTestId('baths-min')).toHaveValue('1.5');
  await expect(page.getByTestId('guests-min')).toHaveValue('');
  await expect(page.getByTestId('sort')).toHaveValue('price_cut');
});
