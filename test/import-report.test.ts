import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getJson, runImport, startApi, tempDir } from './helpers/roost';

const HEADER = 'id,name,neighbourhood_group,neighbourhood,latitude,longitude,room_type,price,bedrooms';

describe('npm run import reports what it skipped', () => {
  it('airbnb: skips broken rows by line with a reason, keeps the rest, updates repeated ids', async () => {
    const dir = tempDir('broken');
    // One row per line (comments give the line numbers the report must name).
    const content = [
      HEADER, // line 1
      '1,Good one,Manhattan,Chelsea,40.745,-74.0,Entire home/apt,"$1,234.00",2', // 2
      ',No id,Manhattan,Chelsea,40.745,-74.0,Private room,100,', // 3
      '3,Bad latitude,Manhattan,Chelsea,abc,-74.0,Private room,100,', // 4
      '4,Out of range,Manhattan,Chelsea,40.7,-200,Private room,100,', // 5
      '5,Negative price,Manhattan,Chelsea,40.7,-74.0,Private room,-5,', // 6
      '6,Free text price,Manhattan,Chelsea,40.7,-74.0,Private room,ask me,', // 7
      '7,"A name with a', // 8: a quoted name over two lines
      'second line",Brooklyn,Bushwick,40.69,-73.92,Shared room,45,', // 9
      '8,Castle,Brooklyn,Bushwick,40.69,-73.92,Treehouse,45,', // 10
      '9,Hotel,Manhattan,Midtown,40.75,-73.98,Hotel room,300,1', // 11
      '1,Good one renamed,Manhattan,Chelsea,40.745,-74.0,Entire home/apt,1200,2', // 12: repeats id 1
      '', // 13: blank
      '10,After a blank line,Queens,Astoria,40.76,-73.92,Private room,0,', // 14
    ].join('\n');
    const file = path.join(dir, 'broken.csv');
    // A byte that is not UTF-8 (0xff) inside the title "Hotel": replaced, not fatal.
    const [beforeBad, afterBad] = content.split('9,Hotel');
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${beforeBad}9,Hot`), Buffer.from([0xff]), Buffer.from(`el${afterBad}`)]));
    const result = await runImport(dir, [file]);
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out).toEqual([
      'skipped line 3: id is missing',
      'skipped line 4: latitude "abc" is not a number',
      'skipped line 5: longitude -200 is out of range',
      'skipped line 6: price -5 is negative',
      'skipped line 7: price "ask me" is not a number',
      'skipped line 10: room_type "Treehouse" is not known',
      'imported 4, updated 1, skipped 6',
    ]);
    const api = await startApi(dir);
    try {
      expect((await getJson(`${api.url}/api/listings/1`)).body).toMatchObject({ title: 'Good one renamed', price: 1200, bedrooms: 2 });
      expect((await getJson(`${api.url}/api/listings/7`)).body).toMatchObject({ title: 'A name with a\nsecond line', type: 'shared' });
      expect((await getJson(`${api.url}/api/listings/9`)).body).toMatchObject({ title: 'Hot\uFFFDel', type: 'private' });
      expect((await getJson(`${api.url}/api/listings/10`)).body).toMatchObject({ price: 0, district: 'Queens' });
    } finally {
      await api.close();
    }
  });

  it('ndjson: skips invalid lines by number with the field at fault', async () => {
    const dir = tempDir('ndjson');
    const ok = { id: 'a1', title: 'Loft', lat: 40.7, lon: -74, price: 2500, type: 'entire', district: 'Manhattan', neighbourhood: 'SoHo' };
    const file = path.join(dir, 'listings.ndjson');
    fs.writeFileSync(
      file,
      [
        JSON.stringify(ok),
        '{not json',
        JSON.stringify({ ...ok, id: 'a2', price: 'cheap' }),
        '',
        JSON.stringify({ ...ok, id: 'a3', type: 'castle' }),
        JSON.stringify({ ...ok, id: 'a4', lat: 91 }),
        JSON.stringify({ ...ok, id: 'a5', bedrooms: 3, listedAt: '2026-01-02T03:04:05Z' }),
      ].join('\n'),
    );
    const result = await runImport(dir, [file]);
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out.at(-1)).toBe('imported 2, updated 0, skipped 4');
    expect(out.slice(0, -1).map((l) => l.match(/^skipped line (\d+): (\w+)/)!.slice(1, 3))).toEqual([
      ['2', 'line'],
      ['3', 'price'],
      ['5', 'type'],
      ['6', 'lat'],
    ]);
  });

  it('refuses an unknown format and an unreadable file with a non-zero exit', async () => {
    const dir = tempDir('refuse');
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, `${HEADER}\n`);
    const badFormat = await runImport(dir, [file, '--format', 'xml']);
    expect(badFormat.code).not.toBe(0);
    expect(badFormat.stderr).toMatch(/unknown format "xml"/);
    const missing = await runImport(dir, [path.join(dir, 'nope.csv')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read/);
    const empty = await runImport(dir, [file]);
    expect(empty.code).toBe(0);
    expect(empty.stdout.trim()).toBe('imported 0, updated 0, skipped 0');
  });
});

describe('importing while a server uses the same store', () => {
  it('the running server serves the new listings within a second of the import', async () => {
    const dir = tempDir('live');
    const api = await startApi(dir);
    try {
      const bbox = '-74.3,40.49,-73.68,40.93';
      expect((await getJson(`${api.url}/api/search?bbox=${bbox}&zoom=10`)).body.total).toBe(0);
      const n = 20_000;
      const file = path.join(dir, 'batch.ndjson');
      const lines: string[] = [];
      for (let i = 0; i < n; i++) {
        lines.push(
          JSON.stringify({
            id: `live-${i}`,
            title: `Home ${i}`,
            lat: 40.6 + (i % 200) / 1000,
            lon: -74.0 + Math.floor(i / 200) / 1000,
            price: 1000 + (i % 50) * 10,
            type: 'entire',
            district: i % 2 ? 'Brooklyn' : 'Manhattan',
            neighbourhood: 'Somewhere',
          }),
        );
      }
      fs.writeFileSync(file, lines.join('\n'));
      // Query continuously while the import runs: the server must keep answering.
      let answered = 0;
      let importDone = false;
      const poller = (async () => {
        while (!importDone) {
          const { status } = await getJson(`${api.url}/api/search?bbox=${bbox}&zoom=10`);
          expect(status).toBe(200);
          answered++;
        }
      })();
      const result = await runImport(dir, [file]);
      const finished = Date.now();
      importDone = true;
      await poller;
      expect(result.stdout.trim()).toBe(`imported ${n}, updated 0, skipped 0`);
      expect(answered).toBeGreaterThan(0);
      let total = 0;
      while (Date.now() - finished < 1_000) {
        total = (await getJson(`${api.url}/api/search?bbox=${bbox}&zoom=10`)).body.total;
        if (total === n) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(total).toBe(n);
    } finally {
      await api.close();
    }
  });
});
