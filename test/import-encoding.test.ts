import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEncoding, lineRanges } from '../server/import/file-encoding';
import { SkipSummary } from '../server/import/skip-summary';
import { getJson, runImport, startApi, tempDir } from './helpers/roost';

const HEADER = 'id,name,neighbourhood_group,neighbourhood,latitude,longitude,room_type,price';

/** Windows-1252 bytes of a text, written out by hand: é is 0xE9, Ø is 0xD8, ü is 0xFC. */
function cp1252(text: string): Buffer {
  const table: Record<string, number> = { é: 0xe9, Ø: 0xd8, ü: 0xfc, ø: 0xf8 };
  return Buffer.from([...text].map((c) => table[c] ?? c.charCodeAt(0)));
}

describe('import: file encodings and the summary of skipped rows', () => {
  it('a Windows-1252 file is detected, said once, and its accents read right', async () => {
    const dir = tempDir('latin1');
    const file = path.join(dir, 'latin1.csv');
    const rows = [HEADER, '1,Café by the lakes,,Østerbro,55.70,12.57,Entire home/apt,900', '2,Grüne Wohnung,,Nørrebro,55.69,12.55,Private room,400', '3,Søvej flat,,Østerbro,55.71,12.58,Private room,450'];
    fs.writeFileSync(file, cp1252(rows.join('\n')));
    expect(await detectEncoding(file)).toEqual({ encoding: 'windows-1252', invalidBytes: 0, invalidLines: [] });
    const result = await runImport(dir, [file, '--currency', 'DKK']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('is not UTF-8; read as windows-1252');
    const api = await startApi(dir);
    try {
      expect((await getJson(`${api.url}/api/listings/1`)).body).toMatchObject({ title: 'Café by the lakes', neighbourhood: 'Østerbro', district: 'Østerbro', currency: 'DKK', pricePer: 'night' });
      expect((await getJson(`${api.url}/api/listings/2`)).body).toMatchObject({ title: 'Grüne Wohnung' });
    } finally {
      await api.close();
    }
  });

  it('UTF-8 with a stray byte stays UTF-8; the bad byte is counted with its line', async () => {
    const dir = tempDir('utf8');
    const file = path.join(dir, 'utf8.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${HEADER}\n1,Café `), Buffer.from([0xff]), Buffer.from(' 静安,,X,55.7,12.5,Private room,1\n')]));
    expect(await detectEncoding(file)).toEqual({ encoding: 'utf-8', invalidBytes: 1, invalidLines: [2] });
  });

  it('bad bytes are found on their lines across chunk boundaries, each line told once', async () => {
    const dir = tempDir('utf8-lines');
    const file = path.join(dir, 'lines.csv');
    // Lines of 100 bytes: 25,000 of them make 2.5 MB, three chunks of the reader.
    const parts: Buffer[] = [];
    const bad = new Set([3, 10_486, 10_487, 24_999]);
    for (let line = 1; line <= 25_000; line++) {
      // One valid accent keeps it a UTF-8 file with a few bad bytes, not a Windows-1252 one.
      const text = Buffer.from(`${line},${line === 1 ? 'é' : ''}`.padEnd(99, 'x'));
      parts.push(bad.has(line) ? Buffer.concat([text.subarray(0, 97), Buffer.from([0xc3, 0x28])]) : text, Buffer.from('\n'));
    }
    fs.writeFileSync(file, Buffer.concat(parts));
    const report = await detectEncoding(file);
    expect(report).toEqual({ encoding: 'utf-8', invalidBytes: 4, invalidLines: [3, 10_486, 10_487, 24_999] });
    expect(lineRanges(report.invalidLines)).toBe('3, 10486–10487, 24999');
  });

  it('a character cut by a chunk boundary is not a bad byte', async () => {
    const dir = tempDir('boundary');
    const file = path.join(dir, 'big.csv');
    // 静 is three bytes; the 1 MiB chunk boundary falls inside one of them somewhere.
    fs.writeFileSync(file, `${HEADER}\n${'静安'.repeat(400_000)}\n`);
    expect(await detectEncoding(file)).toEqual({ encoding: 'utf-8', invalidBytes: 0, invalidLines: [] });
  });

  it('skipped rows are summed up by kind of reason, most first, with their first lines', () => {
    const s = new SkipSummary();
    s.add(3, 'id "a b" is not a valid id');
    s.add(9, 'price -5 is negative');
    s.add(4, 'id "c d" is not a valid id');
    expect(s.lines()).toEqual(['skipped 2 × id … is not a valid id (lines 3, 4)', 'skipped 1 × price N is negative (line 9)']);
  });
});
