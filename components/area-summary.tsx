'use client';

import { useEffect, useState } from 'react';

interface Bucket {
  key: string;
  label: string;
  count: number;
  priceAvg: number;
}

/** The whole world at district level: a stand-in for the map's first view. */
const WORLD = '-180,-85,180,85';

export function AreaSummary() {
  const [state, setState] = useState<{ total: number; buckets: Bucket[] } | 'loading' | 'error'>('loading');
  useEffect(() => {
    const ctrl = new AbortController();
    fetch(`/api/search?bbox=${WORLD}&zoom=3`, { signal: ctrl.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((body: { total: number; buckets: Bucket[] }) => setState(body))
      .catch(() => !ctrl.signal.aborted && setState('error'));
    return () => ctrl.abort();
  }, []);
  if (state === 'loading') return <p className="status">Loading…</p>;
  if (state === 'error') return <p className="status">The search is not answering. Reload to try again.</p>;
  const fmt = new Intl.NumberFormat('en-US');
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  return (
    <>
      <p className="status" data-testid="total">
        {fmt.format(state.total)} homes
      </p>
      <ul className="areas">
        {state.buckets.map((b) => (
          <li className="area" key={b.key} data-testid="area">
            <strong>{b.label || 'Other areas'}</strong>
            <span>
              {fmt.format(b.count)} homes · avg {money.format(b.priceAvg)}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
