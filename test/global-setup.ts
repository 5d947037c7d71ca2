import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One folder for every store a test run makes (see tempDir), removed when the run ends:
 * the New York imports alone are hundreds of megabytes a run.
 */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-test-run-'));
  process.env.ROOST_TEST_TMP = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
