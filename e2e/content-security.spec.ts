import { expect, test } from '@playwright/test';
import { offline } from './helpers';

/**
 * The pages run under a nonce-based CSP (server/ops/security-headers.ts): every script
 * Next.js writes carries the response's nonce, none runs without it, and the map works
 * with no violation reported. Images come only from us, data: and the tile host.
 */
test('every script carries the response\'s nonce; the map and a listing page run with no CSP violation', async ({ page, request }) => {
  const res = await request.get('/');
  const csp = res.headers()['content-security-policy']!;
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toMatch(/img-src 'self' data: [^;]*openstreetmap[^;]*(;|$)/);
  const html = await res.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(2);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(e.message));
  await offline(page);
  await page.goto('/');
  await expect(page.getByTestId('map-total')).toBeVisible();
  const first = page.locator('.bubble-count').first();
  await expect(first).toBeVisible();
  await page.goto('/listings/e2e-xss');
  await expect(page.getByTestId('listing-title')).toBeVisible();
  expect(violations).toEqual([]);
});

test('a page path that does not percent-decode is a 4xx, not a 500', async ({ request }) => {
  for (const path of ['/listings/%', '/listings/%E0%A4%A']) {
    const res = await request.get(path);
    expect(res.status(), path).toBeGreaterThanOrEqual(400);
    expect(res.status(), path).toBeLessThan(500);
  }
});
