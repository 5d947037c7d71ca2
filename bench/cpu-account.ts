import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks a second in /proc (USER_HZ); 100 on every Linux this runs on. */
const HZ = 100;

function machineTicks(): { busy: number; steal: number; total: number } {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  // idle and iowait: no one used the core; steal: the hypervisor gave it to another guest.
  return { busy: total - cpu[3]! - cpu[4]! - cpu[7]!, steal: cpu[7]!, total };
}

function statFields(pid: number | string): string[] | null {
  try {
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}

function processTicks(pid: number): number {
  const rest = statFields(pid);
  return rest ? Number(rest[11]) + Number(rest[12]) : 0;
}

/** A process's CPU ticks and all its descendants' (PostgreSQL's server and its backends). */
function treeTicks(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(entry)?.[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid);
    if (list) list.push(Number(entry));
    else children.set(ppid, [Number(entry)]);
  }
  let ticks = 0;
  for (const stack = [root]; stack.length > 0; ) {
    const pid = stack.pop()!;
    ticks += processTicks(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/**
 * Time the process's main thread (for Node, the JavaScript thread) spent runnable but
 * waiting for a core, in seconds: the second field of /proc/<pid>/schedstat.
 */
function queuedSeconds(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return 0;
  }
}

/**
 * Who used the machine's cores over a stretch of a benchmark: each named process of the
 * run, and everything else on the machine. On a shared two-core machine a tail latency
 * means little without it: the same code measured p99 17 ms quiet and 299 ms beside an
 * apt install.
 */
/** A process to account: a pid, or a process with all its descendants (`{ tree: pid }`). */
export type Accounted = number | { tree: number };

const ticksOf = (p: Accounted) => (typeof p === 'number' ? processTicks(p) : treeTicks(p.tree));
/** A tree's processes wait for a core one by one, not as one thread: only single processes have a queue figure. */
const singles = (pids: Map<string, Accounted>) => [...pids].filter((e): e is [string, number] => typeof e[1] === 'number');

export class CpuAccount {
  private constructor(
    private readonly pids: Map<string, Accounted>,
    private readonly machine0: { busy: number; steal: number; total: number },
    private readonly own0: Map<string, number>,
    private readonly queued0: Map<string, number>,
    private readonly t0: number,
  ) {}

  /** `pids`: a name for each process to account. */
  static start(pids: Record<string, Accounted>): CpuAccount {
    const map = new Map(Object.entries(pids));
    const ticks = new Map([...map].map(([k, p]) => [k, ticksOf(p)]));
    const queued = new Map(singles(map).map(([k, pid]) => [k, queuedSeconds(pid)]));
    return new CpuAccount(map, machineTicks(), ticks, queued, performance.now());
  }

  /** Cores used on average since start: by each named process, by the rest, in all. */
  stop(): { cores: number; byProcess: [string, number][]; queued: [string, number][]; others: number; busy: number; steal: number; seconds: number } {
    const seconds = (performance.now() - this.t0) / 1000;
    const m = machineTicks();
    const cores = os.cpus().length;
    const span = m.total - this.machine0.total;
    const busy = ((m.busy - this.machine0.busy) / span) * cores;
    const steal = ((m.steal - this.machine0.steal) / span) * cores;
    const byProcess = [...this.pids].map(([k, p]) => [k, (ticksOf(p) - this.own0.get(k)!) / HZ / seconds] as [string, number]);
    const queued = singles(this.pids).map(([k, pid]) => [k, (queuedSeconds(pid) - this.queued0.get(k)!) / seconds] as [string, number]);
    const own = byProcess.reduce((a, [, c]) => a + c, 0);
    return { cores, byProcess, queued, others: Math.max(0, busy - own), busy, steal, seconds };
  }

  /**
   * One line for a report: "cores busy 1.62 of 2: node 1 0.41, …, other processes 0.03;
   * taken by the hypervisor 0.05" (steal: time this virtual machine was ready to run and
   * was not given a core, which no process of ours can see).
   */
  static describe(r: ReturnType<CpuAccount['stop']>): string {
    const parts = r.byProcess.map(([k, c]) => `${k} ${c.toFixed(2)}`);
    return `cores busy ${r.busy.toFixed(2)} of ${r.cores}: ${parts.join(', ')}, other processes ${r.others.toFixed(2)}; taken by the hypervisor ${r.steal.toFixed(2)}`;
  }

  /**
   * One line for a report: the share of the stretch each process's main thread was ready
   * to run and waiting for a core ("node 1 0.04, …"): on two shared cores, latency that
   * no profile of the process itself shows.
   */
  static describeQueued(r: ReturnType<CpuAccount['stop']>): string {
    return `waiting for a core: ${r.queued.map(([k, q]) => `${k} ${q.toFixed(3)}`).join(', ')}`;
  }
}
