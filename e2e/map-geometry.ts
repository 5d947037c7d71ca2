import { expect, type Page } from '@playwright/test';

/** Web Mercator pixels of a point at a zoom (256-px tiles), as Leaflet projects it. */
export function project(lat: number, lon: number, zoom: number): { x: number; y: number } {
  const size = 256 * 2 ** zoom;
  const sin = Math.sin((Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180);
  return { x: ((lon + 180) / 360) * size, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size };
}

interface AreaBucket {
  key: string;
  label: string;
  lat: number;
  lon: number;
  count: number;
}

/**
 * How far each drawn bubble (labels and dots) is from its area's own point, in pixels: the
 * point from the API's whole-area answer, projected from the URL's view, independently of
 * the page's map.
 */
export async function bubbleDistances(page: Page): Promise<{ key: string; d: number }[]> {
  const url = new URL(page.url());
  const lat = Number(url.searchParams.get('lat'));
  const lon = Number(url.searchParams.get('lon'));
  const zoom = Number(url.searchParams.get('zoom'));
  const areaZoom = zoom <= 11 ? 10 : 12;
  const body = (await (await page.request.get(`/api/search?bbox=-180,-85,180,85&zoom=${areaZoom}`)).json()) as { buckets: AreaBucket[] };
  const byKey = new Map(body.buckets.map((b) => [b.key, b]));
  const drawn = await page.locator('.bubble[data-key], .bubble-compact[data-key], .bubble-dot[data-key]').evaluateAll((els) => {
    const map = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
    return els.map((e) => {
      const r = e.getBoundingClientRect();
      return { key: e.getAttribute('data-key')!, x: r.left + r.width / 2 - map.left, y: r.top + r.height / 2 - map.top, w: map.width, h: map.height };
    });
  });
  expect(drawn.length).toBeGreaterThan(0);
  const centre = project(lat, lon, zoom);
  return drawn.map((b) => {
    const area = byKey.get(b.key);
    if (!area) return { key: b.key, d: Infinity };
    const p = project(area.lat, area.lon, zoom);
    const x = p.x - centre.x + b.w / 2;
    const y = p.y - centre.y + b.h / 2;
    return { key: `${area.label} (${b.key})`, d: Math.hypot(b.x - x, b.y - y) };
  });
}

/** Pairs of page rectangles that intersect: "a × b". */
export async function covered(page: Page, over: string, under: string): Promise<string[]> {
  return page.evaluate(
    ([o, u]) => {
      const out: string[] = [];
      const tops = [...document.querySelectorAll(o!)].map((e) => ({ r: e.getBoundingClientRect(), name: e.textContent ?? '' }));
      for (const e of document.querySelectorAll(u!)) {
        const r = e.getBoundingClientRect();
        for (const t of tops) {
          if (t.r.width === 0) continue;
          if (r.left < t.r.right && t.r.left < r.right && r.top < t.r.bottom && t.r.top < r.bottom) out.push(`${t.name} × ${e.textContent ?? ''}`);
        }
      }
      return out;
    },
    [over, under],
  );
}
