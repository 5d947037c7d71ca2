import fs from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from './fixtures';
import { mapTotal, offline } from './helpers';

/**
 * Two cities in two currencies and periods in one store: the demo New York (USD a month)
 * and a Bergen written here in NOK a night. Bergen, not Oslo: the unbounded-city spec
 * writes an Oslo in NOK a month into the same run's store, and this spec needs a city of
 * one unit. Each bubble and one-home tag must read in its own currency, the heading in
 * the view's period; a view holding both cities names each bubble's period instead.
 */
const SHOTS = process.env.CURRENCY_SHOTS ?? '/tmp/currency-shots';

const AREAS: { district: string; neighbourhood: string; lat: number; lon: number }[] = [
  { district: 'Bergenhus', neighbourhood: 'Sentrum', lat: 60.392, lon: 5.324 },
  { district: 'Bergenhus', neighbourhood: 'Sandviken', lat: 60.405, lon: 5.318 },
  { district: 'Årstad', neighbourhood: 'Møhlenpris', lat: 60.383, lon: 5.315 },
  { district: 'Årstad', neighbourhood: 'Kronstad', lat: 60.372, lon: 5.35 },
];
const PER_AREA = 14;

async function writeBergen(request: APIRequestContext): Promise<void> {
  let seed = 11;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const homes: object[] = [];
  for (const [a, area] of AREAS.entries()) {
    for (let i = 0; i < PER_AREA; i++) {
      homes.push({
        id: `bergen-${a}-${i}`,
        title: `Leilighet ${area.neighbourhood} ${i}`,
        lat: area.lat + (rand() - 0.5) * 0.006,
        lon: area.lon + (rand() - 0.5) * 0.012,
        price: 800 + Math.round(rand() * 1700),
        currency: 'NOK',
        pricePer: 'night',
        type: 'entire',
        district: area.district,
        neighbourhood: area.neighbourhood,
        bedrooms: 1 + (i % 3),
        listedAt: '2015-03-01T12:00:00Z',
      });
    }
  }
  // Homes alone in their cells at zoom 14–15: each a one-home price tag.
  for (const [i, [lat, lon]] of [
    [60.386, 5.285],
    [60.398, 5.36],
    [60.412, 5.345],
  ].entries()) {
    homes.push({ id: `bergen-alone-${i}`, title: `Hytte ${i}`, lat, lon, price: 1234 + i, currency: 'NOK', pricePer: 'night', type: 'entire', district: 'Bergenhus', neighbourhood: 'Utkant', listedAt: '2015-03-01T12:00:00Z' });
  }
  for (const h of homes) {
    const r = await request.post('/api/listings', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, data: h });
    expect(r.status()).toBeLessThan(300);
  }
}

/** The prices on every bubble, compact label and one-home tag on screen, with their currency and period. */
async function bubblePrices(page: Page): Promise<{ text: string; currency: string; per: string }[]> {
  return page.locator('[data-currency]:is(.bubble, .bubble-compact, .pin-single)').evaluateAll((els) =>
    els.map((el) => ({
      text: (el.querySelector('.bubble-price, .compact-price') ?? el).textContent ?? '',
      currency: (el as HTMLElement).dataset.currency!,
      per: (el as HTMLElement).dataset.per!,
    })),
  );
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

let written = false;
test.beforeEach(async ({ page, request }) => {
  await offline(page);
  if (!written) {
    await writeBergen(request);
    written = true;
  }
});

const PER = { 'en-US': { night: '/ night', month: '/ month' }, 'zh-CN': { night: '/ 晚', month: '/ 月' } } as const;

for (const locale of ['en-US', 'zh-CN'] as const) {
  test.describe(locale, () => {
    test.use({ locale });

    for (const zoom of [12, 13, 14, 15]) {
      test(`Bergen (NOK a night) at zoom ${zoom}: bubbles and tags read kr, the heading per night`, async ({ page }, info) => {
        await page.goto(`/?lat=60.392&lon=5.325&zoom=${zoom}`);
        await mapTotal(page);
        await expect(page.locator('[data-currency]').first()).toBeAttached();
        const prices = await bubblePrices(page);
        expect(prices.length).toBeGreaterThan(0);
        for (const p of prices) {
          expect(p, JSON.stringify(p)).toMatchObject({ currency: 'NOK', per: 'night' });
          expect(p.text).toMatch(/^kr\s?[\d,]+$/);
        }
        const heading = page.getByTestId('prices-per');
        await expect(heading).toHaveAttribute('data-per', 'night');
        await expect(heading).toHaveAttribute('data-currency', 'NOK');
        await expect(heading).toContainText(PER[locale].night);
        if (zoom >= 14) await expect(page.locator('.pin-single[data-currency=NOK]').first()).toHaveText(/^kr/);
        await shot(page, `bergen-z${zoom}-${locale}-${info.project.name}`);
      });
    }

    test('New York still reads dollars a month', async ({ page }, info) => {
      await page.goto('/?lat=40.73&lon=-73.99&zoom=12');
      await mapTotal(page);
      await expect(page.locator('[data-currency]').first()).toBeAttached();
      const prices = await bubblePrices(page);
      expect(prices.length).toBeGreaterThan(0);
      for (const p of prices) {
        expect(p).toMatchObject({ currency: 'USD', per: 'month' });
        expect(p.text).toMatch(/^\$[\d,]+$/);
      }
      await expect(page.getByTestId('prices-per')).toHaveAttribute('data-per', 'month');
      await expect(page.getByTestId('prices-per')).toContainText(PER[locale].month);
      await shot(page, `new-york-z12-${locale}-${info.project.name}`);
    });

    test('a view of both cities names each bubble’s currency and period, and the heading drops the unit', async ({ page }, info) => {
      test.skip(info.project.name === 'phone', 'a phone at the lowest zoom cannot hold New York and Bergen on one screen');
      await page.goto('/?lat=50&lon=-34&zoom=3');
      await mapTotal(page);
      await expect(page.locator('[data-currency=NOK]').first()).toBeAttached();
      const prices = await bubblePrices(page);
      const night = locale === 'en-US' ? '/night' : '/晚';
      const month = locale === 'en-US' ? '/mo' : '/月';
      expect(prices.filter((p) => p.currency === 'NOK' && p.per === 'night').length).toBeGreaterThan(0);
      expect(prices.filter((p) => p.currency === 'USD' && p.per === 'month').length).toBeGreaterThan(0);
      // (The whole suite's run also holds the unbounded-city spec's Oslo, NOK a month: its bubble reads kr …/mo.)
      for (const p of prices) {
        const symbol = p.currency === 'NOK' ? 'kr\\s?' : p.currency === 'USD' ? '\\$' : null;
        expect(symbol, JSON.stringify(p)).not.toBeNull();
        expect(p.text).toMatch(new RegExp(`^${symbol}[\\d,]+${p.per === 'night' ? night : month}$`));
      }
      await expect(page.getByTestId('prices-per')).toHaveCount(0);
      await shot(page, `both-cities-z3-${locale}-${info.project.name}`);
    });
  });
}
