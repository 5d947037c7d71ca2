import { inBbox as inside, matchesFilters } from '../core/area-match';
import { BoxTree } from '../core/box-tree';
import type { ListingRecord } from '../core/listing';
import type { ChangeEvent } from '../changes/change-event';
import type { Bbox, Filters } from '../engine/search-engine';

export interface Watch<C> {
  conn: C;
  bbox: Bbox;
  filters: Filters;
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
  private readonly tree = new BoxTree<C, Watch<C>>();

  get size(): number {
    return this.tree.size;
  }

  set(conn: C, bbox: Bbox, filters: Filters): void {
    this.tree.put(conn, bbox, { conn, bbox, filters });
  }

  remove(conn: C): void {
    this.tree.remove(conn);
  }

  /**
   * Who hears of a change: a watcher whose view and filters the listing matches after the
   * change gets it as an upsert; one it matched only before, as a remove.
   */
  deliveries(e: ChangeEvent): WatchDelivery<C>[] {
    const watches = new Set<Watch<C>>();
    if (e.before) this.tree.near(e.before.lon, e.before.lat, watches);
    if (e.after) this.tree.near(e.after.lon, e.after.lat, watches);
    const out: WatchDelivery<C>[] = [];
    for (const w of watches) {
      const now = e.after !== null && inside(e.after, w.bbox) && matchesFilters(e.after, w.filters);
      if (now) out.push({ conn: w.conn, op: 'upsert', listing: e.after! });
      else if (e.before && inside(e.before, w.bbox) && matchesFilters(e.before, w.filters)) out.push({ conn: w.conn, op: 'remove', listing: e.before });
    }
    return out;
  }
}
