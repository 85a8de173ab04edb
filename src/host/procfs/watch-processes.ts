import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { parseCmdline, parseProcStat } from './parse-proc.js';
import { listPids } from './read-snapshot.js';

/** A process seen for the first time by polling: the nearest thing to an exec event without netlink. */
export interface ProcessStartEvent {
  pid: number;
  ppid: number;
  comm: string;
  argv: string[];
  /** Clock ticks since boot; with pid it identifies the process across pid reuse. */
  startTime: number;
}

export interface WatchProcessesOptions {
  intervalMs?: number;
  procRoot?: string;
  /** Also yield the processes present at the first scan (default false). */
  includeExisting?: boolean;
  signal?: AbortSignal;
  /** Cap on new processes reported per scan (default 4096); the rest are seen next scan or missed. */
  maxPerScan?: number;
}

function readStart(procRoot: string, pid: number): ProcessStartEvent | null {
  try {
    const stat = parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
    if (!stat) return null;
    const argv = parseCmdline(readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8').slice(0, 65536));
    return { pid, ppid: stat.ppid, comm: stat.comm, argv, startTime: stat.startTime };
  } catch {
    return null;
  }
}

/**
 * Poll /proc for new processes and yield one event per process start. Processes that live shorter
 * than the interval are missed, and a process that execs after it was seen is not reported again;
 * a netlink process-connector reader (native addon) would close both gaps.
 */
export async function* watchProcesses(options: WatchProcessesOptions = {}): AsyncGenerator<ProcessStartEvent> {
  const procRoot = options.procRoot ?? '/proc';
  const intervalMs = options.intervalMs ?? 500;
  const maxPerScan = options.maxPerScan ?? 4096;
  let known = new Map<number, number>();
  let first = true;
  while (!options.signal?.aborted) {
    const next = new Map<number, number>();
    const fresh: ProcessStartEvent[] = [];
    for (const pid of listPids(procRoot)) {
      const prevStart = known.get(pid);
      if (prevStart !== undefined) {
        next.set(pid, prevStart);
        continue;
      }
      if (fresh.length >= maxPerScan) continue;
      const ev = readStart(procRoot, pid);
      if (!ev) continue;
      next.set(pid, ev.startTime);
      if (!first || options.includeExisting) fresh.push(ev);
    }
    known = next;
    first = false;
    for (const ev of fresh) {
      if (options.signal?.aborted) return;
      yield ev;
    }
    try {
      await delay(intervalMs, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      return;
    }
  }
}
