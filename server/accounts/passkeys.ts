import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { log } from '../log';
import type { Account, AccountStore } from './account-store';
import { newAccountId } from './email-sign-in';

/** A ceremony's challenge is good for this long: the time a person takes at the prompt. */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const RP_NAME = 'Roost';

/** Where the ceremony runs: the site's origin, and its host name as the relying party id. */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

export function relyingParty(origin: string): RelyingParty {
  return { origin, rpID: new URL(origin).hostname };
}

/** The challenge inside a browser's answer (clientDataJSON), which names the ceremony it answers. */
function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string | null {
  const data = response.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return null;
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' ? parsed.challenge : null;
  } catch {
    return null;
  }
}

export type PasskeyOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Passkeys (WebAuthn) through @simplewebauthn/server: discoverable credentials, user
 * verification required. A challenge is stored by its own value (it comes back inside the
 * browser's signed answer), single use, so any node can finish a ceremony another began.
 */
export class Passkeys {
  constructor(private readonly store: AccountStore) {}

  /**
   * Options to create a passkey: for the signed-in account (adding one), or for a new
   * account (a passkey-only sign-up; its name given or "Roost renter").
   */
  async registrationOptions(rp: RelyingParty, account: Account | null, newName?: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const id = account?.id ?? newAccountId();
    const existing = account ? await this.store.passkeysOf(account.id) : [];
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.rpID,
      userID: new TextEncoder().encode(id),
      userName: account?.email ?? account?.name ?? newName ?? 'Roost renter',
      userDisplayName: account?.name ?? newName ?? '',
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    // A new account is made only when the passkey is verified; until then its id and name wait with the challenge.
    await this.store.putChallenge(options.challenge, 'register', account ? account.id : `new:${id}:${newName ?? ''}`, Date.now() + CHALLENGE_TTL_MS);
    return options;
  }

  /** Checks the browser's new passkey and keeps it: the account it belongs to (made now for a sign-up). */
  async register(rp: RelyingParty, account: Account | null, response: RegistrationResponseJSON): Promise<PasskeyOutcome<Account>> {
    const challenge = challengeOf(response);
    const issued = challenge ? await this.store.takeChallenge(challenge, 'register', Date.now()) : undefined;
    if (!issued || issued.accountId === null) return { ok: false, reason: 'the passkey answers no challenge issued here (or one already used or expired)' };
    const forNew = issued.accountId.startsWith('new:');
    if (forNew === (account !== null) || (account && issued.accountId !== account.id)) return { ok: false, reason: 'the passkey was begun for another account' };
    let verified;
    try {
      verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge!, expectedOrigin: rp.origin, expectedRPID: rp.rpID, requireUserVerification: true });
    } catch (err) {
      log.info({ err: (err as Error).message }, 'passkey registration refused');
      return { ok: false, reason: 'the passkey could not be verified' };
    }
    if (!verified.verified || !verified.registrationInfo) return { ok: false, reason: 'the passkey could not be verified' };
    const c = verified.registrationInfo.credential;
    // The credential id is the authenticator's to choose: one already kept here (this
    // account's, or another's) is refused before a sign-up makes an account for it.
    const taken = { ok: false as const, reason: 'this passkey is registered here already; sign in with it instead' };
    if (await this.store.passkey(c.id)) return taken;
    let owner = account;
    if (!owner) {
      const [, id, name] = /^new:([^:]+):(.*)$/s.exec(issued.accountId)!;
      owner = await this.store.createAccount({ id: id!, email: null, name: name || 'Roost renter', createdAt: Date.now() });
    }
    const kept = await this.store.putPasskey({ id: c.id, accountId: owner.id, publicKey: c.publicKey, counter: c.counter, transports: c.transports ?? [], createdAt: Date.now(), lastUsedAt: null });
    return kept ? { ok: true, value: owner } : taken;
  }

  /** Options to sign in with any passkey of this site the browser holds (discoverable). */
  async authenticationOptions(rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'required' });
    await this.store.putChallenge(options.challenge, 'login', null, Date.now() + CHALLENGE_TTL_MS);
    return options;
  }

  /** Checks a passkey's signature on a challenge issued here: the account it signs in to. */
  async authenticate(rp: RelyingParty, response: AuthenticationResponseJSON): Promise<PasskeyOutcome<Account>> {
    const challenge = challengeOf(response);
    const issued = challenge ? await this.store.takeChallenge(challenge, 'login', Date.now()) : undefined;
    if (!issued) return { ok: false, reason: 'the passkey answers no challenge issued here (or one already used or expired)' };
    const passkey = typeof response.id === 'string' ? await this.store.passkey(response.id) : null;
    if (!passkey) return { ok: false, reason: 'this passkey is not known here' };
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge!,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpID,
        credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports as AuthenticatorTransport[] },
        requireUserVerification: true,
      });
    } catch (err) {
      log.info({ err: (err as Error).message }, 'passkey sign-in refused');
      return { ok: false, reason: 'the passkey could not be verified' };
    }
    if (!verified.verified) return { ok: false, reason: 'the passkey could not be verified' };
    await this.store.usePasskey(passkey.id, verified.authenticationInfo.newCounter, Date.now());
    const account = await this.store.account(passkey.accountId);
    return account ? { ok: true, value: account } : { ok: false, reason: 'the passkey\'s account is gone' };
  }
}
