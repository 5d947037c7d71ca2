import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NYC_BOUNDARIES, NYC_CSV } from './helpers/shared-data';

/**
 * One folder for every store a test run makes (see tempDir), removed when the run ends:
 * the New York imports alone are hundreds of megabytes a run.
 */
export default function setup(): () => void {
  // Said once, plainly, instead of an ENOENT in every test that reads the New York data.
  for (const file of [NYC_CSV, NYC_BOUNDARIES]) {
    if (!fs.existsSync(file)) {
      throw new Error(`test data missing: ${file}. Put the shared data folder beside the checkout (../shared/data) or set ROOST_SHARED_DATA to it.`);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-test-run-'));
  process.env.ROOST_TEST_TMP = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
