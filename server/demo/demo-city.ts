import type { ListingRecord, ListingType } from '../core/listing';
import { NEW_YORK } from './new-york';
import { seededRandom } from '../core/seeded-random';

/** How many listings `npm start` puts in an empty store. */
export const DEMO_SIZE = 50_000;
/** Fixed so the same city comes back every time, on every machine. */
const DEMO_SEED = 20_261_122;
/** Listing dates spread over the half year before this moment (fixed for determinism). */
const DEMO_EPOCH = Date.UTC(2026, 10, 1);
const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;

/** Share of each type, close to New York's rental mix. */
const TYPE_SHARES: [ListingType, number][] = [
  ['entire', 0.56],
  ['private', 0.4],
  ['shared', 0.04],
];
/** A room's rent as a share of a one-bedroom home's in the same place. */
const TYPE_RENT: Record<ListingType, number> = { entire: 1, private: 0.42, shared: 0.26 };
/** Rent by bedrooms for an entire home, relative to a one-bedroom. */
const BEDROOM_RENT = [0.82, 1, 1.38, 1.75, 2.1];
const BEDROOM_SHARES = [0.18, 0.4, 0.27, 0.11, 0.04];

const ADJECTIVES = ['Sunny', 'Quiet', 'Bright', 'Cozy', 'Spacious', 'Renovated', 'Charming', 'Modern', 'Airy', 'Classic'];
const HOMES: Record<ListingType, string[]> = {
  entire: ['apartment', 'walk-up', 'loft', 'condo', 'townhouse floor', 'flat'],
  private: ['room', 'bedroom', 'room with a view', 'garden room'],
  shared: ['shared room', 'bed in a shared room', 'co-living bed'],
};

/**
 * Amenities as Inside Airbnb's detailed files word them, each with how often a home has
 * it (an entire home's kitchen, a room's share of one): the filters have homes to find.
 */
const AMENITY_SHARES: [text: string, entire: number, room: number][] = [
  ['Wifi', 0.96, 0.94],
  ['Kitchen', 0.95, 0.7],
  ['Heating', 0.92, 0.9],
  ['Air conditioning', 0.72, 0.6],
  ['Free washer – In building', 0.4, 0.3],
  ['Free dryer – In building', 0.36, 0.26],
  ['Hair dryer', 0.6, 0.45],
  ['Elevator', 0.32, 0.22],
  ['Free street parking', 0.3, 0.25],
  ['Pets allowed', 0.16, 0.06],
  ['Pool', 0.03, 0.02],
];

/** Bathrooms, guests and amenities of a demo home, from a random stream of their own (the other fields stay as they were). */
function homeDetails(rand: () => number, type: ListingType, bedrooms: number): Pick<ListingRecord, 'bathrooms' | 'guests' | 'amenities'> {
  const entire = type === 'entire';
  const bathrooms = entire ? Math.max(1, Math.min(3, Math.round((bedrooms * 0.6 + 0.7 + rand() * 0.8) * 2) / 2)) : 1;
  const guests = entire ? Math.max(2, bedrooms * 2 + (rand() < 0.3 ? 1 : 0)) : type === 'private' ? (rand() < 0.35 ? 2 : 1) : 1;
  const amenities = AMENITY_SHARES.filter(([, e, r]) => rand() < (entire ? e : r)).map(([text]) => text);
  return { bathrooms, guests, ...(amenities.length > 0 ? { amenities } : {}) };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function pickWeighted<T>(rand: () => number, items: readonly T[], weights: readonly number[]): T {
  let u = rand() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) {
    u -= weights[i]!;
    if (u < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/**
 * A deterministic New York: listings scattered around real neighbourhood centres, with
 * rents set by borough, neighbourhood, type and size and a log-normal spread.
 */
export function* demoCity(count: number = DEMO_SIZE, seed: number = DEMO_SEED): Generator<ListingRecord> {
  const rand = seededRandom(seed);
  const details = seededRandom(seed ^ 0x5eed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const places = NEW_YORK.flatMap((d) => d.neighbourhoods.map((nb) => ({ d, nb })));
  const weights = places.map((p) => p.nb.weight);
  for (let i = 0; i < count; i++) {
    const { d, nb } = pickWeighted(rand, places, weights);
    const type = pickWeighted(
      rand,
      TYPE_SHARES.map(([t]) => t),
      TYPE_SHARES.map(([, s]) => s),
    );
    const bedrooms = type === 'entire' ? pickWeighted(rand, [0, 1, 2, 3, 4], BEDROOM_SHARES) : 1;
    const sizeFactor = type === 'entire' ? BEDROOM_RENT[bedrooms]! : 1;
    const noise = Math.exp(0.18 * gauss());
    const price = Math.max(300, Math.round((d.medianRent * nb.rent * TYPE_RENT[type] * sizeFactor * noise) / 25) * 25);
    const lat = nb.lat + gauss() * nb.spread;
    // A degree of longitude is shorter than one of latitude here: widen to keep areas round.
    const lon = nb.lon + (gauss() * nb.spread) / Math.cos((nb.lat * Math.PI) / 180);
    const listedAt = DEMO_EPOCH - Math.floor(rand() * HALF_YEAR_MS);
    const size = type === 'entire' ? (bedrooms === 0 ? 'Studio' : `${bedrooms}BR`) : '';
    const title = `${pick(rand, ADJECTIVES)} ${size ? size + ' ' : ''}${pick(rand, HOMES[type])} in ${nb.name}`;
    yield {
      id: `demo-${i + 1}`,
      title,
      lat: Math.round(lat * 1e6) / 1e6,
      lon: Math.round(lon * 1e6) / 1e6,
      price,
      type,
      district: d.name,
      neighbourhood: nb.name,
      bedrooms,
      ...homeDetails(details, type, bedrooms),
      listedAt,
      updatedAt: listedAt,
    };
  }
}
