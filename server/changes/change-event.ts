import type { ListingRecord } from '../core/listing';

/** One committed change to a listing: written with the listing itself (an outbox row). */
export interface ChangeEvent {
  /** Position in the store's change log; strictly increasing in commit order. */
  seq: number;
  listingId: string;
  op: 'upsert' | 'remove';
  before: ListingRecord | null;
  after: ListingRecord | null;
  /** Epoch ms of the commit. */
  at: number;
}

/** Fields a PATCH may change (CONTRACT.md: any subset of the Listing's fields). */
export type ListingPatch = Partial<Omit<ListingRecord, 'id' | 'listedAt' | 'updatedAt'>> & { listedAt?: number };

/** One write through the API: a whole listing, some of its fields, or its removal. */
export type ListingWrite =
  | { op: 'put'; record: ListingRecord }
  /**
   * `appendPhotos`: added after the stored photos inside the write's transaction, so two
   * uploads at once both land. `replacePhotos`: each stored photo URL that is a key becomes
   * its value (null: dropped), also inside the transaction, so a photo fetched from an
   * imported URL replaces that URL without undoing a write that came in meanwhile.
   */
  | { op: 'patch'; id: string; patch: ListingPatch; appendPhotos?: string[]; replacePhotos?: Record<string, string | null> }
  | { op: 'remove'; id: string };

export interface WriteOutcome {
  /** The change it made, or null when nothing changed (an equal record, a missing id). */
  event: ChangeEvent | null;
  /** The listing after the write; null when removed or never there. */
  listing: ListingRecord | null;
  /** False when the id was not there (PATCH and DELETE answer 404). */
  existed: boolean;
}
