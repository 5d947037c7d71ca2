import type { AlertJson } from './alerts-api';

/**
 * How many toasts a burst of alerts may raise. One city-wide search in a busy minute gave
 * 39 toasts in 25 s (issue 29); with these, it gives a card or two that count up.
 */
export const TOAST_LIMITS = {
  /** Cards on screen at once; a new one pushes the oldest out. */
  visible: 3,
  /** New cards in any minute; past it, alerts fold into a card of their own group or wait in the bell. */
  perMinute: 4,
  /** A card stays this long after its last change. */
  lifeMs: 6_000,
} as const;

const MINUTE = 60_000;

export type ToastPlace = { kind: 'search'; name: string; searchId: string } | { kind: 'favourites' } | { kind: 'area'; name: string };

/** One card: one home and kind of change, or a burst of one group's ("12 new homes in Brooklyn"). */
export interface Toast {
  /** Keys the card: its first alert's id. */
  id: number;
  /** The latest alert folded in; the card shows its home while it stands for one. */
  alert: AlertJson;
  /** The homes the card stands for, in arrival order. */
  homes: string[];
  /** Every search of the renter's its home(s) matched. */
  searchNames: string[];
  /** Alerts of one group fold into one card: the same reason from one search, the favourites, or one area. */
  group: string;
  place: ToastPlace;
}

export function placeOf(a: AlertJson, searchName: string | undefined): ToastPlace {
  if (a.searchId && searchName) return { kind: 'search', name: searchName, searchId: a.searchId };
  if (a.favourite) return { kind: 'favourites' };
  return { kind: 'area', name: a.listing.district || a.listing.neighbourhood };
}

export function groupOf(a: AlertJson, place: ToastPlace): string {
  const source = place.kind === 'search' ? `search:${place.searchId}` : place.kind === 'favourites' ? 'favourites' : `area:${place.name}`;
  return `${a.reason}|${source}`;
}

export interface ToastState {
  cards: Toast[];
  /** When each card of the last minute was raised. */
  raised: number[];
}

export interface ToastOutcome {
  state: ToastState;
  /** The card that was raised or changed (its timer starts again); null: the bell only. */
  card: number | null;
  /** A new card was raised (a background tab may say so as a notification). */
  raised: boolean;
}

/**
 * Where one live alert goes: onto the card of its home and change (another search's name
 * added), into the card of its group (the count grows), onto a new card while the minute
 * allows one, or only into the bell.
 */
export function placeAlert(state: ToastState, a: AlertJson, names: string[], place: ToastPlace, now: number): ToastOutcome {
  const raised = state.raised.filter((t) => now - t < MINUTE);
  const merge = (card: Toast, change: Partial<Toast>): ToastOutcome => ({
    state: { cards: state.cards.map((c) => (c.id === card.id ? { ...c, ...change, searchNames: [...new Set([...c.searchNames, ...names])] } : c)), raised },
    card: card.id,
    raised: false,
  });
  const sameHome = state.cards.find((c) => c.alert.reason === a.reason && c.homes.includes(a.listing.id));
  if (sameHome) return merge(sameHome, {});
  const group = groupOf(a, place);
  const sameGroup = state.cards.find((c) => c.group === group);
  if (sameGroup) return merge(sameGroup, { alert: a, homes: [...sameGroup.homes, a.listing.id] });
  if (raised.length >= TOAST_LIMITS.perMinute) return { state: { cards: state.cards, raised }, card: null, raised: false };
  const card: Toast = { id: a.id, alert: a, homes: [a.listing.id], searchNames: names, group, place };
  return { state: { cards: [...state.cards, card].slice(-TOAST_LIMITS.visible), raised: [...raised, now] }, card: card.id, raised: true };
}
