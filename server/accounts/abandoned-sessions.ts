import type { AlertStore } from '../alerts/alert-store';
import { log } from '../log';
import type { AccountStore } from './account-store';

/** Anonymous sessions forgotten per round: a round is short, and the next takes the rest. */
const PER_ROUND = 500;

/**
 * Forgets anonymous sessions nobody has used for their whole time (ANONYMOUS_TTL_MS): their
 * saved searches (and the searches' areas the matcher holds), favourites and alerts, then
 * the row. Any node may run it (every step is idempotent); a renter who signed in has
 * nothing anonymous left to forget.
 */
export async function forgetAbandoned(accounts: AccountStore, alerts: AlertStore, removeSearchArea: (id: string) => Promise<void>, now = Date.now()): Promise<number> {
  const expired = await accounts.expiredAnonymous(now, PER_ROUND);
  for (const { key, owner } of expired) {
    for (const id of await alerts.forgetOwner(owner)) await removeSearchArea(id);
    await accounts.deleteSession(key);
  }
  if (expired.length > 0) log.info({ sessions: expired.length }, 'forgot abandoned anonymous sessions and what they kept');
  return expired.length;
}
