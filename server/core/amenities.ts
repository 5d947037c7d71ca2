/**
 * The amenities a renter can filter on: a small canonical vocabulary, read from the
 * lister's own words ("Fast wifi – 500 Mbps", "Free washer – In unit", "Hair dryer"),
 * which the record keeps as given. Each key is a bit, so one 16-bit mask per listing
 * answers "has all of these" with one AND on every engine (the embedded index's column,
 * the cluster's `amenityKeys`, the saved-search grid, the live push).
 */
export const AMENITY_KEYS = ['wifi', 'kitchen', 'washer', 'dryer', 'air_conditioning', 'heating', 'parking', 'pets_allowed', 'elevator', 'pool'] as const;
export type AmenityKey = (typeof AMENITY_KEYS)[number];

/**
 * How Inside Airbnb's strings (and a lister's) name each key, on lower-cased text. Chosen
 * against what the detailed files hold: "Wireless Internet" is wifi; "Dishwasher" is not a
 * washer nor "Hair dryer" a dryer; "Pets live on this property" does not let yours in;
 * "Pool table" is no pool; "Kitchenette" is not a kitchen.
 */
const PATTERNS: Record<AmenityKey, RegExp> = {
  wifi: /\bwi-?fi\b|\bwireless internet\b|^internet$|无线网|\bwlan\b/,
  kitchen: /\bkitchen\b|厨房/,
  washer: /\bwasher\b|\bwashing machine\b|洗衣机/,
  dryer: /(?<!hair )\bdryer\b|烘干机/,
  air_conditioning: /\bair[- ]conditioning\b|\bair conditioner\b|\bac\b|\bcentral air\b|空调/,
  heating: /\bheating\b|\bheater\b|\bradiant heat|暖气/,
  parking: /\bparking\b|\bgarage\b|停车/,
  pets_allowed: /\bpets? allowed\b|\bpet[- ]friendly\b|允许携带宠物/,
  elevator: /\belevator\b|\blift\b|电梯/,
  pool: /\bpool\b(?! table)|\bswimming\b|泳池/,
};

export const AMENITY_BIT: Record<AmenityKey, number> = Object.fromEntries(AMENITY_KEYS.map((k, i) => [k, 1 << i])) as Record<AmenityKey, number>;

/** The mask of one lister's string. */
function maskOfText(text: string): number {
  const t = text.toLowerCase();
  let m = 0;
  for (const k of AMENITY_KEYS) if (PATTERNS[k].test(t)) m |= AMENITY_BIT[k];
  return m;
}

/** Strings seen, kept: a city's listings repeat a few thousand amenity strings millions of times. */
const seen = new Map<string, number>();
const SEEN_MAX = 50_000;

/** The keys a listing's amenities name, as a mask (0: none known). */
export function amenityMask(amenities: readonly string[] | undefined): number {
  if (!amenities) return 0;
  let m = 0;
  for (const a of amenities) {
    let bits = seen.get(a);
    if (bits === undefined) {
      bits = maskOfText(a);
      if (seen.size >= SEEN_MAX) seen.clear();
      seen.set(a, bits);
    }
    m |= bits;
  }
  return m;
}

/** The mask a filter asks for. */
export function maskOfKeys(keys: readonly AmenityKey[] | undefined): number {
  return keys ? keys.reduce((m, k) => m | AMENITY_BIT[k], 0) : 0;
}

/** The keys of a mask, in the vocabulary's order. */
export function keysOfMask(mask: number): AmenityKey[] {
  return AMENITY_KEYS.filter((k) => (mask & AMENITY_BIT[k]) !== 0);
}

/** The canonical keys a listing has (the cluster index's `amenityKeys`). */
export function amenityKeysOf(amenities: readonly string[] | undefined): AmenityKey[] {
  return keysOfMask(amenityMask(amenities));
}
