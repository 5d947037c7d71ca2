import { expect, test } from '@playwright/test';

test('the first page shows the demo city by district, and the counts add up', async ({ page }, info) => {
  // No internet here: anything not served locally is answered empty.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.fulfill({ status: 204, body: '' }));
  await page.goto('/');
  const areas = page.getByTestId('area');
  await expect(areas.first()).toBeVisible();
  await expect(areas).toHaveCount(5);
  await expect(page.getByText('Manhattan', { exact: true })).toBeVisible();
  const totalText = (await page.getByTestId('total').textContent())!;
  const total = Number(totalText.replace(/\D/g, ''));
  const counts = await areas.locator('span').allTextContents();
  const sum = counts.map((t) => Number(t.split(' homes')[0]!.replace(/\D/g, ''))).reduce((a, b) => a + b, 0);
  expect(total).toBe(50_000);
  expect(sum).toBe(total);
  await page.screenshot({ path: info.outputPath(`home-${info.project.name}.png`), fullPage: true });
});
