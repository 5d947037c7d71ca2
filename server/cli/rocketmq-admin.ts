import { spawnSync } from 'node:child_process';

/**
 * `mqadmin updateTopic` in DefaultCluster with one queue, run from the Maven jars (`jvm`
 * carries `-cp` and `-Duser.home`). One queue: doorbells need no partitions, and each queue
 * is one more long poll per consumer group for the proxy to serve (the default 8 took it to
 * half a core with 3 nodes). Null when made, else what mqadmin printed.
 */
export function updateTopic(java: string, jvm: string[], namesrv: string, topic: string, env: NodeJS.ProcessEnv): string | null {
  const r = spawnSync(java, [...jvm, 'org.apache.rocketmq.tools.command.MQAdminStartup', 'updateTopic', '-n', namesrv, '-c', 'DefaultCluster', '-t', topic, '-r', '1', '-w', '1'], { env, encoding: 'utf8' });
  return r.status === 0 && /success/i.test(r.stdout) ? null : `${r.stdout}${r.stderr}`;
}
