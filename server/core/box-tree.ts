import RBush from 'rbush';
import type { Bbox } from '../engine/search-engine';
import { bboxSides } from './bbox-sides';

interface Entry<V> {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  value: V;
}

/**
 * A hair of margin around a point looked up: the boxes are raw degrees and callers test
 * the exact (quantized) rule on what comes back, so the tree must never miss a candidate.
 */
const MARGIN = 1e-7;

/**
 * Values by key, each over one area, in an R-tree: a point finds the values whose area's
 * box holds it in O(log n + candidates). A bbox across the antimeridian goes in as its two
 * sides. Holds live viewports (WatchIndex) and saved-search areas (SearchAreaIndex).
 */
export class BoxTree<K, V> {
  private readonly tree = new RBush<Entry<V>>();
  private readonly byKey = new Map<K, Entry<V>[]>();

  get size(): number {
    return this.byKey.size;
  }

  /** Puts the key's value over `box`, replacing what the key held. */
  put(key: K, box: Bbox, value: V): void {
    this.remove(key);
    const entries = bboxSides(box).map(([minX, minY, maxX, maxY]) => ({ minX, minY, maxX, maxY, value }));
    this.tree.load(entries);
    this.byKey.set(key, entries);
  }

  remove(key: K): void {
    for (const e of this.byKey.get(key) ?? []) this.tree.remove(e);
    this.byKey.delete(key);
  }

  /** Adds to `into` every value whose box holds (lon, lat), give or take MARGIN. */
  near(lon: number, lat: number, into: Set<V>): void {
    for (const e of this.tree.search({ minX: lon - MARGIN, minY: lat - MARGIN, maxX: lon + MARGIN, maxY: lat + MARGIN })) into.add(e.value);
  }
}
