import type { Level } from '@/server/core/levels';
import type { Listing } from '@/server/core/listing';

export interface Bucket {
  key: string;
  label: string;
  count: number;
  lat: number;
  lon: number;
  priceAvg: number;
}

export interface SearchResponse {
  level: Level;
  total: number;
  buckets: Bucket[];
  listings: Listing[];
}

export interface ListResponse {
  total: number;
  listings: Listing[];
  nextCursor: string | null;
}

/** Answers kept per query string, so moving back to a view costs no request. */
const CACHE_SIZE = 80;

export class ApiClient {
  private readonly cache = new Map<string, unknown>();

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const hit = this.cache.get(path);
    if (hit !== undefined) {
      // Refresh its place: least recently used goes first.
      this.cache.delete(path);
      this.cache.set(path, hit);
      return hit as T;
    }
    const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    const body = (await res.json()) as T;
    this.cache.set(path, body);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return body;
  }

  has(path: string): boolean {
    return this.cache.has(path);
  }

  clear(): void {
    this.cache.clear();
  }
}
