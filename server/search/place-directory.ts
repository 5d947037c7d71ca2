import { pinyin } from 'pinyin-pro';
import bbox from '@turf/bbox';
import type { FeatureCollection } from 'geojson';
import { cachedFor } from '../core/ttl-cache';
import type { Bbox, SearchEngine } from '../engine/search-engine';

const WORLD: Bbox = [-180, -85, 180, 85];
/** How long the area lists are kept: names change with imports, not with every write. */
const TTL_MS = 30_000;
export const MAX_PLACES = 10;
const MAX_PER_KIND = 5;
/**
 * Listing suggestions kept per query text, as long as the area names: the words renters
 * type most are the commonest, and at 10,000,000 listings a word in a tenth of the homes
 * took 60–200 ms to rank its newest five (BENCHMARKS.md, issue 31), where the box must
 * answer as the renter types. A thousand texts at most: one a keystroke, bounded.
 */
const LISTINGS_KEPT = 1_000;

export type PlaceKind = 'district' | 'neighbourhood' | 'listing';

/** A suggestion for the place box (CONTRACT.md `GET /api/places`). */
export interface Place {
  kind: PlaceKind;
  label: string;
  /** What the label is in: a neighbourhood's district, a listing's neighbourhood. */
  detail?: string;
  lat: number;
  lon: number;
  bbox?: Bbox;
  count?: number;
  /** A listing's id, for its page. */
  id?: string;
}

interface Area {
  kind: 'district' | 'neighbourhood';
  label: string;
  detail: string;
  lat: number;
  lon: number;
  count: number;
  bbox?: Bbox;
  /** The forms a query is compared with: the name, its pinyin and pinyin initials. */
  keys: string[];
}

/** Letters no decomposition takes apart, as people type them without the accent (Grünerløkka → grunerlokka). */
const FOLDS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŀ: 'l' };

/**
 * Lower case, no accents, spaces or punctuation: "Jing'an", "jing an" and "jingan" are one
 * key, and so are "Grünerløkka" and "Grunerlokka". Applied to the names and to the query,
 * so the place box folds the same on every engine (the areas come from the engine's own
 * buckets; the matching is here).
 */
export function placeKey(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\p{M}\s\p{P}\p{S}]+/gu, '')
    .replace(/[øæœßđðłþıħŧŀ]/g, (c) => FOLDS[c] ?? c);
}

/** A name and, when it holds Chinese, its toneless pinyin and initials (静安区 → jinganqu, jaq). */
export function keysOf(name: string): string[] {
  const keys = [placeKey(name)];
  if (/\p{Script=Han}/u.test(name)) {
    const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive' });
    keys.push(placeKey(syllables.join('')), placeKey(syllables.map((s) => s[0] ?? '').join('')));
  }
  return keys.filter(Boolean);
}

/** How well a query matches: 0 a whole key, 1 a key's start, 2 a word's start, 3 inside; null none. */
function rank(area: Area, key: string, raw: string): number | null {
  let best: number | null = null;
  for (const k of area.keys) {
    const r = k === key ? 0 : k.startsWith(key) ? 1 : k.includes(key) ? 3 : null;
    if (r !== null && (best === null || r < best)) best = r;
  }
  const lower = placeKey(raw);
  if (best === 3 && area.label.split(/\s+/).some((w) => placeKey(w).startsWith(lower))) best = 2;
  return best;
}

/** Each area name's box from the boundaries file, when the store has one. */
function boundaryBoxes(geojson: string | null): Map<string, Bbox> {
  const out = new Map<string, Bbox>();
  if (!geojson) return out;
  const fc = JSON.parse(geojson) as FeatureCollection;
  const grow = (key: string, b: Bbox) => {
    const had = out.get(key);
    out.set(key, had ? [Math.min(had[0], b[0]), Math.min(had[1], b[1]), Math.max(had[2], b[2]), Math.max(had[3], b[3])] : b);
  };
  for (const f of fc.features ?? []) {
    if (!f.geometry) continue;
    const b = bbox(f) as Bbox;
    const p = (f.properties ?? {}) as Record<string, unknown>;
    const district = String(p.neighbourhood_group ?? '');
    const neighbourhood = String(p.neighbourhood ?? '');
    if (district) grow(`d|${district}`, b);
    if (neighbourhood) grow(`n|${district}|${neighbourhood}`, b);
  }
  return out;
}

/**
 * Districts, neighbourhoods and listings by name for the place box, in any language the
 * data has and by pinyin for Chinese names. Areas come from the engine's own buckets, so
 * both engines answer the same; listings from the keyword filter.
 */
export class PlaceDirectory {
  private readonly areas: () => Promise<Area[]> = cachedFor(TTL_MS, () => this.load());

  constructor(private readonly engine: SearchEngine) {}

  /** Loads the area names ahead of the first query. */
  async warm(): Promise<void> {
    await this.areas();
  }

  async find(q: string): Promise<Place[]> {
    const key = placeKey(q);
    if (key === '') return [];
    const areas = await this.areas();
    const scored: { area: Area; r: number }[] = [];
    for (const area of areas) {
      const r = rank(area, key, q);
      if (r !== null) scored.push({ area, r });
    }
    scored.sort((a, b) => a.r - b.r || (a.area.kind === b.area.kind ? 0 : a.area.kind === 'district' ? -1 : 1) || b.area.count - a.area.count);
    const places: Place[] = scored.slice(0, MAX_PER_KIND * 2).map(({ area }) => ({
      kind: area.kind,
      label: area.label,
      ...(area.detail ? { detail: area.detail } : {}),
      lat: area.lat,
      lon: area.lon,
      count: area.count,
      ...(area.bbox ? { bbox: area.bbox } : {}),
    }));
    const listings = await this.listings(q);
    return [...places.slice(0, MAX_PLACES - Math.min(listings.length, MAX_PER_KIND - 2)), ...listings].slice(0, MAX_PLACES);
  }

  private readonly suggested = new Map<string, { at: number; places: Promise<Place[]> }>();

  private listings(q: string): Promise<Place[]> {
    const key = q.trim().toLowerCase();
    const hit = this.suggested.get(key);
    if (hit && Date.now() - hit.at <= TTL_MS) return hit.places;
    if (this.suggested.size >= LISTINGS_KEPT) this.suggested.clear();
    const places = this.findListings(q);
    this.suggested.set(key, { at: Date.now(), places });
    return places;
  }

  private async findListings(q: string): Promise<Place[]> {
    try {
      const page = await this.engine.list({ bbox: WORLD, filters: { q }, sort: 'newest', limit: MAX_PER_KIND });
      return page.listings.map((l) => ({
        kind: 'listing' as const,
        label: l.title,
        detail: [...new Set([l.neighbourhood, l.district].filter(Boolean))].join(', '),
        lat: l.lat,
        lon: l.lon,
        id: l.id,
      }));
    } catch {
      // A query of no whole word (the box is mid-word) finds areas only.
      return [];
    }
  }

  private async load(): Promise<Area[]> {
    const [districts, neighbourhoods, geojson] = await Promise.all([
      this.engine.search({ bbox: WORLD, zoom: 10, filters: {} }),
      this.engine.search({ bbox: WORLD, zoom: 12, filters: {} }),
      this.engine.boundaries(),
    ]);
    const boxes = boundaryBoxes(geojson);
    const out: Area[] = [];
    for (const b of districts.buckets) {
      if (!b.label) continue;
      const box = boxes.get(`d|${b.label}`);
      out.push({ kind: 'district', label: b.label, detail: '', lat: b.lat, lon: b.lon, count: b.count, keys: keysOf(b.label), ...(box ? { bbox: box } : {}) });
    }
    const districtNames = new Set(out.map((a) => placeKey(a.label)));
    for (const b of neighbourhoods.buckets) {
      if (!b.label) continue;
      // Neighbourhood keys are `district|neighbourhood` on both engines.
      const district = b.key.includes('|') ? b.key.slice(0, b.key.lastIndexOf('|')) : '';
      // A file with one area column gives each area as its own district too: one suggestion
      // per area ("徐汇区", not "徐汇区" twice and "徐汇区, 徐汇区").
      if (placeKey(b.label) === placeKey(district) || (!district && districtNames.has(placeKey(b.label)))) continue;
      const box = boxes.get(`n|${district}|${b.label}`);
      out.push({ kind: 'neighbourhood', label: b.label, detail: district, lat: b.lat, lon: b.lon, count: b.count, keys: keysOf(b.label), ...(box ? { bbox: box } : {}) });
    }
    return out;
  }
}
