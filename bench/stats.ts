/** Percentiles of a sample in milliseconds (nearest-rank). */
export function percentiles(samples: number[]): { p50: number; p95: number; p99: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: s.length };
}

export function fmt(ms: number | undefined): string {
  // An empty sample (a phase run with no writes) has no percentiles.
  if (ms === undefined || Number.isNaN(ms)) return '–';
  return ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

export async function timeEach<T>(items: T[], run: (item: T) => unknown): Promise<number[]> {
  const out: number[] = [];
  for (const item of items) {
    const t = performance.now();
    await run(item);
    out.push(performance.now() - t);
  }
  return out;
}
