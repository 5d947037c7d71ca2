// Screenshots of the pages' empty, error and gone states, as a renter and a host meet them:
// signed out, signed in with nothing yet, a 404, a home taken down, an unsubscribe link.
// Usage: node shots/shoot-states.mjs <desktop|phone> <en|zh>, against the same kind of server
// as shots/shoot.mjs (see its header): sign-in links are read from LOG.
import { BASE, browser, lang, linkFromLog, mailCount, newPerson as person, RUN, shot, visible } from './kit.mjs';

const newPerson = () => person({ acceptDialogs: true });

async function signIn(page, email) {
  const seen = mailCount(email);
  await page.request.post('/api/auth/email', { headers: { origin: BASE }, data: { email } });
  const { link } = await linkFromLog(email, seen);
  await page.goto(link);
  await page.getByTestId('confirm-sign-in').click();
  await visible(page.getByTestId('signed-in-as'));
}

// ---- signed out: /saved, /messages, /host, /account, a conversation ----
const A = await newPerson();
for (const path of ['/saved', '/messages', '/host', '/account', '/messages/c-nothing']) {
  await A.page.goto(path);
  await A.page.waitForLoadState('networkidle');
  await shot(A.page, `10-signed-out${path.replaceAll('/', '-')}`);
}
// A 404, and a listing that never was.
await A.page.goto('/no-such-page');
await shot(A.page, '11-404');
await A.page.goto('/listings/never-was-here');
await A.page.waitForLoadState('networkidle');
await shot(A.page, '11-listing-never-was');
// Unsubscribe: without a token, then with one that is not valid.
await A.page.goto('/unsubscribe');
await shot(A.page, '12-unsubscribe-no-token');
await A.page.goto('/unsubscribe?token=not-a-real-token');
await shot(A.page, '12-unsubscribe-ready');
await A.page.getByTestId('unsubscribe-confirm').click();
await A.page.waitForTimeout(1000);
await shot(A.page, '12-unsubscribe-bad-token');
// Saving a home while signed out.
await A.page.goto('/listings/demo-12');
await visible(A.page.getByTestId('favourite'));
await A.page.getByTestId('favourite').click();
await A.page.waitForTimeout(800);
await shot(A.page, '13-listing-save-signed-out');
await A.page.keyboard.press('Escape');
await A.page.waitForTimeout(300);
await A.page.getByTestId('share').click();
await A.page.waitForTimeout(300);
await shot(A.page, '13-listing-share-clicked');

// ---- signed in, nothing yet ----
const B = await newPerson();
await signIn(B.page, `empty.${RUN}@example.com`);
for (const path of ['/saved', '/messages', '/host', '/account']) {
  await B.page.goto(path);
  await B.page.waitForLoadState('networkidle');
  await shot(B.page, `14-empty${path.replaceAll('/', '-')}`, { fullPage: true });
}
await B.page.goto('/messages/c-nothing');
await B.page.waitForLoadState('networkidle');
await shot(B.page, '14-conversation-not-theirs');

// ---- a home taken down: the host takes it down, the renter who saved it opens it ----
const H = await newPerson();
await signIn(H.page, `host.${RUN}@example.com`);
const made = await H.page.request.post('/api/listings', {
  headers: { origin: BASE },
  data: { title: lang === 'zh' ? '要下架的开间' : 'Studio soon taken down', lat: 40.7265, lon: -73.9815, price: 1990, type: 'entire', bedrooms: 0 },
});
const listing = await made.json();
const id = listing.id ?? listing.listing?.id;
await B.page.goto(`/listings/${id}`);
await visible(B.page.getByTestId('account-button'));
await B.page.getByTestId('favourite').click();
await B.page.waitForFunction(() => document.querySelector('[data-testid=favourite]')?.getAttribute('aria-pressed') === 'true');
await H.page.goto('/host');
await visible(H.page.getByTestId('host-listing'));
await shot(H.page, '15-host-before-take-down');
await H.page.getByTestId('take-down').first().click();
await H.page.waitForTimeout(1000);
await shot(H.page, '15-host-after-take-down');
await B.page.goto(`/listings/${id}`);
await visible(B.page.getByTestId('home-gone'));
await B.page.waitForTimeout(1500);
await shot(B.page, '15-gone-home', { fullPage: true });
await B.page.goto('/saved');
await visible(B.page.getByTestId('favourite-card'));
await shot(B.page, '15-saved-gone');

await browser.close();
console.log('done', RUN);
