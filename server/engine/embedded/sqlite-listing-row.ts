import type { ListingRecord, ListingType, PricePer } from '../../core/listing';

/** A listings row as `SELECT ${COLUMNS}` gives it raw. */
export type Row = [
  id: string,
  title: string,
  lat: number,
  lon: number,
  price: number,
  type: string,
  district: string,
  neighbourhood: string,
  bedrooms: number | null,
  listedAt: number,
  updatedAt: number,
  currency: string,
  pricePer: string,
  description: string | null,
  photos: string | null,
  bathrooms: number | null,
  guests: number | null,
  amenities: string | null,
  previousPrice: number | null,
  priceChangedAt: number | null,
];

export const COLUMNS =
  'id, title, lat, lon, price, type, district, neighbourhood, bedrooms, listed_at, updated_at, currency, price_per, description, photos, bathrooms, guests, amenities, previous_price, price_changed_at';

function record(id: string, title: string, lat: number, lon: number, price: number, type: string, district: string, neighbourhood: string, bedrooms: number | null, listedAt: number, updatedAt: number, currency: string, pricePer: string, description: string | null, photos: string | null, bathrooms: number | null, guests: number | null, amenities: string | null, previousPrice: number | null, priceChangedAt: number | null): ListingRecord {
  const out: ListingRecord = {
    id,
    title,
    lat,
    lon,
    price,
    currency,
    pricePer: pricePer as PricePer,
    type: type as ListingType,
    district,
    neighbourhood,
    bedrooms,
    listedAt,
    updatedAt,
  };
  if (description) out.description = description;
  if (photos) out.photos = JSON.parse(photos) as string[];
  if (bathrooms !== null) out.bathrooms = bathrooms;
  if (guests !== null) out.guests = guests;
  if (amenities) out.amenities = JSON.parse(amenities) as string[];
  if (previousPrice !== null && priceChangedAt !== null) {
    out.previousPrice = previousPrice;
    out.priceChangedAt = priceChangedAt;
  }
  return out;
}

export function fromRow(r: Row): ListingRecord {
  return record(...r);
}

/**
 * Rows in columns, for a snapshot read on another thread: numbers in one Float64Array
 * (moved, not copied), repeated names (type, areas, currency, period) as codes, so what
 * is copied is a few strings a row. Rows as arrays cost 2.5 µs each to receive, as
 * columns 0.7 µs (measured, 100,000 rows).
 */
export interface RowBatch {
  /** lat, lon, price, bedrooms, listedAt, updatedAt, bathrooms, guests, previousPrice, priceChangedAt of each row (NaN: unknown). */
  numbers: Float64Array<ArrayBuffer>;
  /** type, district, neighbourhood, currency, pricePer of each row, as codes of `names`. */
  codes: Int32Array<ArrayBuffer>;
  /** id, title, description, photos, amenities of each row. */
  texts: (string | null)[];
  /** Names first coded in this batch, in code order after all sent before. */
  newNames: string[];
}

const NUMBERS = 10;
const CODES = 5;
const TEXTS = 5;

/** Packs rows into batches; the names' codes run on from batch to batch. */
export class RowPacker {
  private readonly codeOf = new Map<string, number>();
  private rows: Row[] = [];

  get size(): number {
    return this.rows.length;
  }

  add(row: Row): void {
    this.rows.push(row);
  }

  take(): RowBatch {
    const rows = this.rows;
    this.rows = [];
    const numbers = new Float64Array(rows.length * NUMBERS);
    const codes = new Int32Array(rows.length * CODES);
    const texts: (string | null)[] = new Array(rows.length * TEXTS);
    const newNames: string[] = [];
    const code = (name: string): number => {
      let c = this.codeOf.get(name);
      if (c === undefined) {
        c = this.codeOf.size;
        this.codeOf.set(name, c);
        newNames.push(name);
      }
      return c;
    };
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const a = i * NUMBERS;
      numbers[a] = r[2];
      numbers[a + 1] = r[3];
      numbers[a + 2] = r[4];
      numbers[a + 3] = r[8] ?? Number.NaN;
      numbers[a + 4] = r[9];
      numbers[a + 5] = r[10];
      numbers[a + 6] = r[15] ?? Number.NaN;
      numbers[a + 7] = r[16] ?? Number.NaN;
      numbers[a + 8] = r[18] ?? Number.NaN;
      numbers[a + 9] = r[19] ?? Number.NaN;
      const b = i * CODES;
      codes[b] = code(r[5]);
      codes[b + 1] = code(r[6]);
      codes[b + 2] = code(r[7]);
      codes[b + 3] = code(r[11]);
      codes[b + 4] = code(r[12]);
      texts[i * TEXTS] = r[0];
      texts[i * TEXTS + 1] = r[1];
      texts[i * TEXTS + 2] = r[13];
      texts[i * TEXTS + 3] = r[14];
      texts[i * TEXTS + 4] = r[17];
    }
    return { numbers, codes, texts, newNames };
  }
}

const known = (n: number): number | null => (Number.isNaN(n) ? null : n);

/** Unpacks the batches of one RowPacker, in the order they were taken. */
export class RowUnpacker {
  private readonly names: string[] = [];

  each(batch: RowBatch, onRecord: (r: ListingRecord) => void): void {
    const { numbers: n, codes: c, texts: t } = batch;
    const { names } = this;
    for (const name of batch.newNames) names.push(name);
    const count = t.length / TEXTS;
    for (let i = 0; i < count; i++) {
      const a = i * NUMBERS;
      const b = i * CODES;
      const x = i * TEXTS;
      onRecord(
        record(t[x]!, t[x + 1]!, n[a]!, n[a + 1]!, n[a + 2]!, names[c[b]!]!, names[c[b + 1]!]!, names[c[b + 2]!]!, known(n[a + 3]!), n[a + 4]!, n[a + 5]!, names[c[b + 3]!]!, names[c[b + 4]!]!, t[x + 2]!, t[x + 3]!, known(n[a + 6]!), known(n[a + 7]!), t[x + 4]!, known(n[a + 8]!), known(n[a + 9]!)),
      );
    }
  }
}
