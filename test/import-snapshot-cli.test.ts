/**
 * `npm run import` into an empty DATA_DIR leaves the index it built on the way as the
 * snapshot the next start reads; into a store that has the listings it updates them and
 * leaves none (the snapshot would not be what the store holds).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_FILE } from '../server/engine/embedded/index-snapshot';
import { SNAPSHOT_MIN_LISTINGS } from '../server/engine/embedded/start-index';
import { writeDemoFile } from '../bench/demo-file';
import { runImport, tempDir } from './helpers/roost';

describe('npm run import and the index snapshot', () => {
  it('writes the snapshot into an empty store, and updates without one into a full store', async () => {
    const dir = tempDir('import-snapshot-cli');
    const file = path.join(dir, 'listings.ndjson');
    writeDemoFile(SNAPSHOT_MIN_LISTINGS, file);
    const dataDir = path.join(dir, 'data');

    const first = await runImport(dataDir, [file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n').at(-1)).toBe(`imported ${SNAPSHOT_MIN_LISTINGS}, updated 0, skipped 0`);
    expect(first.stderr).toContain('index snapshot written for the next start');
    const written = fs.statSync(path.join(dataDir, SNAPSHOT_FILE)).mtimeMs;

    const again = await runImport(dataDir, [file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe(`imported 0, updated ${SNAPSHOT_MIN_LISTINGS}, skipped 0`);
    expect(again.stderr).not.toContain('index snapshot written');
    expect(fs.statSync(path.join(dataDir, SNAPSHOT_FILE)).mtimeMs).toBe(written);
  }, 300_000);
});
