import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(bytesRead: number): void;
  stop(): void;
}

/** How often plain progress lines are printed when stderr is not a terminal. */
const PLAIN_INTERVAL_MS = 2_000;

/**
 * A bar on a terminal; plain, timestamped-by-order lines otherwise, so CI logs stay readable.
 * Progress goes to stderr: stdout carries the skip report and the final line.
 */
export function createProgress(totalBytes: number, label: string): Progress {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} MB | {eta_formatted} left`, stream: process.stderr },
      Presets.shades_classic,
    );
    bar.start(Number(mb(totalBytes)), 0);
    return { update: (b) => bar.update(Number(mb(b))), stop: () => bar.stop() };
  }
  let last = 0;
  let lastPct = -1;
  return {
    update(b) {
      const now = Date.now();
      const pct = totalBytes > 0 ? Math.min(100, Math.round((b / totalBytes) * 100)) : 100;
      if (pct === lastPct || (now - last < PLAIN_INTERVAL_MS && pct < 100)) return;
      last = now;
      lastPct = pct;
      process.stderr.write(`${label}: ${pct}% (${mb(b)} of ${mb(totalBytes)} MB)\n`);
    },
    stop() {},
  };
}
