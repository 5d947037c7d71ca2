import fs from 'node:fs';
import path from 'node:path';

/**
 * The checkout's folder (the one holding package.json), found by walking up from this
 * module: the same whether the server runs from its sources (tsx) or from the bundle
 * `npm run build` writes to dist/.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(import.meta.dirname);
