/** What is known of one external photo URL: fetched into a stored photo, failing, or given up. */
export interface PhotoSource {
  url: string;
  /** The stored photo it became (`/photos/<hash>`); null until fetched. */
  hash: string | null;
  /** Failed fetches so far. */
  failures: number;
  /** Given up: never fetched again, dropped from the listings that name it. */
  dead: boolean;
  /** Epoch ms before which it is not fetched again (after a failure). */
  retryAt: number;
  lastError: string | null;
}

/** Where the importer has read the change log to, and for which allowed hosts. */
export interface ImportCursor {
  seq: number;
  /** PHOTO_IMPORT_HOSTS as it was (sorted): another set means every listing is looked at again. */
  hosts: string;
}

/**
 * The photo importer's own record, beside the photos (photos.db in DATA_DIR, or
 * PostgreSQL): which listings still name photos to fetch (a queue with a due time each),
 * what each external URL became, and how far the change log has been read. It is what
 * lets a node that takes the importer over — after a crash, mid-way — go on where the
 * last one stopped: nothing fetched twice, nothing forgotten.
 */
export interface PhotoImportStore {
  cursor(): Promise<ImportCursor | null>;
  /**
   * Queues listings due at `dueAt` (one already queued keeps the sooner time) and, when
   * given, moves the cursor, in one transaction: the cursor never passes a listing that
   * is not queued.
   */
  enqueue(listingIds: string[], dueAt: number, cursor?: ImportCursor): Promise<void>;
  /** Listings due by `now`, soonest first, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>;
  /** Looked at again at `dueAt` (a photo of it waits for a retry). */
  reschedule(listingId: string, dueAt: number): Promise<void>;
  /** Nothing left to fetch for it. */
  done(listingId: string): Promise<void>;
  /** Listings waiting (for /metrics). */
  queued(): Promise<number>;
  /** What is known of these URLs; those never tried are absent. */
  sources(urls: string[]): Promise<Map<string, PhotoSource>>;
  /** Records a URL's outcome: fetched (a hash), or a failure (counted, with when to retry, or dead). */
  record(source: PhotoSource): Promise<void>;
  close(): Promise<void>;
}
