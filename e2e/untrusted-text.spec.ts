import { expect, test } from '@playwright/test';
import { XSS_AT, XSS_ID, XSS_TITLE } from './fixtures';
import { offline, watchForScript } from './helpers';

test('a listing titled with HTML shows that text literally in the card, the list and its page', async ({ page }, info) => {
  await offline(page);
  const problems = watchForScript(page);
  await page.goto(`/?lat=${XSS_AT.lat}&lon=${XSS_AT.lon}&zoom=18`);
  await expect(page.getByTestId('map-total')).toHaveAttribute('data-level', 'listing');
  // The list: newest first, and it is the newest listing.
  const row = page.getByTestId('list-row').filter({ hasText: XSS_TITLE });
  await expect(row).toHaveCount(1);
  await expect(row.locator('.row-title')).toHaveText(XSS_TITLE);
  // The card, opened from its pin (named by its title).
  await page.getByRole('button', { name: `${XSS_TITLE}, $1,234` }).click();
  const card = page.getByTestId('listing-card');
  await expect(card.getByRole('heading')).toHaveText(XSS_TITLE);
  await page.screenshot({ path: info.outputPath(`untrusted-card-${info.project.name}.png`) });
  // Its page.
  await page.goto(`/listings/${XSS_ID}`);
  await expect(page.getByTestId('listing-title')).toHaveText(XSS_TITLE);
  await expect(page.getByTestId('small-map')).toBeVisible();
  // No element was made from the title anywhere.
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(problems).toEqual([]);
});
