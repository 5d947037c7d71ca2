/**
 * npm run rocketmq [-- --port P --data DIR]
 *
 * A local RocketMQ 5 for development and tests, from Maven Central artifacts (see
 * rocketmq/pom.xml): a NameServer and a Proxy in local mode (the broker runs inside it),
 * every port its own, every file under one folder. Creates Roost's topic (in
 * ROCKETMQ_NAMESPACE when that is set, as the nodes will look for it), then prints
 * `ROCKETMQ_ENDPOINTS=127.0.0.1:P` (the proxy's gRPC port) alone on a line; stops cleanly
 * on SIGINT or SIGTERM and removes its data unless --data was given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inNamespace, ROCKETMQ_TOPIC, rocketMqNamespace } from '../bus/rocketmq-topic';
import { commandLine } from './command-line';
import { findJava, hasMaven, JAVA_FOR } from './jdk';
import { ensureJars } from './maven-jars';
import { updateTopic } from './rocketmq-admin';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const POM_DIR = path.join(ROOT, 'rocketmq');
const DEFAULT_PORT = 8081;
const READY_TIMEOUT_MS = 120_000;
/**
 * C1 only: in the first minutes C2's compiler threads were most of the proxy's CPU (221 of
 * 371 ticks at 10 msg/s) on a machine whose cores the nodes need; with C1 alone the proxy
 * took 0.21–0.23 of a core in bench:push against 0.30–0.32, the latency no worse.
 */
const JVM_FLAGS = ['-Xms256m', '-Xmx512m', '-XX:TieredStopAtLevel=1'];

function fail(message: string): never {
  process.stderr.write(`rocketmq: ${message}\n`);
  process.exit(1);
}

function say(line: string): void {
  process.stderr.write(`rocketmq: ${line}\n`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free port the OS hands out, whose neighbours `around` are free too (the broker uses listenPort − 2 and + 1). */
async function freePort(around: number[] = [0]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    if (port < 1100 || port > 65000) continue;
    let ok = true;
    for (const d of around) if (d !== 0 && !(await portFree(port + d))) ok = false;
    if (ok) return port;
  }
}

/** Resolves when the process prints `ready` (stdout or its log), rejects if it exits first. */
function untilPrinted(child: ChildProcess, ready: RegExp, log: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      seen = (seen + chunk.toString()).slice(-4_000);
      if (ready.test(seen)) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (c: Buffer) => fs.writeSync(log, c));
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before it was ready:\n${seen.split('\n').slice(-15).join('\n')}`)));
  });
}

async function main(): Promise<void> {
  const args = commandLine('rocketmq', 'usage: npm run rocketmq [-- --port P --data DIR]', { options: { port: { type: 'string' }, data: { type: 'string' } } }).values;
  const port = Number(args.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) fail('--port must be an integer from 1024 to 65535');
  const namespace = rocketMqNamespace.safeParse(process.env.ROCKETMQ_NAMESPACE || undefined);
  if (!namespace.success) fail(`ROCKETMQ_NAMESPACE ${namespace.error.issues[0]!.message}`);
  const topicName = inNamespace(namespace.data, ROCKETMQ_TOPIC);
  const java = findJava(JAVA_FOR.rocketmq);
  if (!java) fail(`no Java ${JAVA_FOR.rocketmq}+ found: set JAVA_HOME to a JDK ${JAVA_FOR.rocketmq} or newer, or install one under /usr/lib/jvm`);
  if (!hasMaven()) fail('Maven (mvn) not found: install it (Debian: apt-get install maven)');
  if (!(await portFree(port))) fail(`port ${port} is taken: pass --port with a free one`);
  const javaHome = path.resolve(path.dirname(java), '..');
  let lib: string;
  try {
    lib = ensureJars(POM_DIR, javaHome, say);
  } catch (err) {
    fail((err as Error).message);
  }

  const keepData = args.data !== undefined;
  const base = keepData ? path.resolve(args.data!) : fs.mkdtempSync(path.join(os.tmpdir(), 'roost-rocketmq-'));
  const conf = path.join(base, 'conf');
  fs.mkdirSync(conf, { recursive: true });
  const namesrvPort = await freePort();
  const remotingPort = await freePort();
  const brokerPort = await freePort([-2, 1]);
  const namesrv = `127.0.0.1:${namesrvPort}`;
  fs.writeFileSync(path.join(conf, 'namesrv.conf'), `listenPort=${namesrvPort}\n`);
  fs.writeFileSync(
    path.join(conf, 'broker.conf'),
    [
      'brokerClusterName=DefaultCluster',
      'brokerName=broker-a',
      'brokerId=0',
      'brokerRole=ASYNC_MASTER',
      'flushDiskType=ASYNC_FLUSH',
      'brokerIP1=127.0.0.1',
      `listenPort=${brokerPort}`,
      `namesrvAddr=${namesrv}`,
      `storePathRootDir=${path.join(base, 'store')}`,
      `storePathCommitLog=${path.join(base, 'store', 'commitlog')}`,
      'autoCreateTopicEnable=false',
      'autoCreateSubscriptionGroup=true',
      'mappedFileSizeCommitLog=67108864',
      // Cuts idle CPU from ~10 % to ~3 % of a core (BROKERS.md); the timer wheel stays on,
      // as gRPC consumers need it.
      'timerFlushIntervalMs=5000',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(conf, 'rmq-proxy.json'),
    JSON.stringify({ rocketMQClusterName: 'DefaultCluster', namesrvAddr: namesrv, proxyMode: 'local', grpcServerPort: port, remotingListenPort: remotingPort, grpcShutdownTimeSeconds: 3 }),
  );
  const env = { ...process.env, ROCKETMQ_HOME: base, JAVA_HOME: javaHome };
  const jvm = [...JVM_FLAGS, `-Duser.home=${base}`, '-cp', `${lib}/*`];
  const logFile = path.join(base, 'rocketmq.log');
  const log = fs.openSync(logFile, 'a');
  const children: ChildProcess[] = [];
  let stopping = false;

  const stopAll = (signal: NodeJS.Signals) => {
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  const cleanUp = () => {
    if (!keepData) fs.rmSync(base, { recursive: true, force: true });
  };
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}, stopping`);
    // The proxy first (it holds the broker and its store), then the NameServer.
    const [ns, proxy] = children;
    const hard = setTimeout(() => stopAll('SIGKILL'), 30_000);
    hard.unref();
    const exited = (c: ChildProcess | undefined) => new Promise<void>((r) => (!c || c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
    proxy?.kill('SIGTERM');
    void exited(proxy)
      .then(() => {
        ns?.kill('SIGTERM');
        return exited(ns);
      })
      .then(() => {
        clearTimeout(hard);
        cleanUp();
        process.exit(0);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const watch = (c: ChildProcess, what: string) =>
    c.on('exit', (code) => {
      if (stopping) return;
      stopping = true;
      stopAll('SIGKILL');
      cleanUp();
      fail(`${what} exited with code ${code} before it was stopped; see ${logFile}${keepData ? '' : ' (removed with its data)'}`);
    });

  const started = Date.now();
  const deadline = setTimeout(() => {
    stopping = true;
    stopAll('SIGKILL');
    cleanUp();
    fail(`not ready after ${READY_TIMEOUT_MS / 1000} s`);
  }, READY_TIMEOUT_MS);
  try {
    const ns = spawn(java, [...jvm, 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', path.join(conf, 'namesrv.conf')], { env, stdio: ['ignore', 'pipe', log] });
    children.push(ns);
    await untilPrinted(ns, /The Name Server boot success/, log, 'the NameServer');
    watch(ns, 'the NameServer');
    const proxy = spawn(
      java,
      [...jvm, '-XX:MaxDirectMemorySize=512m', 'org.apache.rocketmq.proxy.ProxyStartup', '-pm', 'local', '-pc', path.join(conf, 'rmq-proxy.json'), '-bc', path.join(conf, 'broker.conf'), '-n', namesrv],
      { env, stdio: ['ignore', 'pipe', log] },
    );
    children.push(proxy);
    await untilPrinted(proxy, /rocketmq-proxy startup successfully/, log, 'the proxy');
    watch(proxy, 'the proxy');
    // gRPC clients never create topics (BROKERS.md): Roost's is made here. The proxy says
    // it started before its broker has registered with the NameServer (seen on a restart
    // with --data: "make sure the specified clusterName exists"): retried.
    for (let attempt = 1; ; attempt++) {
      const refused = updateTopic(java, jvm, namesrv, topicName, env);
      if (refused === null) break;
      if (attempt === 10 || stopping) throw new Error(`creating topic ${topicName} failed:\n${refused}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } catch (err) {
    if (stopping) return;
    stopping = true;
    stopAll('SIGKILL');
    cleanUp();
    fail((err as Error).message);
  }
  clearTimeout(deadline);
  if (stopping) return;
  // Said first: whoever waits for the endpoints line has then heard which topic was made.
  say(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s (topic ${topicName}); data in ${base}; Ctrl-C stops it`);
  process.stdout.write(`ROCKETMQ_ENDPOINTS=127.0.0.1:${port}\n`);
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
