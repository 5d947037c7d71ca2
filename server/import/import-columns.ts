/**
 * Which of a file's columns (CSV) or keys (ndjson) hold each of Roost's fields, with the
 * file's own names given by `--map FIELD=COLUMN,…`, and the one line an import stops with
 * when no row can have the fields it needs.
 */

/** Fields an Inside Airbnb file gives, each from the first of its columns that holds a value in a row. */
export const AIRBNB_COLUMNS = {
  id: ['id'],
  title: ['name'],
  // Detailed files carry the official areas in `*_cleansed` and the host's own words
  // ("Oslo, Norway") in `neighbourhood`: the official ones first.
  district: ['neighbourhood_group_cleansed', 'neighbourhood_group'],
  neighbourhood: ['neighbourhood_cleansed', 'neighbourhood'],
  lat: ['latitude'],
  lon: ['longitude'],
  type: ['room_type'],
  price: ['price'],
  bedrooms: ['bedrooms'],
  // Older detailed files give a number; current ones leave it blank and say "1.5 shared baths".
  bathrooms: ['bathrooms', 'bathrooms_text'],
  guests: ['accommodates'],
  amenities: ['amenities'],
  description: ['description'],
  photo: ['picture_url'],
  // The earliest day the file shows the home let (detailed files), else its latest review.
  listedAt: ['first_review', 'last_review'],
} as const;

export type AirbnbField = keyof typeof AIRBNB_COLUMNS;
export const AIRBNB_REQUIRED: readonly AirbnbField[] = ['id', 'lat', 'lon', 'type', 'price'];

/** The keys of a Listing (CONTRACT.md) an ndjson row may carry. */
export const NDJSON_FIELDS = [
  'id', 'title', 'lat', 'lon', 'price', 'type', 'currency', 'pricePer', 'district', 'neighbourhood',
  'bedrooms', 'bathrooms', 'guests', 'amenities', 'description', 'photos', 'listedAt',
] as const;
export const NDJSON_REQUIRED: readonly string[] = ['id', 'title', 'lat', 'lon', 'price', 'type'];

/** `--map`'s pairs: Roost's field → the file's column. */
export type ColumnMap = ReadonlyMap<string, string>;

/**
 * Reads `--map id=room_id,title=name` (the option may be given more than once). Throws with
 * a message naming the pair at fault; `fields` are the names the format knows.
 */
export function parseColumnMap(values: readonly string[], fields: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of values.flatMap((v) => v.split(','))) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (eq < 0 || field === '' || column === '') throw new Error(`--map: "${pair}" is not FIELD=COLUMN`);
    if (!fields.includes(field)) throw new Error(`--map: unknown field "${field}"; the fields are ${fields.join(', ')}`);
    if (map.has(field)) throw new Error(`--map: ${field} is given twice`);
    map.set(field, column);
  }
  return map;
}

/**
 * No row of the file can have the fields an import needs: stops the import, exit 1, with
 * the message as its last line (what it looked for, what it found, how to name it).
 */
export class MissingColumns extends Error {
  constructor(
    /** Each field without a column: the one `--map` named, or the file's usual name (`usual`). */
    readonly missing: { field: string; column?: string; usual?: string }[],
    readonly lookedFor: string[],
    readonly found: string[],
  ) {
    const unnamed = missing.filter((m) => m.column === undefined).map((m) => m.field + ((m.usual ?? m.field) !== m.field ? ` (${m.usual})` : ''));
    const named = missing.filter((m) => m.column !== undefined).map((m) => `no column ${m.column} for ${m.field}`);
    const what = [...(unnamed.length > 0 ? [`no column for ${unnamed.join(', ')}`] : []), ...named].join(', ');
    const how = missing.map((m) => `${m.field}=COLUMN`).join(',');
    super(`import stopped: ${what} (looked for ${lookedFor.join(', ')}; found ${found.length > 0 ? found.join(', ') : 'nothing'}); name ${missing.length > 1 ? 'them' : 'it'} with --map ${how}`);
  }
}

/** Where each field is in a file's records: the indices to try, in order. */
export type AirbnbColumnIndex = Record<AirbnbField, readonly number[]>;

/**
 * Each field's columns in a CSV header (names compared without case or surrounding
 * space), `--map` replacing a field's own. Throws MissingColumns when a needed field, or
 * any field `--map` names, has no column.
 */
export function airbnbColumnIndex(header: readonly string[], map: ColumnMap): AirbnbColumnIndex {
  const position = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (!position.has(key)) position.set(key, i);
  });
  const index = {} as Record<AirbnbField, number[]>;
  const missing: MissingColumns['missing'] = [];
  for (const field of Object.keys(AIRBNB_COLUMNS) as AirbnbField[]) {
    const mapped = map.get(field);
    const names = mapped !== undefined ? [mapped] : AIRBNB_COLUMNS[field];
    index[field] = names.map((n) => position.get(n.toLowerCase())).filter((i): i is number => i !== undefined);
    if (index[field].length === 0 && (mapped !== undefined || AIRBNB_REQUIRED.includes(field))) {
      missing.push(mapped !== undefined ? { field, column: mapped } : { field, usual: AIRBNB_COLUMNS[field].join('/') });
    }
  }
  if (missing.length > 0) {
    const lookedFor = AIRBNB_REQUIRED.flatMap((f) => (map.has(f) ? [map.get(f)!] : AIRBNB_COLUMNS[f]));
    for (const m of missing) if (m.column !== undefined && !lookedFor.includes(m.column)) lookedFor.push(m.column);
    throw new MissingColumns(missing, lookedFor, header.map((h) => h.trim()));
  }
  return index;
}
