import { expect, type Locator, type Page } from '@playwright/test';

/** No internet here: tiles and anything else off this machine are answered empty. */
export async function offline(page: Page): Promise<void> {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.fulfill({ status: 204, body: '' }));
}

/** Fails the test on any script error or dialog: untrusted text must never run. */
export function watchForScript(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

/** The map's answer once it has settled: level and total from the status chip. */
export async function mapTotal(page: Page): Promise<{ level: string; total: number }> {
  const chip = page.getByTestId('map-total');
  await expect(chip).toBeVisible();
  return { level: (await chip.getAttribute('data-level'))!, total: Number(await chip.getAttribute('data-total')) };
}

/** Sum of the counts printed on the bubbles. */
export async function bubbleSum(page: Page): Promise<number> {
  const counts = await page.locator('.bubble-count').allTextContents();
  return counts.reduce((n, text) => n + Number(text.replace(/\D/g, '')), 0);
}

export function searchParam(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

/** The element of a selector nearest the map's centre: one surely on screen, not under the list sheet. */
export async function nearestToCentre(page: Page, selector: string): Promise<Locator> {
  await expect(page.locator(selector).first()).toBeAttached();
  const index = await page.locator(selector).evaluateAll((els) => {
    const map = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
    const cx = map.left + map.width / 2;
    const cy = map.top + map.height / 2;
    let best = 0;
    let bestD = Infinity;
    els.forEach((e, i) => {
      const r = e.getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy);
      if (d < bestD) [best, bestD] = [i, d];
    });
    return best;
  });
  return page.locator(selector).nth(index);
}

/** On a phone the filters are in a sheet behind a button: open it (a no-op on a desktop). */
export async function openFilters(page: Page): Promise<void> {
  const button = page.getByTestId('filters-button');
  if (await button.isVisible()) {
    await button.click();
    await expect(page.getByTestId('filter-sheet')).toHaveAttribute('role', 'dialog');
  }
}

/**
 * The watch frames the page's live socket sends, gathered from before it opens: a test
 * that writes waits until the page has asked to watch, instead of sleeping.
 */
export function watchFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const text = typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8');
      if (text.includes('"type":"watch"')) frames.push(text);
    });
  });
  return frames;
}

/** A host's new-home form on /host, its place set by a click in the middle of the place picker. */
export async function newHomeForm(page: Page): Promise<void> {
  await page.goto('/host');
  await page.getByTestId('new-listing').click();
  const picker = page.getByTestId('place-picker');
  await expect(picker).toBeVisible();
  const box = (await picker.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.locator('.pin-place')).toHaveCount(1);
}
