import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Bus } from '../bus/bus';
import type { Capability } from '../capability';
import { emailSignInSchema, emailVerifySchema, mePatchSchema, passkeyRegisterOptionsSchema, passkeyResponseSchema, type AccountJson, type SessionJson } from '../contract/accounts';
import { ApiError, sendJson, validated, withinBudget } from '../http/api-error';
import { readJson } from '../http/read-body';
import { requestLocale } from '../http/request-locale';
import { siteOrigin } from '../http/site-origin';
import type { Limiter } from '../ops/rate-limit';
import type { Visitor, Visitors } from '../sessions/visitors';
import type { AlertStore } from '../alerts/alert-store';
import { log } from '../log';
import type { Account, AccountStore } from './account-store';
import { forgetAbandoned } from './abandoned-sessions';
import type { EmailSignIn } from './email-sign-in';
import { relyingParty, type Passkeys } from './passkeys';
import { SessionSockets } from './session-sockets';

export interface AccountsOptions {
  store: AccountStore;
  /** Whose records an abandoned anonymous session's are (forgotten with it). */
  alerts: AlertStore;
  removeSearchArea(id: string): Promise<void>;
  visitors: Visitors;
  emailSignIn: EmailSignIn;
  passkeys: Passkeys;
  /** signin: sign-in mails (and passkey sign-ups) per client address; signin_email: per address mailed to. */
  limits: Limiter<'signin' | 'signin_email'>;
  bus: Bus;
  publicUrl: string | undefined;
  /** Proxies in front whose forwarding headers are believed (TRUST_PROXY). */
  trustProxy: number;
  clientIp(req: IncomingMessage): string;
}

/** How often expired sessions, tokens and challenges are cleared from the store. */
const SWEEP_MS = 10 * 60 * 1000;

export async function accountJson(store: AccountStore, a: Account): Promise<AccountJson> {
  return { id: a.id, email: a.email, name: a.name, host: (await store.listingsHostedBy(a.id)).length > 0 };
}

function noContent(res: ServerResponse): void {
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

/**
 * Accounts (CONTRACT.md "Accounts"): sign-in by a mailed link or a passkey, who am I, the
 * signed-in devices, sign-out. Every POST/PATCH/DELETE here accepts only the site's own
 * Origin (a sign-in forged from another site would sign a victim in to the forger's account).
 */
export function accountsModule(o: AccountsOptions): Capability & { sockets: SessionSockets } {
  const sockets = new SessionSockets(o.store, o.bus);
  const sweeper = setInterval(() => {
    void o.store.sweep(Date.now()).catch(() => undefined);
    void forgetAbandoned(o.store, o.alerts, o.removeSearchArea).catch((err: Error) => log.warn({ err: err.message }, 'forgetting abandoned sessions failed; next time'));
  }, SWEEP_MS);
  sweeper.unref();

  const origin = (req: IncomingMessage): string => {
    const own = siteOrigin(req, o.publicUrl, o.trustProxy);
    if (!own) throw new ApiError('bad_request', 'the request names no host', 'host');
    return own;
  };

  const spend = async (budget: 'signin' | 'signin_email', key: string, res: ServerResponse, what: string) => withinBudget(await o.limits.take(budget, key), res, what);

  /** Signs the browser in and answers with the account. */
  const signedIn = async (req: IncomingMessage, res: ServerResponse, account: Account, status = 200) => {
    await o.visitors.signIn(req, res, account.id);
    // The language its alert mails are written in: the page's choice, else the browser's (issue 29).
    await o.alerts.setMailLocale(account.id, requestLocale(req));
    sendJson(res, status, { account: await accountJson(o.store, account) });
  };

  const me = async (v: Visitor | null): Promise<Account | null> => (v?.accountId ? o.store.account(v.accountId) : null);

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const { pathname } = url;
    const method = req.method ?? 'GET';
    // Its paths: /api/auth/…, /api/me and /api/me/sessions[/…] (/api/me/listings is hosting's).
    if (!pathname.startsWith('/api/auth/') && pathname !== '/api/me' && !/^\/api\/me\/sessions(\/|$)/.test(pathname)) return false;
    if (method !== 'GET' && method !== 'HEAD') o.visitors.checkOrigin(req);

    if (pathname === '/api/me') {
      if (method === 'GET') {
        await o.visitors.refreshCookie(req, res);
        const account = await me(await o.visitors.current(req));
        sendJson(res, 200, { account: account ? await accountJson(o.store, account) : null });
        return true;
      }
      if (method === 'PATCH') {
        const v = await o.visitors.signedIn(req);
        const p = validated(mePatchSchema, await readJson(req));
        if (p.name !== undefined) await o.store.renameAccount(v.accountId, p.name);
        sendJson(res, 200, { account: await accountJson(o.store, (await o.store.account(v.accountId))!) });
        return true;
      }
      throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    }

    if (pathname === '/api/me/sessions') {
      const v = await o.visitors.signedIn(req);
      if (method === 'GET') {
        const sessions: SessionJson[] = (await o.store.sessionsOf(v.accountId)).map((s) => ({
          id: s.handle,
          current: s.key === v.key,
          device: s.device,
          createdAt: new Date(s.createdAt).toISOString(),
          lastSeenAt: new Date(s.seenAt).toISOString(),
        }));
        sendJson(res, 200, { sessions });
        return true;
      }
      if (method === 'DELETE') {
        // Every device but this one (an extension of the contract's per-device DELETE).
        await sockets.ended(await o.store.deleteOtherSessions(v.accountId, v.key));
        noContent(res);
        return true;
      }
      throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    }

    if (pathname.startsWith('/api/me/sessions/')) {
      if (method !== 'DELETE') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      const v = await o.visitors.signedIn(req);
      const handle = pathname.slice('/api/me/sessions/'.length);
      const key = /^[\w-]{1,64}$/.test(handle) ? await o.store.deleteSessionByHandle(v.accountId, handle) : null;
      if (!key) throw new ApiError('not_found', 'no session of yours with that id', 'id');
      await sockets.ended([key]);
      if (key === v.key) o.visitors.signOut(req, res).catch(() => undefined);
      noContent(res);
      return true;
    }

    if (method !== 'POST') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    switch (pathname) {
      case '/api/auth/email': {
        const { email } = validated(emailSignInSchema, await readJson(req));
        const at = origin(req);
        await spend('signin', o.clientIp(req), res, 'sign-in mails from this address');
        await spend('signin_email', crypto.createHash('sha256').update(email).digest('base64url'), res, 'sign-in mails to this email address');
        await o.emailSignIn.request(email, at, requestLocale(req), o.visitors.browserKey(req, res));
        // The same answer whether or not the address has an account.
        sendJson(res, 202, { status: 'sent' });
        return true;
      }
      case '/api/auth/email/verify': {
        const { token, email } = validated(emailVerifySchema, await readJson(req));
        const out = await o.emailSignIn.verify(token, { browser: (await o.visitors.current(req))?.key ?? null, typed: email });
        if ('account' in out) {
          await signedIn(req, res, out.account);
          return true;
        }
        if (out.refused === 'token') throw new ApiError('bad_request', 'token: this sign-in link was used already, has expired or is not one of ours; ask for a new one', 'token');
        throw new ApiError(
          'bad_request',
          out.typed ? 'email: that is not the address this sign-in link was mailed to' : 'email: this sign-in link was asked for in another browser; give the address it was mailed to',
          'email',
        );
        return true;
      }
      case '/api/auth/passkey/register/options': {
        const body = validated(passkeyRegisterOptionsSchema, await readJson(req));
        const account = await me(await o.visitors.current(req));
        // A sign-up makes an account: it spends the client's sign-in budget.
        if (!account) await spend('signin', o.clientIp(req), res, 'sign-ups from this address');
        sendJson(res, 200, await o.passkeys.registrationOptions(relyingParty(origin(req)), account, body.name));
        return true;
      }
      case '/api/auth/passkey/register/verify': {
        const { response } = validated(passkeyResponseSchema, await readJson(req));
        const account = await me(await o.visitors.current(req));
        const out = await o.passkeys.register(relyingParty(origin(req)), account, response as unknown as RegistrationResponseJSON);
        if (!out.ok) throw new ApiError('bad_request', `response: ${out.reason}`, 'response');
        if (account) sendJson(res, 201, { account: await accountJson(o.store, account) });
        else await signedIn(req, res, out.value, 201);
        return true;
      }
      case '/api/auth/passkey/login/options': {
        sendJson(res, 200, await o.passkeys.authenticationOptions(relyingParty(origin(req))));
        return true;
      }
      case '/api/auth/passkey/login/verify': {
        const { response } = validated(passkeyResponseSchema, await readJson(req));
        const out = await o.passkeys.authenticate(relyingParty(origin(req)), response as unknown as AuthenticationResponseJSON);
        if (!out.ok) throw new ApiError('bad_request', `response: ${out.reason}`, 'response');
        await signedIn(req, res, out.value);
        return true;
      }
      case '/api/auth/sign-out': {
        const key = await o.visitors.signOut(req, res);
        if (key) await sockets.ended([key]);
        noContent(res);
        return true;
      }
      default:
        throw new ApiError('not_found', `no API route ${pathname}`);
    }
  };

  return {
    name: 'accounts',
    sockets,
    routes: [routes],
    onSocketOpen: (conn) => sockets.open(conn),
    onSocketClose: (conn) => sockets.forget(conn),
    async stop() {
      clearInterval(sweeper);
      sockets.stop();
      await o.emailSignIn.settle();
    },
  };
}
