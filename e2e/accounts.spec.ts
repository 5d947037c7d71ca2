import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import sharp from 'sharp';
import { E2E_ADMIN_TOKEN, E2E_ORIGIN } from './fixtures';
import { newHomeForm, offline } from './helpers';
import { mailCount, mailedLink } from './mailbox';

const AUTH = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const MAP = '/?lat=40.7306&lon=-73.9866&zoom=13';

/** A listing of the test's own, so favourites and alerts name a home nobody else touches. */
async function home(page: Page, id: string, price = 2500) {
  const res = await page.request.post('/api/listings', { headers: AUTH, data: { id, title: `Home ${id}`, lat: 40.7306, lon: -73.9866, price, type: 'entire', district: 'Manhattan', neighbourhood: 'East Village' } });
  expect(res.status()).toBeLessThan(300);
}

/** Signs this page's browser in by a mailed link, through the header and the link's page. */
async function signInByEmail(page: Page, email: string) {
  const before = mailCount(email);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('send-link').click();
  await expect(page.getByTestId('link-sent')).toContainText(email);
  const { link } = await mailedLink(email, before);
  expect(link.startsWith(`${E2E_ORIGIN}/auth/email?token=`)).toBe(true);
  await page.keyboard.press('Escape');
  // Escape closes the dialog by going back in history: a goto before that has happened
  // races it and is aborted (net::ERR_ABORTED).
  await expect(page.getByTestId('sign-in-dialog')).toHaveCount(0);
  await page.goto(link);
  await page.getByTestId('confirm-sign-in').click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
}

/** A device's own authenticator, as a phone's or a laptop's platform authenticator would be. */
async function withAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

test('a renter keeps a home anonymously, signs in by a mailed link, and finds it on a second device', async ({ page, browser }, info) => {
  await offline(page);
  const id = `e2e-acc-${info.project.name}`;
  const email = `renter-${info.project.name}@example.com`;
  await home(page, id);
  await page.goto(`/listings/${id}`);
  await page.getByTestId('favourite').click();
  await expect(page.getByTestId('favourite')).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/saved');
  await expect(page.getByTestId('saved-anonymous')).toBeVisible();
  await expect(page.getByTestId('favourite-card')).toContainText(`Home ${id}`);

  await page.goto(MAP);
  await page.getByTestId('sign-in').click();
  await expect(page.getByTestId('sign-in-dialog')).toBeVisible();
  await page.screenshot({ path: info.outputPath(`sign-in-${info.project.name}.png`) });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sign-in-dialog')).toHaveCount(0);
  const before = mailCount(email);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('send-link').click();
  await expect(page.getByTestId('link-sent')).toContainText(email);
  const { mail, link } = await mailedLink(email, before);
  expect(mail.html).toContain('/auth/email?token=');
  // A mail scanner follows the link: that spends nothing.
  expect((await page.request.get(link)).status()).toBe(200);
  await page.goto(link);
  await page.screenshot({ path: info.outputPath(`email-link-${info.project.name}.png`) });
  await page.getByTestId('confirm-sign-in').click();
  await expect(page.getByTestId('signed-in-as')).toContainText('Renter');
  await page.goto('/saved');
  await expect(page.getByTestId('saved-anonymous')).toHaveCount(0);
  await expect(page.getByTestId('favourite-card')).toContainText(`Home ${id}`);
  await page.screenshot({ path: info.outputPath(`saved-${info.project.name}.png`), fullPage: true });

  // The same renter on another device.
  const other = await browser.newContext({ baseURL: E2E_ORIGIN, viewport: page.viewportSize()! });
  const phone = await other.newPage();
  await offline(phone);
  await phone.goto(MAP);
  await signInByEmail(phone, email);
  await phone.goto('/saved');
  await expect(phone.getByTestId('favourite-card')).toContainText(`Home ${id}`);
  // A drop of that home reaches both devices' inboxes.
  expect((await page.request.patch(`/api/listings/${id}`, { headers: AUTH, data: { price: 2300 } })).status()).toBe(200);
  await phone.reload();
  await expect(phone.getByTestId('favourite-prices')).toContainText('$200');
  await expect
    .poll(async () => ((await (await phone.request.get('/api/alerts?after=0')).json()) as { alerts: { favourite?: string }[] }).alerts.filter((a) => a.favourite === id).length)
    .toBe(1);

  // Signed out on the first device: its /saved is anonymous and empty; the second stays signed in.
  await page.goto(MAP);
  await page.getByTestId('account-button').click();
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await page.goto('/saved');
  await expect(page.getByTestId('saved-anonymous')).toBeVisible();
  await expect(page.getByTestId('favourite-card')).toHaveCount(0);
  await phone.goto('/saved');
  await expect(phone.getByTestId('favourite-card')).toHaveCount(1);
  await other.close();
  await page.request.delete(`/api/listings/${id}`, { headers: AUTH });
});

test('a spent link signs no one in; the dialog closes by Escape and by Back, keyboard only', async ({ page, browser }, info) => {
  await offline(page);
  const email = `once-${info.project.name}@example.com`;
  await page.goto(MAP);
  await signInByEmail(page, email);
  const { link } = await mailedLink(email);
  const other = await browser.newContext({ baseURL: E2E_ORIGIN });
  const again = await other.newPage();
  await again.goto(link);
  await again.getByTestId('confirm-sign-in').click();
  await expect(again.getByTestId('email-link-page').getByRole('alert')).toContainText('used already');

  // A fresh link opened in another browser (someone else's, sent on, or the renter's own on
  // their phone): it asks for the address it was mailed to, and only that one signs in.
  const before = mailCount(email);
  await page.getByTestId('account-button').click();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').click();
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('send-link').click();
  const fresh1 = (await mailedLink(email, before)).link;
  await page.keyboard.press('Escape');
  await again.goto(fresh1);
  await again.getByTestId('confirm-sign-in').click();
  await expect(again.getByTestId('link-email')).toBeFocused();
  await again.getByTestId('link-email').fill('someone-else@example.com');
  await again.keyboard.press('Enter');
  await expect(again.getByTestId('email-link-page').getByRole('alert')).toContainText('not the address');
  expect(((await (await again.request.get('/api/me')).json()) as { account: unknown }).account).toBeNull();
  await again.getByTestId('link-email').fill(email);
  await again.getByTestId('confirm-sign-in').click();
  await expect(again.getByTestId('signed-in-as')).toBeVisible();
  await other.close();

  // Keyboard: the header's button opens the dialog with the address field focused; Escape closes it.
  const fresh = await browser.newContext({ baseURL: E2E_ORIGIN, viewport: page.viewportSize()! });
  const p = await fresh.newPage();
  await offline(p);
  await p.goto(MAP);
  await p.getByTestId('sign-in').focus();
  await p.keyboard.press('Enter');
  await expect(p.getByTestId('sign-in-email')).toBeFocused();
  await p.keyboard.press('Escape');
  await expect(p.getByTestId('sign-in-dialog')).toHaveCount(0);
  await expect(p.getByTestId('sign-in')).toBeFocused();
  // Back (the phone's gesture) closes the dialog and stays on the map.
  await p.getByTestId('sign-in').click();
  await expect(p.getByTestId('sign-in-dialog')).toBeVisible();
  const url = p.url();
  await p.goBack();
  await expect(p.getByTestId('sign-in-dialog')).toHaveCount(0);
  expect(p.url()).toBe(url);
  await expect(p.getByTestId('map-total')).toBeVisible();
  await fresh.close();
});

test('passkeys on two devices: added after a link, signed out, signed in with the passkey alone', async ({ browser }, info) => {
  const email = `keys-${info.project.name}@example.com`;
  const devices: Page[] = [];
  for (const n of [1, 2]) {
    const context = await browser.newContext({ baseURL: E2E_ORIGIN });
    const page = await context.newPage();
    await offline(page);
    await withAuthenticator(context, page);
    await page.goto(MAP);
    await signInByEmail(page, email);
    await page.goto('/account');
    await page.getByTestId('add-passkey').click();
    await expect(page.getByTestId('account-note')).toContainText(/passkey/i);
    if (n === 1) await page.screenshot({ path: info.outputPath(`account-${info.project.name}.png`), fullPage: true });
    devices.push(page);
  }
  await devices[0]!.reload();
  await expect(devices[0]!.getByTestId('devices').locator('li')).toHaveCount(2);
  for (const page of devices) {
    await page.goto(MAP);
    await page.getByTestId('account-button').click();
    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await page.getByTestId('sign-in').click();
    await page.getByTestId('passkey-sign-in').click();
    await expect(page.getByTestId('account-button')).toBeVisible();
    expect(((await (await page.request.get('/api/me')).json()) as { account: { email: string } }).account.email).toBe(email);
  }
  // A passkey-only newcomer: an account from the passkey alone.
  const context = await browser.newContext({ baseURL: E2E_ORIGIN });
  const page = await context.newPage();
  await offline(page);
  await withAuthenticator(context, page);
  await page.goto(MAP);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('passkey-sign-up').click();
  await expect(page.getByTestId('account-button')).toBeVisible();
  expect(((await (await page.request.get('/api/me')).json()) as { account: { email: string | null } }).account.email).toBeNull();
  for (const d of devices) await d.context().close();
  await context.close();
});

test('a host lists a home with a photo, edits it and takes it down', async ({ page }, info) => {
  await offline(page);
  page.on('dialog', (d) => void d.accept());
  await page.goto(MAP);
  await signInByEmail(page, `host-${info.project.name}@example.com`);
  await newHomeForm(page);
  const title = `Sunny loft ${info.project.name}`;
  await page.getByTestId('listing-title-input').fill(title);
  await page.getByTestId('listing-description-input').fill('Two windows south, one west.');
  await page.getByTestId('listing-price-input').fill('3100');
  await page.getByTestId('listing-bedrooms').fill('2');
  const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 230, g: 190, b: 120 } } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 43/1 50/1' } })
    .toBuffer();
  await page.getByTestId('listing-photos-input').setInputFiles({ name: 'loft.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.screenshot({ path: info.outputPath(`host-new-${info.project.name}.png`), fullPage: true });
  await page.getByTestId('listing-save').click();
  const card = page.getByTestId('host-listing').filter({ hasText: title });
  await expect(card).toBeVisible({ timeout: 15_000 });
  await expect(card.locator('img')).toHaveJSProperty('complete', true);
  await page.screenshot({ path: info.outputPath(`host-${info.project.name}.png`), fullPage: true });
  await card.getByRole('link', { name: title }).click();
  await expect(page.getByTestId('listing-title')).toHaveText(title);
  await expect(page.getByTestId('listing-host')).toContainText('Hosted by Host');
  const img = page.getByTestId('gallery').locator('img').first();
  await expect(img).toHaveAttribute('srcset', /\/photos\/[0-9a-f]{64}\?w=400 400w/);
  await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await page.goto('/host');
  await page.getByTestId('host-listing').filter({ hasText: title }).getByTestId('edit-listing').click();
  await page.getByTestId('listing-price-input').fill('2900');
  await page.getByTestId('listing-save').click();
  await expect(page.getByTestId('host-listing').filter({ hasText: title })).toContainText('2,900');
  await page.getByTestId('host-listing').filter({ hasText: title }).getByTestId('take-down').click();
  await expect(page.getByTestId('host-listing').filter({ hasText: title })).toHaveCount(0);
});
