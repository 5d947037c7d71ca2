import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { AccountJson, MeJson, SessionJson } from '@/server/contract/accounts';
import type { FavouriteJson } from '@/server/contract/favourites';
import type { Listing } from '@/server/core/listing';
import { request } from './api-request';

type Account = { account: AccountJson };

/** The accounts, favourites and host API of CONTRACT.md, as the page calls it. */
export const accountApi = {
  me: () => request<MeJson>('/api/me').then((b) => b.account),
  requestLink: (email: string) => request<unknown>('/api/auth/email', { method: 'POST', body: { email } }).then(() => undefined),
  /** Spends a sign-in link; `email` only where the server asks for it (a browser other than the one that asked for the link). */
  verify: (token: string, email?: string) => request<Account>('/api/auth/email/verify', { method: 'POST', body: email === undefined ? { token } : { token, email } }).then((b) => b.account),
  /** Signs in with a passkey this browser holds for the site (the browser asks which). */
  async passkeySignIn(): Promise<AccountJson> {
    const options = await request<Parameters<typeof startAuthentication>[0]['optionsJSON']>('/api/auth/passkey/login/options', { method: 'POST', body: {} });
    const response = await startAuthentication({ optionsJSON: options });
    return (await request<Account>('/api/auth/passkey/login/verify', { method: 'POST', body: { response } })).account;
  },
  /** Makes a passkey: for the signed-in account, or a new account when nobody is signed in. */
  async passkeyRegister(name?: string): Promise<AccountJson> {
    const options = await request<Parameters<typeof startRegistration>[0]['optionsJSON']>('/api/auth/passkey/register/options', { method: 'POST', body: name ? { name } : {} });
    const response = await startRegistration({ optionsJSON: options });
    return (await request<Account>('/api/auth/passkey/register/verify', { method: 'POST', body: { response } })).account;
  },
  signOut: () => request<void>('/api/auth/sign-out', { method: 'POST' }),
  rename: (name: string) => request<Account>('/api/me', { method: 'PATCH', body: { name } }).then((b) => b.account),
  sessions: () => request<{ sessions: SessionJson[] }>('/api/me/sessions').then((b) => b.sessions),
  endSession: (id: string) => request<void>(`/api/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  endOtherSessions: () => request<void>('/api/me/sessions', { method: 'DELETE' }),
  favourites: () => request<{ favourites: FavouriteJson[] }>('/api/favourites').then((b) => b.favourites),
  keep: (listingId: string) => request<void>(`/api/favourites/${encodeURIComponent(listingId)}`, { method: 'PUT' }),
  unkeep: (listingId: string) => request<void>(`/api/favourites/${encodeURIComponent(listingId)}`, { method: 'DELETE' }),
  myListings: () => request<{ listings: Listing[] }>('/api/me/listings').then((b) => b.listings),
};

/** Whether this browser can make and use passkeys at all (an old browser, an insecure origin). */
export function passkeysAvailable(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function';
}
