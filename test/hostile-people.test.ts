/**
 * A hostile signed-in user (and a hostile page) against accounts, hosts and conversations,
 * through a real server, a real SMTP server of the test's own and a software passkey: each
 * case is a hole a probe of the server found, and what it answers now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { MailServer, tokenIn } from './helpers/mail-server';
import { startApi, tempDir } from './helpers/roost';
import { SoftPasskey } from './helpers/soft-passkey';
import { freePort } from './helpers/tcp-proxy';
import type { RoostServer } from '../server/app-server';

describe('hostile people', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };

  async function signedIn(email: string): Promise<BrowserSession> {
    const b = new BrowserSession(api.url);
    const before = mail.to(email).length;
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email } })).status).toBe(202);
    const token = tokenIn(await mail.nth(email, before + 1));
    expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
    return b;
  }

  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('hostile-people'), { PORT: String(port), SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}` });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('a passkey whose credential id is registered already is refused (400 naming response), and makes no account', async () => {
    const first = new SoftPasskey();
    const owner = new BrowserSession(api.url);
    const options = (await owner.json('/api/auth/passkey/register/options', { method: 'POST', body: { name: 'Owner' } })).body;
    expect((await owner.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: first.register(options, api.url) } })).status).toBe(201);

    // Another authenticator claiming the same credential id: a sign-up, and an add to a signed-in account.
    const copy = new SoftPasskey(first.id);
    const stranger = new BrowserSession(api.url);
    const theirs = (await stranger.json('/api/auth/passkey/register/options', { method: 'POST', body: { name: 'Copy' } })).body;
    const signUp = await stranger.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: copy.register(theirs, api.url) } });
    expect(signUp.status).toBe(400);
    expect(signUp.body.error.field).toBe('response');
    expect(await api.accounts.account(Buffer.from(theirs.user.id, 'base64url').toString())).toBeNull();
    expect((await stranger.json('/api/me')).body.account).toBeNull();

    const member = await signedIn('adds-a-copy@example.com');
    const add = (await member.json('/api/auth/passkey/register/options', { method: 'POST', body: {} })).body;
    const added = await member.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: copy.register(add, api.url) } });
    expect([added.status, added.body.error?.field]).toEqual([400, 'response']);

    // The first owner still signs in with it, and nobody else does.
    const login = (await new BrowserSession(api.url).json('/api/auth/passkey/login/options', { method: 'POST', body: {} })).body;
    const again = new BrowserSession(api.url);
    expect((await again.json('/api/auth/passkey/login/verify', { method: 'POST', body: { response: first.assert(login, api.url) } })).body.account.name).toBe('Owner');
  });
});
