/**
 * npm run bench:keywords [-- --listings N --queries Q]
 *
 * The embedded engine's keyword index (server/engine/embedded/text-index.ts) over N
 * listings with Chinese titles, as a Shanghai file has them (generated, deterministic):
 * how long indexing takes, the heap it holds, and how long an uncached match of each
 * query takes. The demo city's titles are English, so `npm run bench` never exercises
 * Chinese text; this does. Run it on two checkouts to compare them: it uses only
 * TextIndex.put/match and queryWords, which every version has.
 */
import { parseArgs } from 'node:util';
import { queryWords } from '../server/core/text-match';
import { seededRandom } from '../server/core/seeded-random';
import { TextIndex } from '../server/engine/embedded/text-index';
import { fmt, percentiles } from './stats';

const { values: args } = parseArgs({
  options: { listings: { type: 'string', default: '1000000' }, queries: { type: 'string', default: '200' } },
});
const N = Number(args.listings);
const Q = Number(args.queries);

const DISTRICTS = ['静安', '徐汇', '浦东', '黄浦', '长宁', '闵行', '虹口', '杨浦', '普陀', '宝山'];
const PLACES = ['静安寺', '南京西路', '徐家汇', '陆家嘴', '新天地', '中山公园', '五角场', '三林', '七宝', '外滩'];
const FEATURES = ['安静', '近地铁', '精装修', '南北通透', '带阳台', '江景', '老洋房', '学区房', '温馨', '明亮', '整租', '拎包入住', 'loft'];
const ROOMS = ['一室户', '两居室', '三居室', '两房公寓', '单间', '大床房'];

/** A title like 静安寺旁安静的两居室 近地铁 精装修. */
function title(rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const parts = [rand() < 0.5 ? `${pick(PLACES)}旁` : pick(DISTRICTS), `${pick(FEATURES)}的${pick(ROOMS)}`];
  for (let n = Math.floor(rand() * 3); n > 0; n--) parts.push(pick(FEATURES));
  return parts.join(rand() < 0.5 ? ' ' : '');
}

const QUERIES = ['静安', '安静', '静安寺', '地铁', '近地铁 两居室', '安', '精装修 江景', '南京西路 loft', '七宝 单间'];

/** The JS heap and the typed arrays' buffers (postings live in the latter). */
function heapMb(): number {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

const rand = seededRandom(30);
const titles = Array.from({ length: N }, () => title(rand));
const before = heapMb();
const index = new TextIndex();
let t = performance.now();
for (let slot = 0; slot < N; slot++) index.put(slot, titles[slot]!, undefined);
const buildMs = performance.now() - t;
const held = heapMb() - before;
console.log(`${N.toLocaleString('en-US')} Chinese titles (e.g. ${titles[0]}): indexed in ${(buildMs / 1000).toFixed(2)} s, ${index.size.toLocaleString('en-US')} distinct terms, heap and buffers held ${held.toFixed(0)} MB${globalThis.gc ? '' : ' (run with --expose-gc for a steady figure)'}`);
console.log();
console.log('| query | terms | matches | match p50 / p95 ms |');
console.log('| --- | --- | --- | --- |');
for (const q of QUERIES) {
  const wanted = queryWords(q);
  let matches = 0;
  for (let i = 0; i < 5; i++) matches = index.match(wanted).length;
  const times: number[] = [];
  for (let i = 0; i < Q; i++) {
    t = performance.now();
    index.match(wanted);
    times.push(performance.now() - t);
  }
  const p = percentiles(times);
  console.log(`| ${q} | ${wanted.join(' ')} | ${matches.toLocaleString('en-US')} | ${fmt(p.p50)} / ${fmt(p.p95)} |`);
}
