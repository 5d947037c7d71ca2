import { expect, type Page } from '@playwright/test';

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
