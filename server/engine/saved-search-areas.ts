import type { ListingRecord } from '../core/listing';
import type { ListingStore } from '../store/listing-store';
import { SearchAreaGrid } from './embedded/search-area-grid';
import type { SearchDefinition } from './search-engine';

/**
 * Saved searches' areas for percolation, in memory on every node whatever the index: the
 * store holds them (so they follow a renter to any host), each node loads them all at
 * start and then applies the changes any node logged since, in version order. A million
 * areas take ~250 MB (SearchAreaGrid: typed arrays, drawn rings); matching reads one grid cell.
 */
export class SavedSearchAreas {
  private readonly index = new SearchAreaGrid();
  private version = 0;
  private loaded = false;

  constructor(private readonly store: ListingStore) {}

  /** Brings the areas up to what the store holds now. */
  async load(): Promise<void> {
    // A flag, not version 0: with no area ever saved the version stays 0, and every
    // percolation read the whole (empty) table again.
    if (!this.loaded) {
      const { version, areas } = await this.store.searchAreasAt();
      for (const s of areas) this.index.put(s);
      this.version = version;
      this.loaded = true;
      return;
    }
    for (const c of await this.store.searchAreaChanges(this.version)) {
      if (c.search) this.index.put(c.search);
      else this.index.remove(c.id);
      this.version = c.version;
    }
  }

  async put(search: SearchDefinition): Promise<void> {
    await this.store.putSearchArea(search);
    await this.load();
  }

  async remove(id: string): Promise<void> {
    await this.store.removeSearchArea(id);
    await this.load();
  }

  /** Searches held, and the bytes their arrays take (for the benchmarks). */
  get held(): { searches: number; bytes: number } {
    return { searches: this.index.size, bytes: this.index.bytes };
  }

  /** The same against the areas as last read, without asking the store for changes first. */
  matchLoaded(states: ListingRecord[]): string[][] {
    return states.map((r) => this.index.match(r));
  }

  /** The saved searches each state matches, read after the states were (a search saved before a change is seen). */
  async percolate(states: ListingRecord[]): Promise<string[][]> {
    await this.load();
    return states.map((r) => this.index.match(r));
  }
}
