import crypto from 'node:crypto';
import type { Locale } from '../../components/i18n/messages';
import { log } from '../log';
import type { Mailer } from '../mail/mailer';
import { signInMail } from '../mail/sign-in-mail';
import type { Account, AccountStore } from './account-store';

/** A sign-in link works once, for this long (CONTRACT.md). */
export const EMAIL_TOKEN_TTL_MS = 15 * 60 * 1000;
/** Sends tried for one link before giving up (the renter can ask again): now, +2 s, +10 s. */
const SEND_DELAYS_MS = [0, 2_000, 10_000];

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export type SignInOutcome = { account: Account } | { refused: 'token' } | { refused: 'email'; typed: boolean };

/**
 * A new account's name until its renter picks one (/account): the first word of the address's
 * local part, capitalised — "ann.lee@…" is "Ann". The name is shown to hosts and to whoever
 * the renter writes to, so it is not the address (nor its local part) itself.
 */
export function nameFromEmail(email: string): string {
  const word = /\p{L}+/u.exec(email.split('@')[0] ?? '')?.[0];
  if (!word) return 'Roost member';
  const first = [...word].slice(0, 20).join('');
  return first.charAt(0).toUpperCase() + first.slice(1).toLowerCase();
}

export function newAccountId(): string {
  return `acc-${crypto.randomBytes(12).toString('base64url')}`;
}

/**
 * Sign-in by a mailed link: a random token, stored hashed (a copy of the table signs no
 * one in), spent once within 15 minutes. Asking says nothing of whether the address has
 * an account; the account is made when a link is first spent.
 */
export class EmailSignIn {
  /** Mails handed to SMTP (or the log), for /metrics and tests. */
  sent = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: AccountStore,
    private readonly mailer: Mailer,
    /** Told how long each mail took from the request to the SMTP server's acceptance. */
    private readonly onSent: (ms: number) => void = () => undefined,
  ) {}

  /**
   * Issues a link to `email` for the browser whose session key is `browser`, and mails it
   * in the background (the answer does not wait on SMTP).
   */
  async request(email: string, origin: string, locale: Locale, browser: string): Promise<void> {
    const started = performance.now();
    const token = crypto.randomBytes(32).toString('base64url');
    await this.store.putEmailToken(hashOf(token), email, Date.now() + EMAIL_TOKEN_TTL_MS, browser);
    const mail = signInMail(email, `${origin}/auth/email?token=${token}`, locale);
    const sending = this.deliver(mail, started);
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  private async deliver(mail: ReturnType<typeof signInMail>, started: number): Promise<void> {
    for (const [attempt, delay] of SEND_DELAYS_MS.entries()) {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay).unref());
      try {
        await this.mailer.send(mail);
        this.sent++;
        this.onSent(performance.now() - started);
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt: attempt + 1 }, 'sign-in mail not accepted by the mail server');
      }
    }
    log.error('sign-in mail given up after three tries; the renter can ask for another');
  }

  /**
   * Spends a token: the account it signs in to (made now for a new address). Refused
   * (`token`) when spent, expired or unknown. In a browser other than the one that asked
   * for it, refused (`email`, the token left unspent) unless `typed` is the address it was
   * mailed to: the link an attacker asks for, sent to a victim, would otherwise sign the
   * victim in to the attacker's account, taking along what the victim kept and everything
   * they do next (login CSRF; OAuth's `state` closes the same hole).
   */
  async verify(token: string, at: { browser: string | null; typed: string | undefined }): Promise<SignInOutcome> {
    const hash = hashOf(token);
    const issued = await this.store.emailToken(hash, Date.now());
    if (!issued) return { refused: 'token' };
    const askedHere = issued.requestedBy !== null && issued.requestedBy === at.browser;
    if (!askedHere && at.typed !== issued.email) return { refused: 'email', typed: at.typed !== undefined };
    const email = await this.store.spendEmailToken(hash, Date.now());
    if (email === null) return { refused: 'token' };
    return { account: await this.accountFor(email) };
  }

  private async accountFor(email: string): Promise<Account> {
    const existing = await this.store.accountByEmail(email);
    if (existing) return existing;
    return this.store.createAccount({ id: newAccountId(), email, name: nameFromEmail(email), createdAt: Date.now() });
  }

  /** Mails still being sent (a stopping node lets them finish). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
