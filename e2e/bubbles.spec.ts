import { expect, test, type Page } from '@playwright/test';
import { mapTotal, offline } from './helpers';

test.beforeEach(async ({ page }) => offline(page));

/** Every pair of boxes of a selector that overlap on screen, as "a × b". */
async function overlapping(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) => {
    const boxes = els.map((e) => ({ r: e.getBoundingClientRect(), name: e.textContent ?? '' }));
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(`${boxes[i]!.name} × ${boxes[j]!.name}`);
      }
    }
    return out;
  });
}

for (const zoom of [10, 11, 12, 13, 14, 15]) {
  test(`no two bubble labels overlap at zoom ${zoom}`, async ({ page }, info) => {
    await page.goto(`/?lat=40.73&lon=-73.95&zoom=${zoom}`);
    await mapTotal(page);
    await expect(page.locator('.bubble').first()).toBeVisible();
    expect(await overlapping(page, '.bubble')).toEqual([]);
    await page.screenshot({ path: info.outputPath(`bubbles-z${zoom}-${info.project.name}.png`) });
  });
}

test('clusters carry an average price', async ({ page }) => {
  await page.goto('/?lat=40.72&lon=-73.96&zoom=14');
  await mapTotal(page);
  await expect(page.locator('.bubble-cluster .bubble-price').first()).toHaveText(/^\$[\d,]+$/);
});

for (const zoom of [16, 17, 18]) {
  test(`no two price tags overlap at zoom ${zoom}`, async ({ page }) => {
    await page.goto(`/?lat=40.7265&lon=-73.9815&zoom=${zoom}`);
    await mapTotal(page);
    await expect(page.locator('.pin').first()).toBeVisible();
    expect(await overlapping(page, '.pin')).toEqual([]);
  });
}
