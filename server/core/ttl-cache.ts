/**
 * One value recomputed at most once per `ttlMs`, for answers that change with imports
 * rather than with every write (the market overview, the place names). Only the first
 * caller waits for it: after that an expired value still serves while its successor is
 * computed, so no renter's page waits for a refresh (a world-wide aggregation at 1,000,000
 * listings). A failed computation is forgotten at once; the next caller tries again.
 */
export function cachedFor<T>(ttlMs: number, compute: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let current: Promise<T> | null = null;
  let at = 0;
  let refreshing = false;
  return () => {
    if (!current) {
      const value = compute();
      current = value;
      at = now();
      value.catch(() => {
        if (current === value) current = null;
      });
    } else if (now() - at > ttlMs && !refreshing) {
      refreshing = true;
      compute()
        .then((v) => {
          current = Promise.resolve(v);
          at = now();
        })
        .catch(() => undefined)
        .finally(() => {
          refreshing = false;
        });
    }
    return current;
  };
}
