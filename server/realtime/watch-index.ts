import RBush from 'rbush';
import { inBbox as inside, matchesFilters } from '../core/area-match';
import type { ListingRecord } from '../core/listing';
import type { ChangeEvent } from '../changes/change-event';
import type { Bbox, Filters } from '../engine/search-engine';

export interface Watch<C> {
  conn: C;
  bbox: Bbox;
  filters: Filters;
}

interface Entry<C> {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  watch: Watch<C>;
}

/** What one watcher is told of a change: the listing as it now shows, or that it left. */
export interface WatchDelivery<C> {
  conn: C;
  op: 'upsert' | 'remove';
  listing: ListingRecord;
}

/**
 * Every connection's live viewport in an R-tree, so a change is matched against the
 * watches whose box holds its before or after position — O(log n + matches), not a loop
 * over every connection. A connection has at most one watch; a new one replaces it.
 */
export class WatchIndex<C> {
  private readonly tree = new RBush<Entry<C>>();
  private readonly byConn = new Map<C, Entry<C>[]>();

  get size(): number {
    return this.byConn.size;
  }

  set(conn: C, bbox: Bbox, filters: Filters): void {
    this.remove(conn);
    const watch = { conn, bbox, filters };
    const [w, s, e, n] = bbox;
    const boxes = w <= e ? [[w, s, e, n]] : [[w, s, 180, n], [-180, s, e, n]];
    const entries = boxes.map(([minX, minY, maxX, maxY]) => ({ minX: minX!, minY: minY!, maxX: maxX!, maxY: maxY!, watch }));
    this.tree.load(entries);
    this.byConn.set(conn, entries);
  }

  remove(conn: C): void {
    for (const e of this.byConn.get(conn) ?? []) this.tree.remove(e);
    this.byConn.delete(conn);
  }

  private candidates(r: ListingRecord | null, into: Set<Watch<C>>): void {
    if (!r) return;
    // A hair of margin around the point: the exact test is `inside`.
    const eps = 1e-7;
    for (const e of this.tree.search({ minX: r.lon - eps, minY: r.lat - eps, maxX: r.lon + eps, maxY: r.lat + eps })) into.add(e.watch);
  }

  /**
   * Who hears of a change: a watcher whose view and filters the listing matches after the
   * change gets it as an upsert; one it matched only before, as a remove.
   */
  deliveries(e: ChangeEvent): WatchDelivery<C>[] {
    const watches = new Set<Watch<C>>();
    this.candidates(e.before, watches);
    this.candidates(e.after, watches);
    const out: WatchDelivery<C>[] = [];
    for (const w of watches) {
      const now = e.after !== null && inside(e.after, w.bbox) && matchesFilters(e.after, w.filters);
      if (now) out.push({ conn: w.conn, op: 'upsert', listing: e.after! });
      else if (e.before && inside(e.before, w.bbox) && matchesFilters(e.before, w.filters)) out.push({ conn: w.conn, op: 'remove', listing: e.before });
    }
    return out;
  }
}
