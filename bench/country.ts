import fs from 'node:fs';
import type { ListingRecord, ListingType } from '../server/core/listing';
import { seededRandom } from '../server/core/seeded-random';

/**
 * A deterministic country for the 10M benchmarks (issue 31): forty real cities of the
 * United States, each with districts and neighbourhoods of its own (names unique in the
 * country, as a national portal's would be), listings scattered around neighbourhood
 * centres with rents set by city, district, type and size. Synthetic: the cities' places
 * and sizes are real, everything inside them is made up.
 */

interface City {
  name: string;
  lat: number;
  lon: number;
  /** Relative number of listings (about the metro's population, millions). */
  weight: number;
  /** Median monthly rent of a one-bedroom, USD. */
  rent: number;
}

const CITIES: City[] = [
  { name: 'New York', lat: 40.71, lon: -74.0, weight: 19, rent: 3600 },
  { name: 'Los Angeles', lat: 34.05, lon: -118.24, weight: 13, rent: 2600 },
  { name: 'Chicago', lat: 41.88, lon: -87.63, weight: 9.5, rent: 1900 },
  { name: 'Dallas', lat: 32.78, lon: -96.8, weight: 7.6, rent: 1500 },
  { name: 'Houston', lat: 29.76, lon: -95.37, weight: 7.1, rent: 1300 },
  { name: 'Washington', lat: 38.91, lon: -77.04, weight: 6.3, rent: 2300 },
  { name: 'Philadelphia', lat: 39.95, lon: -75.17, weight: 6.2, rent: 1700 },
  { name: 'Miami', lat: 25.76, lon: -80.19, weight: 6.1, rent: 2500 },
  { name: 'Atlanta', lat: 33.75, lon: -84.39, weight: 6.1, rent: 1700 },
  { name: 'Boston', lat: 42.36, lon: -71.06, weight: 4.9, rent: 3000 },
  { name: 'Phoenix', lat: 33.45, lon: -112.07, weight: 4.9, rent: 1400 },
  { name: 'San Francisco', lat: 37.77, lon: -122.42, weight: 4.7, rent: 3100 },
  { name: 'Riverside', lat: 33.95, lon: -117.4, weight: 4.6, rent: 1900 },
  { name: 'Detroit', lat: 42.33, lon: -83.05, weight: 4.3, rent: 1100 },
  { name: 'Seattle', lat: 47.61, lon: -122.33, weight: 4, rent: 2200 },
  { name: 'Minneapolis', lat: 44.98, lon: -93.27, weight: 3.7, rent: 1500 },
  { name: 'San Diego', lat: 32.72, lon: -117.16, weight: 3.3, rent: 2600 },
  { name: 'Tampa', lat: 27.95, lon: -82.46, weight: 3.2, rent: 1700 },
  { name: 'Denver', lat: 39.74, lon: -104.99, weight: 3, rent: 1800 },
  { name: 'Baltimore', lat: 39.29, lon: -76.61, weight: 2.8, rent: 1500 },
  { name: 'St. Louis', lat: 38.63, lon: -90.2, weight: 2.8, rent: 1100 },
  { name: 'Orlando', lat: 28.54, lon: -81.38, weight: 2.7, rent: 1700 },
  { name: 'Charlotte', lat: 35.23, lon: -80.84, weight: 2.7, rent: 1500 },
  { name: 'San Antonio', lat: 29.42, lon: -98.49, weight: 2.6, rent: 1100 },
  { name: 'Portland', lat: 45.52, lon: -122.68, weight: 2.5, rent: 1700 },
  { name: 'Sacramento', lat: 38.58, lon: -121.49, weight: 2.4, rent: 1800 },
  { name: 'Pittsburgh', lat: 40.44, lon: -79.99, weight: 2.4, rent: 1200 },
  { name: 'Austin', lat: 30.27, lon: -97.74, weight: 2.4, rent: 1700 },
  { name: 'Las Vegas', lat: 36.17, lon: -115.14, weight: 2.3, rent: 1400 },
  { name: 'Cincinnati', lat: 39.1, lon: -84.51, weight: 2.3, rent: 1100 },
  { name: 'Kansas City', lat: 39.1, lon: -94.58, weight: 2.2, rent: 1100 },
  { name: 'Columbus', lat: 39.96, lon: -83.0, weight: 2.1, rent: 1200 },
  { name: 'Indianapolis', lat: 39.77, lon: -86.16, weight: 2.1, rent: 1100 },
  { name: 'Cleveland', lat: 41.5, lon: -81.69, weight: 2.1, rent: 1000 },
  { name: 'San Jose', lat: 37.34, lon: -121.89, weight: 2, rent: 3000 },
  { name: 'Nashville', lat: 36.16, lon: -86.78, weight: 2, rent: 1600 },
  { name: 'Virginia Beach', lat: 36.85, lon: -75.98, weight: 1.8, rent: 1400 },
  { name: 'Providence', lat: 41.82, lon: -71.41, weight: 1.7, rent: 1600 },
  { name: 'Jacksonville', lat: 30.33, lon: -81.66, weight: 1.6, rent: 1300 },
  { name: 'Salt Lake City', lat: 40.76, lon: -111.89, weight: 1.3, rent: 1400 },
];

const DISTRICT_WORDS = ['Downtown', 'Midtown', 'Uptown', 'North', 'South', 'East', 'West', 'Riverside', 'Heights', 'Harbor', 'Hills', 'Lakeside', 'Old Town', 'University', 'Park', 'Junction'];
const NEIGHBOURHOOD_WORDS = ['Elm', 'Maple', 'Cedar', 'Oak', 'Pine', 'Willow', 'Birch', 'Ash', 'Cherry', 'Linden', 'Spruce', 'Walnut'];
const NEIGHBOURHOOD_KINDS = ['Park', 'Square', 'Village', 'Gardens', 'Row', 'Terrace', 'Grove', 'Court'];

const TYPES: ListingType[] = ['entire', 'private', 'shared'];
const TYPE_SHARES = [0.56, 0.4, 0.04];
const TYPE_RENT = [1, 0.42, 0.26];
const BEDROOM_RENT = [0.82, 1, 1.38, 1.75, 2.1];
const BEDROOM_SHARES = [0.18, 0.4, 0.27, 0.11, 0.04];
const ADJECTIVES = ['Sunny', 'Quiet', 'Bright', 'Cozy', 'Spacious', 'Renovated', 'Charming', 'Modern', 'Airy', 'Classic'];
const HOMES: string[][] = [
  ['apartment', 'walk-up', 'loft', 'condo', 'townhouse floor', 'flat'],
  ['room', 'bedroom', 'room with a view', 'garden room'],
  ['shared room', 'bed in a shared room', 'co-living bed'],
];

const COUNTRY_SEED = 31_000_031;
const EPOCH = Date.UTC(2026, 10, 1);
const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;
const KM_PER_DEGREE = 111.2;

interface Place {
  city: string;
  district: string;
  neighbourhood: string;
  lat: number;
  lon: number;
  /** Scatter, degrees of latitude. */
  spread: number;
  rent: number;
}

/** Every neighbourhood of the country with its share of listings (cumulative, for sampling). */
function places(seed: number): { places: Place[]; cumulative: Float64Array } {
  const rand = seededRandom(seed);
  const out: Place[] = [];
  const weights: number[] = [];
  for (const city of CITIES) {
    // A bigger metro spreads wider: 12 km for a small one, about 35 km for New York.
    const radiusKm = 10 + 6 * Math.sqrt(city.weight);
    const districts = Math.min(DISTRICT_WORDS.length, 6 + Math.round(city.weight / 2));
    for (let d = 0; d < districts; d++) {
      const angle = rand() * 2 * Math.PI;
      const r = d === 0 ? 0 : radiusKm * Math.sqrt(rand()) * 0.8;
      const dLat = city.lat + (r * Math.sin(angle)) / KM_PER_DEGREE;
      const dLon = city.lon + (r * Math.cos(angle)) / (KM_PER_DEGREE * Math.cos((city.lat * Math.PI) / 180));
      const district = `${city.name} ${DISTRICT_WORDS[d]}`;
      const districtRent = city.rent * (d === 0 ? 1.25 : 0.75 + rand() * 0.5);
      const count = 5 + Math.floor(rand() * 8);
      for (let k = 0; k < count; k++) {
        const a = rand() * 2 * Math.PI;
        const rr = 1 + rand() * (radiusKm / 5);
        out.push({
          city: city.name,
          district,
          neighbourhood: `${NEIGHBOURHOOD_WORDS[(d * 5 + k) % NEIGHBOURHOOD_WORDS.length]} ${NEIGHBOURHOOD_KINDS[(d + k * 3) % NEIGHBOURHOOD_KINDS.length]}`,
          lat: dLat + (rr * Math.sin(a)) / KM_PER_DEGREE,
          lon: dLon + (rr * Math.cos(a)) / (KM_PER_DEGREE * Math.cos((city.lat * Math.PI) / 180)),
          spread: (0.5 + rand() * 1.5) / KM_PER_DEGREE,
          rent: districtRent * (0.8 + rand() * 0.4),
        });
        weights.push((city.weight / districts / count) * (d === 0 ? 2 : 0.5 + rand()));
      }
    }
  }
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (cumulative[i] = sum += w));
  for (let i = 0; i < cumulative.length; i++) cumulative[i]! /= sum;
  return { places: out, cumulative };
}

function pickCumulative(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pickShare(rand: () => number, shares: readonly number[]): number {
  let u = rand();
  for (let i = 0; i < shares.length; i++) {
    u -= shares[i]!;
    if (u < 0) return i;
  }
  return shares.length - 1;
}

/** The country's listings, `count` of them, the same for a seed on every machine. */
export function* countryListings(count: number, seed = COUNTRY_SEED): Generator<ListingRecord> {
  const { places: all, cumulative } = places(seed);
  const rand = seededRandom(seed + 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  for (let i = 0; i < count; i++) {
    const p = all[pickCumulative(cumulative, rand())]!;
    const t = pickShare(rand, TYPE_SHARES);
    const bedrooms = t === 0 ? pickShare(rand, BEDROOM_SHARES) : 1;
    const price = Math.max(300, Math.round((p.rent * TYPE_RENT[t]! * (t === 0 ? BEDROOM_RENT[bedrooms]! : 1) * Math.exp(0.2 * gauss())) / 25) * 25);
    const lat = p.lat + gauss() * p.spread;
    const lon = p.lon + (gauss() * p.spread) / Math.cos((p.lat * Math.PI) / 180);
    const listedAt = EPOCH - Math.floor(rand() * HALF_YEAR_MS);
    const size = t === 0 ? (bedrooms === 0 ? 'Studio ' : `${bedrooms}BR `) : '';
    const homes = HOMES[t]!;
    yield {
      id: `c${i + 1}`,
      title: `${ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)]} ${size}${homes[Math.floor(rand() * homes.length)]} in ${p.neighbourhood}, ${p.city}`,
      lat: Math.round(lat * 1e6) / 1e6,
      lon: Math.round(lon * 1e6) / 1e6,
      price,
      type: TYPES[t]!,
      district: p.district,
      neighbourhood: p.neighbourhood,
      bedrooms,
      listedAt,
      updatedAt: listedAt,
    };
  }
}

/** The cities' centres and names, for country and city views in the benchmarks. */
export const COUNTRY_CITIES: readonly { name: string; lat: number; lon: number }[] = CITIES;

/**
 * Writes the country at `n` listings as ndjson for `npm run import` (strings built by hand:
 * JSON.stringify of 10M objects was a third of the generator's time); returns up to 20,000
 * listing positions to centre benchmark views on.
 */
export function writeCountryFile(n: number, file: string): { lat: number; lon: number }[] {
  const out = fs.openSync(file, 'w');
  let buf = '';
  let rows = 0;
  const centres: { lat: number; lon: number }[] = [];
  const every = Math.max(1, Math.floor(n / 20_000));
  let i = 0;
  for (const r of countryListings(n)) {
    buf += `{"id":"${r.id}","title":${JSON.stringify(r.title)},"lat":${r.lat},"lon":${r.lon},"price":${r.price},"type":"${r.type}","district":${JSON.stringify(r.district)},"neighbourhood":${JSON.stringify(r.neighbourhood)},"bedrooms":${r.bedrooms},"listedAt":"${new Date(r.listedAt).toISOString()}"}\n`;
    if (i++ % every === 0 && centres.length < 20_000) centres.push({ lat: r.lat, lon: r.lon });
    if (++rows === 20_000) {
      fs.writeSync(out, buf);
      buf = '';
      rows = 0;
    }
  }
  if (buf) fs.writeSync(out, buf);
  fs.closeSync(out);
  return centres;
}
