import type Database from 'better-sqlite3';
import { currencyOf, pricePerOf, type ListingRecord } from '../../core/listing';
import { COLUMNS } from './sqlite-listing-row';

/** Listings a statement inserts: one statement's fixed cost shared by this many rows. */
export const ROWS_A_STATEMENT = 64;
const LISTING_COLUMNS = 20;
const CHANGE_COLUMNS = 5;

const placeholders = (rows: number, columns: number) => Array.from({ length: rows }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ');

/** A listing's row as the listings table's columns (COLUMNS), in order. */
export function listingValues(r: ListingRecord, out: unknown[]): void {
  out.push(
    r.id, r.title, r.lat, r.lon, r.price, r.type, r.district, r.neighbourhood, r.bedrooms, r.listedAt, r.updatedAt,
    currencyOf(r), pricePerOf(r), r.description || null, r.photos && r.photos.length > 0 ? JSON.stringify(r.photos) : null,
    r.bathrooms ?? null, r.guests ?? null, r.amenities && r.amenities.length > 0 ? JSON.stringify(r.amenities) : null,
    r.previousPrice ?? null, r.priceChangedAt ?? null,
  );
}

/**
 * New listings and their change rows, ROWS_A_STATEMENT to a statement: a bulk import's
 * rows are nearly all new, and one statement a row cost each row its own bind and step
 * twice over (the listing, its change). Rows whose id is already stored are left alone
 * and handed back, for the caller's read-and-merge path; the rest are inserted with their
 * change rows in the order given (so the log's seq follows the file). Runs inside the
 * caller's transaction.
 */
export class NewListingsInsert {
  private readonly listings: Database.Statement;
  private readonly listing: Database.Statement;
  private readonly changes: Database.Statement;
  private readonly change: Database.Statement;

  constructor(db: Database.Database) {
    this.listings = db.prepare(`INSERT INTO listings (${COLUMNS}) VALUES ${placeholders(ROWS_A_STATEMENT, LISTING_COLUMNS)} ON CONFLICT(id) DO NOTHING RETURNING id`).pluck();
    this.listing = db.prepare(`INSERT INTO listings (${COLUMNS}) VALUES ${placeholders(1, LISTING_COLUMNS)} ON CONFLICT(id) DO NOTHING`);
    this.changes = db.prepare(`INSERT INTO changes (listing_id, op, before, after, at) VALUES ${placeholders(ROWS_A_STATEMENT, CHANGE_COLUMNS)}`);
    this.change = db.prepare(`INSERT INTO changes (listing_id, op, before, after, at) VALUES ${placeholders(1, CHANGE_COLUMNS)}`);
  }

  /**
   * One listing, inserted with its 'upsert' change row at `now` when its id is new; false
   * (nothing written) when the id is stored already: insert first, read only then, so a
   * new listing never reads before its write.
   */
  insertOne(r: ListingRecord, now: number): boolean {
    const values: unknown[] = [];
    listingValues(r, values);
    if (this.listing.run(values).changes === 0) return false;
    this.change.run(r.id, 'upsert', null, JSON.stringify(r), now);
    return true;
  }

  /**
   * Inserts `records` (exactly ROWS_A_STATEMENT of them) where their ids are new, each with
   * an 'upsert' change row at `now`; returns those not inserted, in order.
   */
  insert(records: readonly ListingRecord[], now: number): ListingRecord[] {
    const values: unknown[] = [];
    for (const r of records) listingValues(r, values);
    const ids = this.listings.all(values) as string[];
    if (ids.length === records.length) {
      const log: unknown[] = [];
      for (const r of records) log.push(r.id, 'upsert', null, JSON.stringify(r), now);
      this.changes.run(log);
      return [];
    }
    // Some were stored already (or came twice): the change rows of the new ones one by one.
    const inserted = new Set(ids);
    const rest: ListingRecord[] = [];
    const fresh: ListingRecord[] = [];
    for (const r of records) {
      if (inserted.delete(r.id)) fresh.push(r);
      else rest.push(r);
    }
    for (const r of fresh) this.change.run(r.id, 'upsert', null, JSON.stringify(r), now);
    return rest;
  }
}
