import type { Listing } from '@/server/core/listing';
import type { Bucket, SearchResult } from '@/server/engine/search-engine';

export type { Bucket };
/** `GET /api/search`'s answer: the engine's result as JSON. */
export type SearchResponse = SearchResult;

/** `GET /api/listings`'s answer: a page, with the cursor encoded. */
export interface ListResponse {
  total: number;
  listings: Listing[];
  nextCursor: string | null;
}

/** Answers kept per query string, so moving back to a view costs no request. */
const CACHE_SIZE = 80;

export class ApiClient {
  private readonly cache = new Map<string, unknown>();
  /**
   * Moves on at every clear(): an answer to a request sent before a clear may be from
   * before the change that caused it, and must not go back into the cache, or the refetch
   * a live change asks for would be answered with it.
   */
  private generation = 0;

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const hit = this.cache.get(path);
    if (hit !== undefined) {
      // Refresh its place: least recently used goes first.
      this.cache.delete(path);
      this.cache.set(path, hit);
      return hit as T;
    }
    const generation = this.generation;
    const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const body = (await res.json()) as T;
    if (generation !== this.generation) return body;
    this.cache.set(path, body);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return body;
  }

  has(path: string): boolean {
    return this.cache.has(path);
  }

  clear(): void {
    this.cache.clear();
    this.generation++;
  }
}
