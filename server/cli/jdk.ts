import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';


/** The Java each local server needs: the OpenSearch 3 runner 21 (this machine's default `java` is 17), RocketMQ 5 17. */
export const JAVA_FOR = { opensearch: 21, rocketmq: 17 } as const;

function javaMajor(java: string): number | null {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const m = `${r.stderr}${r.stdout}`.match(/version "(\d+)(?:\.(\d+))?/);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

/** JAVA_HOME's java when it is `min` or newer, else the newest such JDK under /usr/lib/jvm. */
export function findJava(min: number): string | null {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  const jvm = '/usr/lib/jvm';
  if (fs.existsSync(jvm)) for (const d of fs.readdirSync(jvm)) candidates.push(path.join(jvm, d, 'bin', 'java'));
  let best: { java: string; major: number } | null = null;
  for (const java of candidates) {
    if (!fs.existsSync(java)) continue;
    const major = javaMajor(java);
    if (major !== null && major >= min && (!best || major > best.major)) best = { java, major };
  }
  return best?.java ?? null;
}

export function hasMaven(): boolean {
  return !spawnSync('mvn', ['-v'], { encoding: 'utf8' }).error;
}
