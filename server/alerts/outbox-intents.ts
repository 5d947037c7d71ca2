import type { AlertChannel, EmailFrequency } from '../contract/alert-channels';
import type { AlertReason, OutboxIntent } from './alert-store';

/** When an outbox row may go: instant mail after a moment to gather a search's homes into one mail; digests at the hour. */
export interface OutboxTiming {
  /** How long an instant mail waits for more homes of its search (CONTRACT.md: within 30 s). */
  gatherMs: number;
  /** The next digest time after `now` (epoch ms). */
  digestAt(now: number): number;
}

/** The next `hour`:00 UTC strictly after `now`. */
export function nextDigestAt(now: number, hour: number): number {
  const d = new Date(now);
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  return at > now ? at : at + 86_400_000;
}

export const DEFAULT_TIMING: OutboxTiming = { gatherMs: 1_000, digestAt: (now) => nextDigestAt(now, 7) };

export interface ChannelCandidate {
  source: string;
  reason: AlertReason;
  channels: AlertChannel[];
  frequency: EmailFrequency;
}

/**
 * The outbox rows an owner's alert for one change asks for: one per channel (email, push)
 * that any of the searches and favourites it touched chose, for the one that says most
 * (`pick`, the same rule that picks the alert), so a home reaches each channel once.
 */
export function outboxIntents(
  candidates: ChannelCandidate[],
  pick: (list: ChannelCandidate[]) => ChannelCandidate,
  now: number,
  timing: OutboxTiming,
): OutboxIntent[] {
  const out: OutboxIntent[] = [];
  const mail = candidates.filter((c) => c.channels.includes('email'));
  if (mail.length > 0) {
    const c = pick(mail);
    const digest = c.frequency === 'daily';
    out.push({ channel: 'email', source: c.source, digest, dueAt: digest ? timing.digestAt(now) : now + timing.gatherMs });
  }
  const push = candidates.filter((c) => c.channels.includes('push'));
  if (push.length > 0) out.push({ channel: 'push', source: pick(push).source, digest: false, dueAt: now });
  return out;
}
