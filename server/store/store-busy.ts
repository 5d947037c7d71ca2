/**
 * Whether a store refused work because another writer held it past the wait we allow
 * (SQLite's busy timeout: several nodes on one DATA_DIR on an overloaded machine). Nothing
 * was written; the client may retry — a 503 with Retry-After, not an "internal error".
 */
export function isStoreBusy(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return true;
  }
  return false;
}
