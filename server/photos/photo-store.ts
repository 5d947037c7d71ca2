/** One stored size of a photo: WebP bytes, re-encoded here (no metadata). */
export interface PhotoVariant {
  width: number;
  height: number;
  bytes: Buffer;
}

/**
 * Photos in the record, by content hash and width: SQLite (photos.db in DATA_DIR) on one
 * machine, PostgreSQL (bytea) across hosts, so any node serves any photo and a backup of
 * the record holds them. Written once, never changed: a URL names its bytes for ever.
 */
export interface PhotoStore {
  /** Stores every size of a photo in one transaction (a photo is whole or absent). */
  put(hash: string, variants: PhotoVariant[]): Promise<void>;
  has(hash: string): Promise<boolean>;
  get(hash: string, width: number): Promise<PhotoVariant | null>;
  close(): Promise<void>;
}
