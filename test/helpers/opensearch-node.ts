import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { findJava, hasMaven, JAVA_FOR } from '../../server/cli/jdk';
import { ROOT } from './roost';

/** Why a real OpenSearch node cannot run here, or null when it can. */
export function openSearchMissing(): string | null {
  return !findJava(JAVA_FOR.opensearch) ? 'no Java 21+ (JAVA_HOME or /usr/lib/jvm)' : !hasMaven() ? 'no Maven (mvn)' : null;
}

export interface OpenSearchNode {
  url: string;
  /** The data folder the command printed (removed on stop). */
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `npm run opensearch` as a user would and waits for its URL line. */
export async function startOpenSearchNode(port: number): Promise<OpenSearchNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli', 'opensearch.ts'), '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  const [url, dataDir] = await new Promise<[string, string]>((resolve, reject) => {
    const check = () => {
      const u = out.match(/^OPENSEARCH_URL=(\S+)$/m);
      const d = err.match(/data in ([^;]+);/);
      if (u && d) resolve([u[1]!, d[1]!]);
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      check();
    });
    child.on('exit', (code) => reject(new Error(`opensearch exited ${code}: ${err}`)));
  });
  return {
    url,
    dataDir,
    child,
    // SIGTERM, not SIGKILL: the command must stop its JVM, or the node outlives the test.
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    },
  };
}
