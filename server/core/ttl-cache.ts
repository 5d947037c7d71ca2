/**
 * One value computed at most once per `ttlMs`, for answers that change with imports rather
 * than with every write (the market overview, the place names). A failed computation is
 * forgotten at once, so the next caller tries again instead of reading the failure.
 */
export function cachedFor<T>(ttlMs: number, compute: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) {
      const value = compute();
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = null;
      });
    }
    return cached.value;
  };
}
