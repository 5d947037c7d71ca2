import { expect, test } from '@playwright/test';
import { mapTotal, offline, searchParam } from './helpers';

test('filters and the list work from the keyboard alone', async ({ page, isMobile }) => {
  test.skip(isMobile, 'a keyboard session');
  await offline(page);
  await page.goto('/?lat=40.73&lon=-73.97&zoom=12');
  const before = await mapTotal(page);
  // Tab from the brand link through the place box into the filters.
  await page.getByRole('link', { name: 'Roost' }).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('place-box')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('price-min')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('price-max')).toBeFocused();
  const top = await page.getByTestId('price-max').locator('option').last().getAttribute('value');
  await page.keyboard.press('End'); // Any → the highest price step
  await expect.poll(() => searchParam(page, 'priceMax')).toBe(top);
  await expect.poll(async () => (await mapTotal(page)).total).toBeLessThan(before.total);
  // The rest of the filters are behind "More filters": Tab reaches it, Enter opens it
  // with the focus inside, and Tab goes on to the first type chip.
  for (let i = 0; i < 4 && !(await page.getByTestId('filters-button').evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(page.getByTestId('filters-button')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('filter-sheet')).toHaveAttribute('role', 'dialog');
  for (let i = 0; i < 6 && !(await page.getByTestId('type-entire').evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(page.getByTestId('type-entire')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('type-entire')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => searchParam(page, 'type')).toBe('entire');
  // Escape closes the dialog, the filter kept.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('filter-sheet')).not.toHaveAttribute('role', 'dialog');
  expect(searchParam(page, 'type')).toBe('entire');
  // A list row is a link: Enter opens the listing.
  const row = page.getByTestId('list-row').first();
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/listings\//);
});
