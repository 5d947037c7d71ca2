import { expect, test } from '@playwright/test';
import { mapTotal, offline, searchParam } from './helpers';
import { bubbleDistances } from './map-geometry';

/**
 * The demo's first view (no view in the URL, nothing remembered): the boroughs with the
 * most homes read first. Their points are 67–84 px apart at its zoom; centred on them,
 * Manhattan's label left Queens (9,143 homes) a bare dot and Brooklyn a one-line pill
 * while Staten Island (1,350) had a full bubble. Declutter now nudges a label off centre,
 * its point still inside it, before it shrinks.
 */
for (const locale of ['en-US', 'zh-CN']) {
  test.describe(locale, () => {
    test.use({ locale });

    test('the demo\'s first view: the three largest areas in view have full labels, none overlapping, each on its point', async ({ page }) => {
      await offline(page);
      await page.goto('/');
      await mapTotal(page);
      await expect(page.locator('.bubble').first()).toBeVisible();
      const zoom = Number(searchParam(page, 'zoom'));
      // New York's boroughs, framed: the district level.
      expect(zoom).toBeGreaterThanOrEqual(9);
      expect(zoom).toBeLessThanOrEqual(11);
      const answer = (await (await page.request.get(`/api/search?bbox=-180,-85,180,85&zoom=${zoom <= 8 ? 8 : 10}`)).json()) as { buckets: { key: string; count: number }[] };
      const drawn = await page.locator('.roost-marker [data-key]').evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return { key: e.getAttribute('data-key')!, full: e.classList.contains('bubble'), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }),
      );
      const count = new Map(answer.buckets.map((b) => [b.key, b.count]));
      const largest = [...drawn].sort((a, b) => (count.get(b.key) ?? 0) - (count.get(a.key) ?? 0)).slice(0, 3);
      expect(largest.map((d) => [d.key, d.full])).toEqual(largest.map((d) => [d.key, true]));
      // Declutter's promise: no two drawn bubbles overlap.
      for (let i = 0; i < drawn.length; i++) {
        for (let j = i + 1; j < drawn.length; j++) {
          const [a, b] = [drawn[i]!, drawn[j]!];
          expect(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom, `${a.key} × ${b.key}`).toBe(false);
        }
      }
      expect((await bubbleDistances(page)).filter((b) => b.d > b.slack)).toEqual([]);
    });
  });
}
