import { describe, expect, it } from 'vitest';
import type { AlertJson, AlertReason } from '../components/alerts/alerts-api';
import { bellEntries, unreadCount } from '../components/alerts/bell-entries';
import { placeAlert, placeOf, TOAST_LIMITS, type ToastState } from '../components/alerts/toast-policy';

let nextId = 1;
function alert(listing: string, reason: AlertReason, from: { searchId?: string; favourite?: boolean }, price = 2000, district = 'Brooklyn'): AlertJson {
  return {
    id: nextId++,
    reason,
    ...(from.searchId ? { searchId: from.searchId } : {}),
    ...(from.favourite ? { favourite: listing } : {}),
    listing: { id: listing, title: `Home ${listing}`, lat: 40.7, lon: -73.9, price, currency: 'USD', pricePer: 'month', type: 'entire', district, neighbourhood: 'Bushwick', listedAt: '', updatedAt: '' },
  };
}

const names: Record<string, string> = { s1: 'Brooklyn', s2: 'Queens', s3: 'Bronx', s4: 'Harlem', s5: 'SoHo', s6: 'Astoria' };

/** Feeds alerts through the policy as use-alerts does, `gapMs` apart; counts the cards raised. */
function feed(alerts: AlertJson[], gapMs: number, start: ToastState = { cards: [], raised: [] }, t0 = 0) {
  let state = start;
  let raised = 0;
  let bellOnly = 0;
  alerts.forEach((a, i) => {
    const own = a.searchId ? names[a.searchId] : undefined;
    const out = placeAlert(state, a, own ? [own] : [], placeOf(a, own), t0 + i * gapMs);
    state = out.state;
    if (out.raised) raised++;
    if (out.card === null) bellOnly++;
  });
  return { state, raised, bellOnly };
}

describe('toasts under a burst of alerts', () => {
  it("255 new homes of one city-wide search in 25 s: one card that counts them all (issue 29's 39 toasts)", () => {
    const burst = Array.from({ length: 255 }, (_, i) => alert(`h${i}`, 'new', { searchId: 's1' }));
    const { state, raised, bellOnly } = feed(burst, 100);
    expect(raised).toBe(1);
    expect(bellOnly).toBe(0);
    expect(state.cards).toHaveLength(1);
    expect(state.cards[0]!.homes).toHaveLength(255);
    expect(state.cards[0]!.place).toEqual({ kind: 'search', name: 'Brooklyn', searchId: 's1' });
    // The card shows the latest home and keeps the first alert's id as its key.
    expect(state.cards[0]!.alert.listing.id).toBe('h254');
    expect(state.cards[0]!.id).toBe(burst[0]!.id);
  });

  it('six searches at once: four cards a minute, three on screen, the rest wait in the bell; the next minute allows more', () => {
    const six = ['s1', 's2', 's3', 's4', 's5', 's6'].map((s, i) => alert(`x${i}`, 'new', { searchId: s }));
    const first = feed(six, 1_000);
    expect(first.raised).toBe(TOAST_LIMITS.perMinute);
    expect(first.bellOnly).toBe(2);
    expect(first.state.cards.map((c) => c.place.kind === 'search' && c.place.name)).toEqual(['Queens', 'Bronx', 'Harlem']);
    // 61 s after the first card: a slot is free again.
    const later = feed([alert('y', 'new', { searchId: 's6' })], 0, first.state, 61_000);
    expect(later.raised).toBe(1);
  });

  it('one home, one change, heard through two searches: one card naming both; a price drop of it is its own card', () => {
    const a = alert('h', 'new', { searchId: 's1' });
    const b = { ...alert('h', 'new', { searchId: 's2' }) };
    const drop = { ...alert('h', 'price_drop', { searchId: 's1' }, 1700), previousPrice: 2000 };
    const { state, raised } = feed([a, b, drop], 10);
    expect(raised).toBe(2);
    expect(state.cards.map((c) => [c.alert.reason, c.homes, c.searchNames])).toEqual([
      ['new', ['h'], ['Brooklyn', 'Queens']],
      ['price_drop', ['h'], ['Brooklyn']],
    ]);
  });

  it('favourites fold together; alerts of a search not (yet) loaded fold by their area', () => {
    const favs = [alert('f1', 'price_drop', { favourite: true }), alert('f2', 'price_drop', { favourite: true })];
    const unknown = [alert('u1', 'new', { searchId: 'gone' }, 2000, 'Queens'), alert('u2', 'new', { searchId: 'gone' }, 2000, 'Queens')];
    const { state } = feed([...favs, ...unknown], 10);
    expect(state.cards.map((c) => [c.place, c.homes.length])).toEqual([
      [{ kind: 'favourites' }, 2],
      [{ kind: 'area', name: 'Queens' }, 2],
    ]);
  });
});

describe('the bell: one line per home per change', () => {
  it('a price drop heard through a favourite and a search is one line naming both; another price is another line', () => {
    const viaSearch = alert('h', 'price_drop', { searchId: 's1' }, 1700);
    const viaFavourite = alert('h', 'price_drop', { favourite: true }, 1700);
    const other = alert('k', 'new', { searchId: 's1' });
    const again = alert('h', 'price_drop', { searchId: 's1' }, 1500);
    const entries = bellEntries([viaSearch, viaFavourite, other, again]);
    expect(entries.map((e) => [e.alert.id, e.key, e.searchIds, e.favourite])).toEqual([
      [again.id, 'h|price_drop|1500', ['s1'], false],
      [other.id, 'k|new|2000', ['s1'], false],
      [viaFavourite.id, 'h|price_drop|1700', ['s1'], true],
    ]);
    expect(unreadCount(entries, 0)).toBe(3);
    expect(unreadCount(entries, viaFavourite.id)).toBe(2);
    expect(unreadCount(entries, again.id)).toBe(0);
  });
});
