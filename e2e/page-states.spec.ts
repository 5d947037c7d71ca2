import { expect, test } from '@playwright/test';
import { E2E_ORIGIN } from './fixtures';
import { offline } from './helpers';

// The site's pages (not the map) where a person lands with nothing to act on: signed out, a
// wrong address, a conversation that is not theirs. Each must say what happened in words.

test.beforeEach(async ({ page }) => offline(page));

test('an address that is no page says so under the site header, not that a listing is gone', async ({ page }) => {
  await page.goto('/no-such-page');
  await expect(page.getByTestId('not-found')).toContainText('There is no page at this address.');
  await expect(page.getByTestId('not-found')).not.toContainText('listing');
  // The way on: the site's own pages, not only "Back to the map".
  await expect(page.getByTestId('messages-nav')).toBeAttached();
  await page.context().addCookies([{ name: 'roost-locale', value: 'zh', url: E2E_ORIGIN }]);
  await page.reload();
  await expect(page.getByTestId('not-found')).toContainText('这个地址没有页面。');
});
