import fs from 'node:fs';
import { demoCity } from '../server/demo/demo-city';

/**
 * Writes the demo city at `n` listings as ndjson for `npm run import`; returns up to 20,000
 * listing positions to centre benchmark views on (renters look where homes are).
 */
export function writeDemoFile(n: number, file: string): { lat: number; lon: number }[] {
  const out = fs.openSync(file, 'w');
  let buf: string[] = [];
  const centres: { lat: number; lon: number }[] = [];
  for (const r of demoCity(n)) {
    const { updatedAt: _u, ...rest } = r;
    buf.push(JSON.stringify({ ...rest, listedAt: new Date(r.listedAt).toISOString() }));
    if (centres.length < 20_000) centres.push({ lat: r.lat, lon: r.lon });
    if (buf.length === 10_000) {
      fs.writeSync(out, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(out, `${buf.join('\n')}\n`);
  fs.closeSync(out);
  return centres;
}
