import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Copies a pom's dependency tree from Maven Central into `<pomDir>/lib` once; a stamp of
 * the pom says when to copy again. Returns the lib folder, or throws with Maven's output.
 */
export function ensureJars(pomDir: string, javaHome: string, say: (line: string) => void): string {
  const lib = path.join(pomDir, 'lib');
  const pom = fs.readFileSync(path.join(pomDir, 'pom.xml'), 'utf8');
  const stamp = path.join(lib, '.pom');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === pom) return lib;
  say('fetching from Maven Central (first run only)…');
  fs.rmSync(lib, { recursive: true, force: true });
  const r = spawnSync('mvn', ['-q', '-B', '-f', path.join(pomDir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], {
    env: { ...process.env, JAVA_HOME: javaHome },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed:\n${r.stdout}${r.stderr}`.trim());
  fs.writeFileSync(stamp, pom);
  return lib;
}
