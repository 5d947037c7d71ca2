'use client';

import { useEffect, useState } from 'react';
import type { Listing } from '@/server/core/listing';
import type { ApiClient, ListResponse } from './search-client';

/** The list follows after the bubbles: it is read, not glanced at, and must not slow them. */
const LIST_DEBOUNCE_MS = 200;

export interface ListState {
  /** The query the pages answer; a list of another key is stale. */
  key: string;
  total: number | null;
  listings: Listing[];
  cursor: string | null;
}

/** The list beside the map: the first page of `listKey` (`/api/listings?…`), then more on demand. */
export function useListPage(api: ApiClient, listKey: string | null, reload: number) {
  const [list, setList] = useState<ListState>({ key: '', total: null, listings: [], cursor: null });
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!listKey) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api
        .get<ListResponse>(`/api/listings?${listKey}`, ctrl.signal)
        .then((r) => setList({ key: listKey, total: r.total, listings: r.listings, cursor: r.nextCursor }))
        .catch(() => undefined);
    }, LIST_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [api, listKey, reload]);

  const loadMore = () => {
    if (!list.cursor || loading) return;
    setLoading(true);
    api
      .get<ListResponse>(`/api/listings?${list.key}&cursor=${list.cursor}`)
      .then((r) => setList((cur) => (cur.key === list.key ? { ...cur, listings: [...cur.listings, ...r.listings], cursor: r.nextCursor } : cur)))
      .catch(() => undefined)
      .finally(() => setLoading(false));
  };
  /** The list of this key, or nothing while the key's first page is on its way. */
  const current = list.key === listKey;
  return { list, current, loading, loadMore };
}
