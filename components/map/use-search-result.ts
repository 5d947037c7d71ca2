'use client';

import { useEffect, useState } from 'react';
import type { ApiClient, SearchResponse } from './search-client';

/**
 * Wait this long after the map stops before asking, so a burst of moves (keys held down)
 * makes one request. Part of the 200 ms budget from a move to new bubbles; cached views
 * skip it.
 */
const SEARCH_DEBOUNCE_MS = 60;

export type SearchStatus = 'loading' | 'idle' | 'error';

/**
 * The answer to the map's search: asked when the path changes (debounced, the request in
 * flight aborted, answers cached) or when `reload` is bumped (a retry, a live change).
 */
export function useSearchResult(api: ApiClient, searchPath: string | null, reload: number) {
  const [result, setResult] = useState<SearchResponse | null>(null);
  const [status, setStatus] = useState<SearchStatus>('loading');
  useEffect(() => {
    if (!searchPath) return;
    const ctrl = new AbortController();
    setStatus('loading');
    const delay = api.has(searchPath) ? 0 : SEARCH_DEBOUNCE_MS;
    const timer = setTimeout(() => {
      api
        .get<SearchResponse>(searchPath, ctrl.signal)
        .then((r) => {
          setResult(r);
          setStatus('idle');
        })
        .catch(() => {
          if (!ctrl.signal.aborted) setStatus('error');
        });
    }, delay);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [api, searchPath, reload]);
  return { result, setResult, status };
}
