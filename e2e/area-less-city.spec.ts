import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from './fixtures';
import { mapTotal, offline } from './helpers';
import { covered } from './map-geometry';

/**
 * A city imported with neither district nor neighbourhood fields and no boundaries file: a
 * Bergen written through the admin API, two clumps of 150 homes, NOK a night. Until zoom
 * 14 the engines answered its homes as one nameless bucket the page did not draw: an
 * empty map and "300 homes with no area are in the list". Now they come as the cluster
 * level's cells at every area zoom, drawn with count and price.
 *
 * Each clump sits at the middle of a zoom-15 tile (so at every coarser tile too), the two
 * in one zoom-12 tile three zoom-15 tiles apart: the district level (asked at zoom 10, its
 * cells of precision 12) draws one bubble, the neighbourhood level (asked at zoom 12,
 * precision 14) two, 96 px apart at zoom 12 and 192 px at zoom 13 (both on a phone's
 * screen), so every cell has room to be drawn and the printed counts add up exactly. Listed years ago, so the demo stays
 * the newest (the first view is the newest homes' city); removed afterwards.
 */
const PER_CLUMP = 150;

function tileCentre(x: number, y: number, z: number): { lat: number; lon: number } {
  const n = Math.PI - (2 * Math.PI * (y + 0.5)) / 2 ** z;
  return { lon: ((x + 0.5) / 2 ** z) * 360 - 180, lat: (180 / Math.PI) * Math.atan(Math.sinh(n)) };
}

function clumps(): { lat: number; lon: number }[] {
  const z = 15;
  const x = Math.floor(((5.32 + 180) / 360) * 2 ** z);
  const sin = Math.sin((60.39 * Math.PI) / 180);
  const y = Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 2 ** z);
  const x0 = x - (x % 8);
  const y0 = y - (y % 8);
  return [tileCentre(x0 + 1, y0 + 1, z), tileCentre(x0 + 4, y0 + 1, z)];
}

const ids = () => clumps().flatMap((_, c) => Array.from({ length: PER_CLUMP }, (_, i) => `bergen-${c}-${i}`));

test.beforeAll(async ({ request }) => {
  // 300 writes; a worker started again after a failure writes them again (as updates).
  test.setTimeout(120_000);
  let seed = 11;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const writes: Promise<unknown>[] = [];
  for (const [c, at] of clumps().entries()) {
    for (let i = 0; i < PER_CLUMP; i++) {
      const id = `bergen-${c}-${i}`;
      writes.push(
        request
          .post('/api/listings', {
            headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
            // No district, no neighbourhood: what a file without those columns imports as.
            data: {
              id,
              title: `Leilighet i Bergen ${i}`,
              lat: at.lat + (rand() - 0.5) * 0.0003,
              lon: at.lon + (rand() - 0.5) * 0.0006,
              price: 800 + Math.round(rand() * 1600),
              currency: 'NOK',
              pricePer: 'night',
              type: 'entire',
              listedAt: '2015-03-01T12:00:00Z',
            },
          })
          .then((r) => expect(r.status(), id).toBeLessThan(300)),
      );
    }
  }
  await Promise.all(writes);
});

test.afterAll(async ({ request }) => {
  test.setTimeout(120_000);
  for (const id of ids()) await request.delete(`/api/listings/${id}`, { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
});

test.beforeEach(async ({ page }) => offline(page));

/** The drawn cells of homes no area claims (their keys start with a control character): key, form and printed count. */
async function drawnCells(page: Page): Promise<{ key: string; form: string; count: number }[]> {
  return page.locator('.roost-marker [data-key]').evaluateAll((els) =>
    els
      .filter((e) => e.getAttribute('data-key')!.startsWith('\u001f'))
      .map((e) => ({ key: e.getAttribute('data-key')!, form: e.className, count: Number((e.querySelector('.bubble-count')?.textContent ?? '').replace(/\D/g, '')) })),
  );
}

for (const locale of ['en-US', 'zh-CN']) {
  test.describe(locale, () => {
    test.use({ locale });

    for (const zoom of [10, 11, 12, 13]) {
      test(`Bergen (no areas at all) at zoom ${zoom}: its homes drawn as cluster bubbles, their counts adding up`, async ({ page }) => {
        const [a, b] = clumps();
        await page.goto(`/?lat=${(a!.lat + b!.lat) / 2}&lon=${(a!.lon + b!.lon) / 2}&zoom=${zoom}`);
        await mapTotal(page);
        // The API's answer at the level's zoom: cells, no nameless area, counts adding up to the total.
        const areaZoom = zoom <= 11 ? 10 : 12;
        const answer = (await (await page.request.get(`/api/search?bbox=${a!.lon - 0.05},${a!.lat - 0.05},${b!.lon + 0.05},${b!.lat + 0.05}&zoom=${areaZoom}`)).json()) as {
          total: number;
          buckets: { key: string; label: string; count: number }[];
        };
        expect(answer.total).toBe(2 * PER_CLUMP);
        expect(answer.buckets.every((x) => x.key.startsWith('\u001f') && x.label === '')).toBe(true);
        expect(answer.buckets.reduce((n, x) => n + x.count, 0)).toBe(answer.total);
        // On the map: every home in a drawn cell, one bubble at the district level, two at the neighbourhood level; nothing said to be left out.
        await expect.poll(async () => (await drawnCells(page)).reduce((n, c) => n + c.count, 0)).toBe(2 * PER_CLUMP);
        const cells = await drawnCells(page);
        expect(cells).toHaveLength(zoom <= 11 ? 1 : 2);
        await expect(page.locator('.bubble-cluster').first()).toBeVisible();
        await expect(page.locator('.bubble-cluster .bubble-price').first()).toHaveText(/kr|NOK/);
        await expect(page.getByTestId('map-unplaced')).toHaveCount(0);
        expect(await covered(page, '.map-status .chip-status', '.bubble, .bubble-compact, .bubble-dot')).toEqual([]);
        // A click zooms in, to the next level.
        await page.locator('.bubble-cluster').first().click();
        await expect.poll(() => Number(new URL(page.url()).searchParams.get('zoom'))).toBeGreaterThan(zoom);
      });
    }
  });
}
