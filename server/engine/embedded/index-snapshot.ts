import { TERMS_VERSION } from '../../core/text-match';
import fs from 'node:fs';
import { COLUMN_NAMES, newColumn, type ColumnName, type Columns } from './listing-columns';
import { ListingIndex, type ListingIndexParts } from './listing-index';

/** The snapshot's file in DATA_DIR: derived from the store, safe to delete (the next start rebuilds it). */
export const SNAPSHOT_FILE = 'index.snapshot';
const MAGIC = 'ROOSTIDX';
/**
 * Bumped whenever what the arrays mean changes (a column added — 4: the price unit —, an encoding changed, core/amenities' patterns): a
 * file of another format is not read, the index is built from the store and written anew.
 */
export const SNAPSHOT_FORMAT = 4;

/** Reads and writes in pieces: one call moves at most 2 GB, and smaller ones let the page cache keep up. */
const IO_CHUNK = 64 << 20;

/** Which store and which point of its log a snapshot reflects. */
export interface SnapshotStamp {
  /** The store's own id (meta `index_store_id`): a snapshot of another store's index is never used. */
  storeId: string;
  /** The last change of the log the index holds. */
  seq: number;
  /** That change's listing id and time, so a store whose log was replaced is noticed. */
  fingerprint: string;
}

type ArrayKind = 'i8' | 'u8' | 'u16' | 'i32' | 'u32' | 'f64';
type AnyArray = Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

interface Section {
  name: string;
  kind: ArrayKind;
  length: number;
}

interface Header {
  format: number;
  /** How the text index's terms were made (text-match.ts TERMS_VERSION): words of another making find nothing. */
  terms: number;
  stamp: SnapshotStamp;
  rows: number;
  slots: number;
  districts: readonly string[];
  neighbourhoods: readonly string[];
  neighbourhoodDistrict: readonly number[];
  neighbourhoodName: readonly string[];
  currencies: readonly string[];
  words: string[];
  idEntries: number;
  idUsed: number;
  runCells: number;
  sections: Section[];
  /** Bytes of the whole file, to tell a file cut short from a whole one. */
  bytes: number;
}

function kindOf(a: AnyArray): ArrayKind {
  if (a instanceof Int8Array) return 'i8';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  return 'f64';
}

function makeArray(kind: ArrayKind, length: number): AnyArray {
  switch (kind) {
    case 'i8':
      return new Int8Array(length);
    case 'u8':
      return new Uint8Array(length);
    case 'u16':
      return new Uint16Array(length);
    case 'i32':
      return new Int32Array(length);
    case 'u32':
      return new Uint32Array(length);
    case 'f64':
      return new Float64Array(length);
  }
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function arraysOf(p: ListingIndexParts): [string, AnyArray][] {
  return [
    ...COLUMN_NAMES.map((n) => [`col.${n}`, p.columns[n]] as [string, AnyArray]),
    ['slotRow', p.slotRow],
    ['currencyCode', p.currencyCode],
    ['periodCode', p.periodCode],
    ['freeSlots', Int32Array.from(p.freeSlots)],
    ['ids.bytes', p.ids.bytes],
    ['ids.start', p.ids.start],
    ['ids.length', p.ids.length],
    ['idTable.table', p.idTable.table],
    ['idTable.hashes', p.idTable.hashes],
    ['titles.bytes', p.titles.bytes],
    ['titles.start', p.titles.start],
    ['titles.length', p.titles.length],
    ['text.offsets', p.text.offsets],
    ['text.data', p.text.data],
    ['text.generation', p.text.generation],
    ['text.live', p.text.live],
    ['runs.price', p.runs.price],
    ['runs.sumLat', p.runs.sumLat],
    ['runs.sumLon', p.runs.sumLon],
    ['runs.sumPrice', p.runs.sumPrice],
    ['runs.cell', p.runs.runs.cell],
    ['runs.neighbourhood', p.runs.runs.neighbourhood],
    ['runs.unit', p.runs.runs.unit],
    ['runs.type', p.runs.runs.type],
    ['runs.beds', p.runs.runs.beds],
    ['runs.start', p.runs.runs.start],
    ['runs.end', p.runs.runs.end],
  ];
}

/**
 * Writes the index to `file` (through a temporary file and a rename, so a reader never sees
 * half of one): a JSON header with the small lists, then every array's bytes as they lie
 * in memory. Returns the file's size.
 */
export function writeIndexSnapshot(file: string, index: ListingIndex, stamp: SnapshotStamp): number {
  const p = index.parts();
  const arrays = arraysOf(p);
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    terms: TERMS_VERSION,
    stamp,
    rows: p.rows,
    slots: p.slots,
    districts: p.districts,
    neighbourhoods: p.neighbourhoods,
    neighbourhoodDistrict: p.neighbourhoodDistrict,
    neighbourhoodName: p.neighbourhoodName,
    currencies: p.currencies,
    words: p.text.words,
    idEntries: p.idTable.entries,
    idUsed: p.idTable.used,
    runCells: p.runs.cells,
    sections: arrays.map(([name, a]) => ({ name, kind: kindOf(a), length: a.length })),
    bytes: 0,
  };
  // The header's own length moves where the arrays start: settle it with the size field filled.
  let json = '';
  for (let i = 0; i < 3; i++) {
    json = JSON.stringify(header);
    const start = align8(MAGIC.length + 4 + Buffer.byteLength(json));
    header.bytes = arrays.reduce((at, [, a]) => align8(at + a.byteLength), start);
  }
  json = JSON.stringify(header);
  const headerBytes = Buffer.from(json);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    const lead = Buffer.alloc(align8(MAGIC.length + 4 + headerBytes.length));
    lead.write(MAGIC, 0, 'latin1');
    lead.writeUInt32LE(headerBytes.length, MAGIC.length);
    headerBytes.copy(lead, MAGIC.length + 4);
    let at = 0;
    at += fs.writeSync(fd, lead, 0, lead.length, at);
    const pad = Buffer.alloc(8);
    for (const [, a] of arrays) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let o = 0; o < bytes.length; o += IO_CHUNK) at += fs.writeSync(fd, bytes, o, Math.min(IO_CHUNK, bytes.length - o), at);
      const gap = align8(at) - at;
      if (gap > 0) at += fs.writeSync(fd, pad, 0, gap, at);
    }
    if (at !== header.bytes) throw new Error(`index snapshot: wrote ${at} bytes, expected ${header.bytes}`);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return header.bytes;
}

/** Why a snapshot could not be used, in words for the log. */
export class SnapshotUnusable extends Error {}

/** Only the stamp, without reading the arrays: whether the file is worth reading at all. */
export function readSnapshotStamp(file: string): SnapshotStamp {
  const fd = openSnapshot(file);
  try {
    return readHeader(fd, file).header.stamp;
  } finally {
    fs.closeSync(fd);
  }
}

function openSnapshot(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    throw new SnapshotUnusable((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot' : `unreadable: ${(err as Error).message}`);
  }
}

function readHeader(fd: number, file: string): { header: Header; start: number } {
  const lead = Buffer.alloc(MAGIC.length + 4);
  if (fs.readSync(fd, lead, 0, lead.length, 0) !== lead.length || lead.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new SnapshotUnusable('not an index snapshot');
  }
  const length = lead.readUInt32LE(MAGIC.length);
  const json = Buffer.alloc(length);
  if (fs.readSync(fd, json, 0, length, lead.length) !== length) throw new SnapshotUnusable('cut short in its header');
  let header: Header;
  try {
    header = JSON.parse(json.toString('utf8')) as Header;
  } catch {
    throw new SnapshotUnusable('its header is not JSON');
  }
  if (header.format !== SNAPSHOT_FORMAT) throw new SnapshotUnusable(`format ${header.format}, this release reads ${SNAPSHOT_FORMAT}`);
  if (header.terms !== TERMS_VERSION) throw new SnapshotUnusable(`its keywords were made as terms version ${header.terms ?? 1}, this release makes version ${TERMS_VERSION}`);
  const size = fs.fstatSync(fd).size;
  if (size !== header.bytes) throw new SnapshotUnusable(`${size} bytes where its header says ${header.bytes} (${file} cut short or overwritten)`);
  return { header, start: align8(lead.length + length) };
}

/**
 * Reads a snapshot into a new index. Columns get room for `growth` of their rows more, so
 * the first writes after a start do not copy every column. Throws SnapshotUnusable when
 * the file is missing, of another format or not whole.
 */
export function readIndexSnapshot(file: string, growth = 0.125): { index: ListingIndex; stamp: SnapshotStamp; bytes: number } {
  const fd = openSnapshot(file);
  try {
    const { header, start } = readHeader(fd, file);
    const capacity = Math.max(1024, Math.ceil(header.rows * (1 + growth)));
    const arrays = new Map<string, AnyArray>();
    let at = start;
    for (const s of header.sections) {
      const column = s.name.startsWith('col.') ? (s.name.slice(4) as ColumnName) : null;
      if (column && !COLUMN_NAMES.includes(column)) throw new SnapshotUnusable(`unknown column ${column}`);
      if (column && s.length !== header.rows) throw new SnapshotUnusable(`column ${column} holds ${s.length} rows, not ${header.rows}`);
      // Columns and strings get room to grow: the first writes after a start then append
      // rather than copy gigabytes.
      const room = s.name.endsWith('.bytes') ? Math.max(1 << 20, Math.ceil(s.length * growth)) : 0;
      const a = column ? newColumn(column, capacity) : makeArray(s.kind, s.length + room);
      if (kindOf(a) !== s.kind) throw new SnapshotUnusable(`${s.name} is ${s.kind}, expected ${kindOf(a)}`);
      const bytes = new Uint8Array(a.buffer, a.byteOffset, s.length * a.BYTES_PER_ELEMENT);
      for (let o = 0; o < bytes.length; o += IO_CHUNK) {
        const want = Math.min(IO_CHUNK, bytes.length - o);
        if (fs.readSync(fd, bytes, o, want, at + o) !== want) throw new SnapshotUnusable(`cut short in ${s.name}`);
      }
      at = align8(at + bytes.length);
      arrays.set(s.name, a);
    }
    const get = <T extends AnyArray>(name: string): T => {
      const a = arrays.get(name);
      if (!a) throw new SnapshotUnusable(`no ${name}`);
      return a as T;
    };
    const sectionLength = (name: string) => header.sections.find((x) => x.name === name)!.length;
    const columns = Object.fromEntries(COLUMN_NAMES.map((n) => [n, get(`col.${n}`)])) as unknown as Columns;
    const parts: ListingIndexParts = {
      rows: header.rows,
      columns,
      districts: header.districts,
      neighbourhoods: header.neighbourhoods,
      neighbourhoodDistrict: header.neighbourhoodDistrict,
      neighbourhoodName: header.neighbourhoodName,
      currencies: header.currencies,
      slots: header.slots,
      freeSlots: [...get<Int32Array>('freeSlots')],
      slotRow: get('slotRow'),
      currencyCode: get('currencyCode'),
      periodCode: get('periodCode'),
      ids: { bytes: get('ids.bytes'), used: sectionLength('ids.bytes'), start: get('ids.start'), length: get('ids.length') },
      idTable: { table: get('idTable.table'), hashes: get('idTable.hashes'), entries: header.idEntries, used: header.idUsed },
      titles: { bytes: get('titles.bytes'), used: sectionLength('titles.bytes'), start: get('titles.start'), length: get('titles.length') },
      text: { words: header.words, offsets: get('text.offsets'), data: get('text.data'), generation: get('text.generation'), live: get('text.live') },
      runs: {
        price: get('runs.price'),
        sumLat: get('runs.sumLat'),
        sumLon: get('runs.sumLon'),
        sumPrice: get('runs.sumPrice'),
        cells: header.runCells,
        runs: { cell: get('runs.cell'), neighbourhood: get('runs.neighbourhood'), unit: get('runs.unit'), type: get('runs.type'), beds: get('runs.beds'), start: get('runs.start'), end: get('runs.end') },
      },
    };
    let index: ListingIndex;
    try {
      index = ListingIndex.fromParts(parts);
    } catch (err) {
      throw new SnapshotUnusable((err as Error).message);
    }
    return { index, stamp: header.stamp, bytes: header.bytes };
  } finally {
    fs.closeSync(fd);
  }
}
