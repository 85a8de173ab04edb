import { existsSync, mkdirSync, readFileSync, rmdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Agent resource budget (SPEC ). Two layers:
 * 1. a hard cap by the kernel when we can get one — systemd's unit (CPUQuota=/MemoryMax=, see
 *    install.ts) or, without systemd, a cgroup of our own: v2 `cpu.max`/`memory.max`, or on hybrid
 *    hosts whose v2 tree has no cpu/memory controllers, the v1 `cpu`/`memory` hierarchies;
 * 2. always, a self-watch that samples RSS and CPU time and sheds work (scheduled scans pause) while
 *    over budget, reporting each episode to the server as an alert. Exceeding is never fatal.
 */
export interface BudgetLimits {
  /** Percent of one core. */
  cpuPercent: number;
  memoryMb: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { cpuPercent: 20, memoryMb: 256 };
export const CGROUP_NAME = 'vigil-agent';
const CGROUP2_MAGIC = 0x63677270;
const PERIOD_US = 100_000;

export interface CgroupResult {
  mode: 'cgroup2' | 'cgroup1' | 'none';
  /** Directories created / joined. */
  paths: string[];
  reason: string;
}

function read(p: string): string {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}

function isCgroup2(dir: string): boolean {
  try {
    return statfsSync(dir).type === CGROUP2_MAGIC;
  } catch {
    return false;
  }
}

/** The v2 mount that offers the cpu and memory controllers: /sys/fs/cgroup (unified) or …/unified (hybrid). */
function cgroup2Root(root: string): string | null {
  for (const dir of [root, join(root, 'unified')]) {
    if (!isCgroup2(dir)) continue;
    const ctrls = read(join(dir, 'cgroup.controllers')).split(/\s+/);
    if (ctrls.includes('cpu') && ctrls.includes('memory')) return dir;
  }
  return null;
}

/**
 * The v1 hierarchy of a controller, nested under the cgroup `pid` is in now (so limits a container or
 * session already has keep applying): /sys/fs/cgroup/<controller>/<current path>.
 */
function v1Dir(root: string, controller: 'cpu' | 'memory', pid: number, name: string): string | null {
  const base = join(root, controller);
  if (!existsSync(join(base, 'cgroup.procs')) || isCgroup2(base)) return null;
  const line = read(`/proc/${pid}/cgroup`).split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller));
  const current = line?.split(':').slice(2).join(':') ?? '/';
  // Already in our own cgroup (a restart): nest beside it, not inside it.
  const parent = current.endsWith(`/${name}`) ? current.slice(0, -name.length - 1) : current;
  const dir = join(base, parent);
  return existsSync(join(dir, 'cgroup.procs')) ? dir : base;
}

/**
 * Puts `pid` into a capped cgroup named `name` (default `vigil-agent`). Anything that fails (read-only
 * /sys, no controllers, no permission) yields mode `none` with the reason; nothing is thrown.
 */
export function applyCgroupBudget(pid: number, limits: BudgetLimits, opts: { root?: string; name?: string } = {}): CgroupResult {
  const root = opts.root ?? '/sys/fs/cgroup';
  const name = opts.name ?? CGROUP_NAME;
  const quotaUs = Math.max(1_000, Math.round((limits.cpuPercent / 100) * PERIOD_US));
  const memBytes = Math.round(limits.memoryMb * 1024 * 1024);
  const v2 = cgroup2Root(root);
  try {
    if (v2) {
      const sub = read(join(v2, 'cgroup.subtree_control')).split(/\s+/);
      const missing = ['cpu', 'memory'].filter((c) => !sub.includes(c));
      if (missing.length) writeFileSync(join(v2, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
      const dir = join(v2, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
      writeFileSync(join(dir, 'memory.max'), String(memBytes));
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      return { mode: 'cgroup2', paths: [dir], reason: `cpu.max ${quotaUs} ${PERIOD_US}, memory.max ${memBytes}` };
    }
    const cpu = v1Dir(root, 'cpu', pid, name);
    const mem = v1Dir(root, 'memory', pid, name);
    if (!cpu || !mem) return { mode: 'none', paths: [], reason: `no writable cgroup with cpu and memory controllers under ${root}` };
    const cpuDir = join(cpu, name);
    const memDir = join(mem, name);
    mkdirSync(cpuDir, { recursive: true });
    mkdirSync(memDir, { recursive: true });
    writeFileSync(join(cpuDir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(cpuDir, 'cpu.cfs_quota_us'), String(quotaUs));
    writeFileSync(join(memDir, 'memory.limit_in_bytes'), String(memBytes));
    writeFileSync(join(cpuDir, 'cgroup.procs'), String(pid));
    writeFileSync(join(memDir, 'cgroup.procs'), String(pid));
    return { mode: 'cgroup1', paths: [cpuDir, memDir], reason: `cpu.cfs_quota_us ${quotaUs}/${PERIOD_US}, memory.limit_in_bytes ${memBytes}` };
  } catch (err) {
    return { mode: 'none', paths: [], reason: `cgroup not writable: ${(err as Error).message}` };
  }
}

/** Moves `pid` back to the root cgroup(s) and removes ours (uninstall, tests). Errors are ignored. */
export function releaseCgroup(pid: number, result: CgroupResult, root = '/sys/fs/cgroup'): void {
  for (const dir of result.paths) {
    const parent = join(dir, '..');
    try {
      if (parent.startsWith(root) && existsSync(join(parent, 'cgroup.procs'))) writeFileSync(join(parent, 'cgroup.procs'), String(pid));
    } catch {
      // the process may be gone
    }
    try {
      rmdirSync(dir);
    } catch {
      // still has members, or already gone
    }
  }
}

/** True when this process runs under systemd (its unit already caps CPU and memory). */
export function underSystemd(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.INVOCATION_ID) || read('/proc/self/cgroup').includes('vigil-agent.service');
}

// ---- self-watch -------------------------------------------------------------------------------

let shedding = false;
/** Features check this before scheduled (not on-demand) work: true while the agent is over budget. */
export function isShedding(): boolean {
  return shedding;
}

export interface BudgetSample {
  rssBytes: number;
  /** Percent of one core over the last interval. */
  cpuPercent: number;
}

export interface BudgetWatchOptions {
  limits: BudgetLimits;
  intervalMs?: number;
  /** Consecutive samples under budget before work resumes. */
  recoverAfter?: number;
  sample?: () => BudgetSample;
  /** Reports an episode (over, then recovered) — the runtime turns it into an alert event. */
  report: (state: 'over' | 'recovered', s: BudgetSample, limits: BudgetLimits) => void;
}

export function processSampler(): () => BudgetSample {
  let lastCpu = process.cpuUsage();
  let lastAt = process.hrtime.bigint();
  return () => {
    const cpu = process.cpuUsage();
    const now = process.hrtime.bigint();
    const usedUs = cpu.user - lastCpu.user + (cpu.system - lastCpu.system);
    const wallUs = Number(now - lastAt) / 1000;
    lastCpu = cpu;
    lastAt = now;
    return { rssBytes: process.memoryUsage.rss(), cpuPercent: wallUs > 0 ? (usedUs / wallUs) * 100 : 0 };
  };
}

export function startBudgetWatch(o: BudgetWatchOptions): { stop(): void; tick(): void } {
  const sample = o.sample ?? processSampler();
  const recoverAfter = o.recoverAfter ?? 3;
  let under = 0;
  const tick = () => {
    const s = sample();
    const over = s.rssBytes > o.limits.memoryMb * 1024 * 1024 || s.cpuPercent > o.limits.cpuPercent;
    if (over) {
      under = 0;
      if (!shedding) {
        shedding = true;
        o.report('over', s, o.limits);
      }
    } else if (shedding && ++under >= recoverAfter) {
      shedding = false;
      o.report('recovered', s, o.limits);
    }
  };
  const timer = setInterval(tick, o.intervalMs ?? 15_000);
  timer.unref();
  return {
    tick,
    stop() {
      clearInterval(timer);
      shedding = false;
    },
  };
}

// ---- runtime wiring ---------------------------------------------------------------------------

export interface AgentBudgetOptions extends Partial<BudgetLimits> {
  /** Try a cgroup of our own when not under systemd (the daemon supervisor asks for it). */
  cgroup?: boolean;
  intervalMs?: number;
}

type Push = (kind: string, data: unknown) => void;
type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/** Alert rule the agent raises while over budget (an `alert` event: it shows in the alert center). */
export const OVER_BUDGET_RULE = 'agent.over-budget';

export function startAgentBudget(o: AgentBudgetOptions, push: Push, log: Log): { cgroup: CgroupResult; stop(): void } {
  const limits: BudgetLimits = { cpuPercent: o.cpuPercent ?? DEFAULT_BUDGET.cpuPercent, memoryMb: o.memoryMb ?? DEFAULT_BUDGET.memoryMb };
  let cgroup: CgroupResult = { mode: 'none', paths: [], reason: 'disabled' };
  if (underSystemd()) cgroup = { mode: 'none', paths: [], reason: 'under systemd: the unit caps CPU and memory' };
  else if (o.cgroup === true) cgroup = applyCgroupBudget(process.pid, limits);
  log('info', `resource budget: ${limits.cpuPercent}% CPU, ${limits.memoryMb} MB; kernel cap ${cgroup.mode} (${cgroup.reason}); self-watch on`);
  const watch = startBudgetWatch({
    limits,
    ...(o.intervalMs ? { intervalMs: o.intervalMs } : {}),
    report: (state, s) => {
      const rssMb = Math.round(s.rssBytes / 1048576);
      const cpu = Math.round(s.cpuPercent * 10) / 10;
      if (state === 'over') {
        const evidence = `RSS ${rssMb} MB (budget ${limits.memoryMb} MB), CPU ${cpu}% of one core (budget ${limits.cpuPercent}%); scheduled scans paused until back under budget`;
        log('warn', `over resource budget: ${evidence}`);
        push('alert', { ruleId: OVER_BUDGET_RULE, name: 'Vigil agent over its resource budget', level: 'remind', aggKey: 'budget', details: { pid: process.pid, comm: 'vigil-agent', evidence } });
      } else {
        log('info', `back under resource budget (RSS ${rssMb} MB, CPU ${cpu}%); scheduled scans resume`);
        push('agent.budget', { state: 'recovered', rssBytes: s.rssBytes, cpuPercent: cpu, limits });
      }
    },
  });
  return {
    cgroup,
    stop: () => {
      watch.stop();
      if (cgroup.mode !== 'none') releaseCgroup(process.pid, cgroup);
    },
  };
}
