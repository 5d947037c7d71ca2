// Screenshots of issues 26 (accounts, favourites, hosts with photos) and 27 (conversations),
// as a renter and a host see them. Usage: node shots/shoot.mjs <desktop|phone> <en|zh>
// Needs a built server on BASE whose log is LOG, without SMTP_URL (sign-in links are read from
// the log) and with room for many sign-ins from one address, e.g.:
//   PORT=3300 DATA_DIR=/tmp/shots-data HOST=127.0.0.1 PUBLIC_URL=http://localhost:3300 ADMIN_TOKEN=… \
//     RATE_SIGNIN_PER_HOUR=1000 RATE_SESSIONS_PER_HOUR=1000 npm start > /tmp/shots-server.log 2>&1
//   OUT=/work/shots ADMIN_TOKEN=… node shots/shoot.mjs phone zh
// Each run makes its own renter and host (names by size, language and time), so runs can repeat.
import sharp from 'sharp';
import { BASE, browser, linkFromLog, mailCount, newPerson, RUN, shot, size, lang, visible as expectVisible } from './kit.mjs';

const ADMIN = process.env.ADMIN_TOKEN;
const MAP = '/?lat=40.7306&lon=-73.9866&zoom=15';
const NAMES = lang === 'zh' ? { renter: '李安', host: '王华' } : { renter: 'Ann', host: 'Hana' };
// A dialog or menu closed with Escape takes its history entry back a moment later
// (components/ui/use-dismiss.ts): a goto() in that moment is aborted by that back().
const closeLayer = async (page) => {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !(window.history.state ?? {}).roostLayer);
};

async function withAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

// ---- 1, 2: the renter signs in through the header, by a mailed link ----
const renterEmail = `ann.${RUN}@example.com`;
const R = await newPerson();
const renter = R.page;
await withAuthenticator(R.context, renter);
await renter.goto(MAP);
await expectVisible(renter.getByTestId('map-total'));
await renter.waitForTimeout(1500);
await shot(renter, '01-map-signed-out');
await renter.getByTestId('sign-in').click();
await expectVisible(renter.getByTestId('sign-in-dialog'));
await shot(renter, '01-sign-in-dialog');
const before = mailCount(renterEmail);
await renter.getByTestId('sign-in-email').fill(renterEmail);
await renter.getByTestId('send-link').click();
await expectVisible(renter.getByTestId('link-sent'));
await shot(renter, '01-sign-in-link-sent');
await closeLayer(renter);
const { link } = await linkFromLog(renterEmail, before);
await renter.goto(link);
await expectVisible(renter.getByTestId('confirm-sign-in'));
await shot(renter, '02-email-link-confirm');
await renter.getByTestId('confirm-sign-in').click();
await expectVisible(renter.getByTestId('signed-in-as'));
await shot(renter, '02-email-link-signed-in');
await renter.request.patch('/api/me', { headers: { origin: BASE }, data: { name: NAMES.renter } });
await renter.goto(MAP);
await expectVisible(renter.getByTestId('map-total'));
await renter.getByTestId('account-button').click();
await expectVisible(renter.getByTestId('account-menu'));
await shot(renter, '02-account-menu');
await closeLayer(renter);
await renter.goto('/account');
await expectVisible(renter.getByTestId('add-passkey'));
await renter.getByTestId('add-passkey').click();
await expectVisible(renter.getByTestId('account-note'));
// A second device of the same renter, so the list shows more than one.
{
  const D = await newPerson();
  const n = mailCount(renterEmail);
  await D.page.request.post('/api/auth/email', { headers: { origin: BASE }, data: { email: renterEmail } });
  const l2 = await linkFromLog(renterEmail, n);
  await D.page.goto(l2.link);
  await D.page.getByTestId('confirm-sign-in').click();
  await expectVisible(D.page.getByTestId('signed-in-as'));
  await D.context.close();
}
await renter.reload();
await expectVisible(renter.getByTestId('devices'));
await shot(renter, '02-account-devices', { fullPage: true });

// ---- 4: the host lists a home with a photo ----
const hostEmail = `hana.${RUN}@example.com`;
const H = await newPerson();
const host = H.page;
{
  const n = mailCount(hostEmail);
  await host.request.post('/api/auth/email', { headers: { origin: BASE }, data: { email: hostEmail } });
  const l = await linkFromLog(hostEmail, n);
  await host.goto(l.link);
  await host.getByTestId('confirm-sign-in').click();
  await expectVisible(host.getByTestId('signed-in-as'));
  await host.request.patch('/api/me', { headers: { origin: BASE }, data: { name: NAMES.host } });
}
// One listing already there, so /host lists more than the new one.
await host.request.post('/api/listings', {
  headers: { origin: BASE },
  data: { title: lang === 'zh' ? '东村一居室' : 'One-bedroom in the East Village', lat: 40.7265, lon: -73.9815, price: 2450, type: 'entire', bedrooms: 1, description: lang === 'zh' ? '四楼，无电梯。' : 'Fourth floor walk-up.' },
});
await host.goto('/host');
await expectVisible(host.getByTestId('new-listing'));
await shot(host, '04-host-listings-before', { fullPage: true });
await host.getByTestId('new-listing').click();
const picker = host.getByTestId('place-picker');
await expectVisible(picker);
await picker.scrollIntoViewIfNeeded();
const box = await picker.boundingBox();
await host.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
await expectVisible(host.locator('.pin-place'));
const title = lang === 'zh' ? '阳光两居室，带花园' : 'Sunny two-bedroom with a garden';
await host.getByTestId('listing-title-input').fill(title);
await host.getByTestId('listing-description-input').fill(lang === 'zh' ? '朝南两扇窗，朝西一扇。安静的后花园，步行五分钟到地铁。' : 'Two windows south, one west. A quiet back garden, five minutes to the subway.');
await host.getByTestId('listing-price-input').fill('3100');
await host.getByTestId('listing-bedrooms').fill('2');
// A real JPEG: a 2000×1500 gradient with a "window" drawn on it.
const W = 2000, Hh = 1500;
const raw = Buffer.alloc(W * Hh * 3);
for (let y = 0; y < Hh; y++) for (let x = 0; x < W; x++) {
  const i = (y * W + x) * 3;
  const win = x > 700 && x < 1300 && y > 300 && y < 900;
  raw[i] = win ? 200 : 230 - (y * 90) / Hh;
  raw[i + 1] = win ? 225 : 180 - (x * 60) / W;
  raw[i + 2] = win ? 245 : 110 + (y * 60) / Hh;
}
const photo = await sharp(raw, { raw: { width: W, height: Hh, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
await host.getByTestId('listing-photos-input').setInputFiles({ name: 'garden-flat.jpg', mimeType: 'image/jpeg', buffer: photo });
await host.waitForTimeout(1500);
await shot(host, '04-host-editor', { fullPage: true });
await shot(host, '04-host-editor-viewport');
await host.getByTestId('listing-save').click();
const card = host.getByTestId('host-listing').filter({ hasText: title });
await expectVisible(card, 30000);
await host.waitForFunction(() => [...document.querySelectorAll('[data-testid=host-listing] img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 20000 }).catch(() => console.log('WARN host card img not loaded'));
await shot(host, '04-host-listings', { fullPage: true });
const href = await card.getByRole('link', { name: title }).getAttribute('href');
const listingId = href.split('/').pop();
// The editor of the published home: its uploaded photo shown in the strip.
await card.getByTestId('edit-listing').click();
await expectVisible(host.locator('.photo-strip img'));
await host.locator('.photo-strip').scrollIntoViewIfNeeded();
await host.waitForFunction(() => [...document.querySelectorAll('.photo-strip img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 20000 }).catch(() => console.log('WARN strip img not loaded'));
await shot(host, '04-host-editor-photo');
await host.goto('/host');
await expectVisible(host.getByTestId('host-listing'));

// ---- 5, 3: the renter on the host's listing; favourites; saved search ----
await renter.goto(`/listings/${listingId}`);
await expectVisible(renter.getByTestId('listing-host'));
await renter.waitForFunction(() => { const i = document.querySelector('[data-testid=gallery] img'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 20000 }).catch(() => console.log('WARN gallery img not loaded'));
await shot(renter, '05-listing-host-photo');
await shot(renter, '05-listing-host-photo-full', { fullPage: true });
await renter.getByTestId('favourite').click();
await renter.waitForFunction(() => document.querySelector('[data-testid=favourite]')?.getAttribute('aria-pressed') === 'true');
await shot(renter, '03-listing-favourited');
// A demo home too, whose price then drops; the host's own goes up.
await renter.goto('/listings/demo-7');
await expectVisible(renter.getByTestId('favourite'));
await renter.getByTestId('favourite').click();
await renter.waitForFunction(() => document.querySelector('[data-testid=favourite]')?.getAttribute('aria-pressed') === 'true');
const demo = await (await renter.request.get('/api/listings/demo-7')).json();
const demoPrice = demo.price ?? demo.listing?.price;
console.log('demo-7 price', demoPrice);
if (ADMIN && demoPrice) await renter.request.patch('/api/listings/demo-7', { headers: { authorization: `Bearer ${ADMIN}` }, data: { price: Math.round(demoPrice * 0.9) } });
await host.request.patch(`/api/listings/${listingId}`, { headers: { origin: BASE }, data: { price: 2950 } });
// A saved search from the map.
await renter.goto('/?lat=40.7021&lon=-73.8853&zoom=15');
await expectVisible(renter.getByTestId('map-total'));
await renter.getByTestId('save-search').click();
await renter.getByTestId('save-name').fill(lang === 'zh' ? '格伦代尔的房子' : 'Glendale homes');
await renter.getByTestId('save-confirm').click();
await renter.getByTestId('save-dialog').waitFor({ state: 'detached' });
// The dialog closed by going back in history (as closeLayer's Escape does): wait for it, or the goto is aborted.
await renter.waitForFunction(() => !(window.history.state ?? {}).roostLayer);
await renter.goto('/saved');
await expectVisible(renter.getByTestId('favourite-card'));
await shot(renter, '03-saved', { fullPage: true });
await shot(renter, '03-saved-viewport');

// ---- 6: the conversation, live in both browsers ----
const T = lang === 'zh'
  ? ['你好！五月一号起可以入住吗？', '可以，三号起空出来。周六可以看房。', '太好了，周六上午十点方便吗？', '十点可以，到了按 2B 的门铃。']
  : ['Hello! Is it free from May 1st?', 'Yes — from the 3rd.\nViewings on Saturdays.', 'Great. Could I come this Saturday at 10?', '10 works. Ring 2B when you arrive.'];
await renter.goto(`/listings/${listingId}`);
// Wait until the page knows who is signed in: a click before that opens the sign-in dialog (a bug found here).
await expectVisible(renter.getByTestId('account-button'));
await renter.getByTestId('contact-host').click();
await renter.waitForURL(/\/messages\/c-/);
await expectVisible(renter.getByTestId('composer'));
await renter.getByTestId('composer').fill(T[0]);
await renter.keyboard.press('Enter');
await renter.waitForFunction((n) => document.querySelectorAll('[data-testid=message]').length >= n, 1);
await host.goto('/messages');
await expectVisible(host.getByTestId('conversation-row'));
await expectVisible(host.getByTestId('unread'));
await shot(host, '06-messages-list-host-unread');
await host.getByTestId('conversation-row').first().click();
await expectVisible(host.getByTestId('composer'));
await renter.waitForFunction(() => [...document.querySelectorAll('[data-testid=message]')].at(-1)?.getAttribute('data-status') === 'read', null, { timeout: 10000 }).catch(() => console.log('WARN not read'));
await host.getByTestId('composer').fill(T[1]);
await host.getByTestId('send').click();
await renter.waitForFunction((n) => document.querySelectorAll('[data-testid=message]').length >= n, 2, { timeout: 10000 });
await renter.getByTestId('composer').fill(T[2]);
await renter.keyboard.press('Enter');
await host.waitForFunction((n) => document.querySelectorAll('[data-testid=message]').length >= n, 3, { timeout: 10000 });
await host.getByTestId('composer').fill(T[3]);
await host.getByTestId('send').click();
await renter.waitForFunction((n) => document.querySelectorAll('[data-testid=message]').length >= n, 4, { timeout: 10000 });
await host.waitForTimeout(1500);
await shot(host, '06-conversation-host');
// The host leaves; the renter writes once more: delivered, not read; the host's list counts it.
await host.goto('/messages');
await expectVisible(host.getByTestId('conversation-row'));
await renter.getByTestId('composer').fill(lang === 'zh' ? '好的，周六见！' : 'Perfect, see you Saturday!');
await renter.keyboard.press('Enter');
await renter.waitForFunction(() => /sent|delivered/.test([...document.querySelectorAll('[data-testid=message]')].at(-1)?.getAttribute('data-status') ?? ''), null, { timeout: 10000 });
await renter.waitForTimeout(1500);
console.log('statuses', await renter.locator('[data-testid=message]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))));
await shot(renter, '06-conversation-renter');
await host.waitForTimeout(1000);
await shot(host, '06-messages-list-host-unread-2');
await renter.goto('/messages');
await expectVisible(renter.getByTestId('conversation-row'));
await shot(renter, '06-messages-list-renter');
await renter.goBack();
await expectVisible(renter.getByTestId('composer'));
await renter.getByTestId('composer').click();
await renter.getByTestId('composer').type(lang === 'zh' ? '我会带上' : 'I will bring', { delay: 20 });
await renter.waitForTimeout(800);
await shot(renter, '06-conversation-renter-composing');
await host.getByTestId('conversation-row').first().click();
await expectVisible(host.getByTestId('composer'));
await renter.waitForTimeout(1500);
await shot(renter, '06-conversation-renter-read');

await browser.close();
console.log('done', RUN, listingId);
