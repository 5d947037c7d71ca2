import { Worker } from 'node:worker_threads';

/**
 * The module `name` beside the calling one (`here`: its import.meta.url): `.ts` when run
 * from source, `.js` in the built bundle, where each worker is an entry of its own in the
 * same folder as the chunks (server/cli/build.mjs).
 */
export function siblingModule(name: string, here: string): URL {
  return new URL(`./${name}${here.endsWith('.ts') ? '.ts' : '.js'}`, here);
}

/**
 * A worker on a module of ours. Run from TypeScript (tsx, vitest), the thread must register
 * tsx's loader itself: Node 20's module hooks are per thread and execArgv does not bring
 * them. From the built bundle the module is plain JavaScript.
 */
export function startWorker(module: URL, workerData: unknown): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
