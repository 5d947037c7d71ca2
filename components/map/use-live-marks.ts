'use client';

import { useCallback, useState } from 'react';
import type { LiveMark } from './leaflet-map';

/** Pins marked by a live change (new, re-priced, changed, leaving), each for a while. */
export function useLiveMarks() {
  const [marks, setMarks] = useState<ReadonlyMap<string, LiveMark>>(new Map());
  const mark = useCallback((id: string, kind: LiveMark, ms: number) => {
    setMarks((m) => new Map(m).set(id, kind));
    setTimeout(
      () =>
        setMarks((m) => {
          if (m.get(id) !== kind) return m;
          const next = new Map(m);
          next.delete(id);
          return next;
        }),
      ms,
    );
  }, []);
  return { marks, mark };
}
