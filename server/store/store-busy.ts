import { hasErrorCode } from '../core/error-code';

/**
 * Whether a store refused work because another writer held it past the wait we allow
 * (SQLite's busy timeout: several nodes on one DATA_DIR on an overloaded machine). Nothing
 * was written; the client may retry — a 503 with Retry-After, not an "internal error".
 */
export function isStoreBusy(err: unknown): boolean {
  return hasErrorCode(err, (code) => code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
