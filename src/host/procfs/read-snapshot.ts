import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { parseProcNetInet, parseProcNetUnix } from './parse-net.js';
import { classifyFdTarget, parseCmdline, parseProcStat, parseStatusUid, parseTtyIndex } from './parse-proc.js';
import type { FdEntry, InetProto, InetSocket, ProcessInfo, ProcessSnapshot, UnixSocket } from './snapshot-types.js';

export interface ReadSnapshotOptions {
  /** Defaults to `/proc`. */
  procRoot?: string;
  /** Cap on processes read (default 8192). */
  maxProcesses?: number;
  /** Cap on fds read per process (default 1024). */
  maxFdsPerProcess?: number;
  /** Cap on distinct network namespaces whose socket tables are read (default 64). */
  maxNetNamespaces?: number;
  /** Cap on cmdline bytes kept per process (default 64 KiB). */
  maxCmdlineBytes?: number;
  /** Defaults to `process.pid`. */
  selfPid?: number;
}

export const INET_TABLES: InetProto[] = ['tcp', 'tcp6', 'udp', 'udp6'];

export function tryRead(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function tryReadlink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** Open fds of one process, classified; null when the fd directory is unreadable. */
export function readFds(procRoot: string, pid: number, maxFds: number): { fds: FdEntry[]; skipped: number; truncated: boolean } | null {
  let names: string[];
  try {
    names = readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return null;
  }
  const numbers = names.map(Number).filter((n) => Number.isInteger(n)).sort((a, b) => a - b);
  const truncated = numbers.length > maxFds;
  const fds: FdEntry[] = [];
  let skipped = 0;
  for (const fd of numbers.slice(0, maxFds)) {
    const target = tryReadlink(`${procRoot}/${pid}/fd/${fd}`);
    if (target === null) {
      skipped++;
      continue;
    }
    const entry = classifyFdTarget(fd, target);
    if (entry.kind === 'ptmx') {
      const info = tryRead(`${procRoot}/${pid}/fdinfo/${fd}`);
      const idx = info === null ? null : parseTtyIndex(info);
      if (idx !== null) entry.ttyIndex = idx;
    } else if (entry.kind === 'file') {
      // A named FIFO shows as its path (possibly "(deleted)"); stat through the fd link gives its identity.
      try {
        const st = statSync(`${procRoot}/${pid}/fd/${fd}`);
        if (st.isFIFO()) entry.fifoId = `${st.dev}:${st.ino}`;
      } catch {
        skipped++;
      }
    }
    fds.push(entry);
  }
  return { fds, skipped, truncated };
}

function readProcess(procRoot: string, pid: number, maxFds: number, maxCmdline: number): { info: ProcessInfo; skippedFds: number } | null {
  const statText = tryRead(`${procRoot}/${pid}/stat`);
  const stat = statText === null ? null : parseProcStat(statText);
  if (!stat) return null;
  const statusText = tryRead(`${procRoot}/${pid}/status`);
  const uid = statusText === null ? null : parseStatusUid(statusText);
  const rawCmdline = tryRead(`${procRoot}/${pid}/cmdline`);
  const fdRead = readFds(procRoot, pid, maxFds);
  if (uid === null || rawCmdline === null || fdRead === null) return null;
  const exe = tryReadlink(`${procRoot}/${pid}/exe`);
  const info: ProcessInfo = {
    pid,
    ppid: stat.ppid,
    uid,
    comm: stat.comm,
    cmdline: parseCmdline(rawCmdline.slice(0, maxCmdline)),
    startTime: stat.startTime,
    fds: fdRead.fds,
    ...(exe !== null ? { exe } : {}),
    ...(fdRead.truncated ? { fdsTruncated: true } : {}),
  };
  return { info, skippedFds: fdRead.skipped };
}

/** Pids listed in /proc, ascending. */
export function listPids(procRoot = '/proc'): number[] {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/**
 * Read processes, their fds and the socket tables of every network namespace they live in.
 * Processes that vanish or deny access mid-read are counted in `stats.skippedProcesses`, never thrown.
 * Synchronous: one pass costs a few syscalls per process and fd; callers schedule it.
 */
export function readProcessSnapshot(options: ReadSnapshotOptions = {}): ProcessSnapshot {
  const procRoot = options.procRoot ?? '/proc';
  const maxProcesses = options.maxProcesses ?? 8192;
  const maxFds = options.maxFdsPerProcess ?? 1024;
  const maxNs = options.maxNetNamespaces ?? 64;
  const maxCmdline = options.maxCmdlineBytes ?? 65536;
  const order = endianness();

  const pids = listPids(procRoot);
  const processes: ProcessInfo[] = [];
  let skippedProcesses = 0;
  let skippedFds = 0;
  // Socket tables are per network namespace: read them once per namespace through a member pid.
  const netnsReader = new Map<string, number>();
  for (const pid of pids.slice(0, maxProcesses)) {
    const r = readProcess(procRoot, pid, maxFds, maxCmdline);
    if (!r) {
      skippedProcesses++;
      continue;
    }
    processes.push(r.info);
    skippedFds += r.skippedFds;
    const ns = tryReadlink(`${procRoot}/${pid}/ns/net`);
    if (ns !== null && !netnsReader.has(ns) && netnsReader.size < maxNs) netnsReader.set(ns, pid);
  }

  const inetByInode = new Map<number, InetSocket>();
  const unixByInode = new Map<number, UnixSocket>();
  const sources = netnsReader.size > 0 ? [...netnsReader.values()].map((pid) => `${procRoot}/${pid}/net`) : [`${procRoot}/net`];
  let namespacesRead = 0;
  for (const dir of sources) {
    let readAny = false;
    for (const proto of INET_TABLES) {
      const text = tryRead(`${dir}/${proto}`);
      if (text === null) continue;
      readAny = true;
      for (const s of parseProcNetInet(text, proto, order)) inetByInode.set(s.inode, s);
    }
    const unixText = tryRead(`${dir}/unix`);
    if (unixText !== null) {
      readAny = true;
      for (const s of parseProcNetUnix(unixText)) unixByInode.set(s.inode, s);
    }
    if (readAny) namespacesRead++;
  }

  return {
    selfPid: options.selfPid ?? process.pid,
    processes,
    inetSockets: [...inetByInode.values()],
    unixSockets: [...unixByInode.values()],
    stats: {
      skippedProcesses,
      skippedFds,
      truncated: pids.length > maxProcesses,
      netNamespaces: namespacesRead,
    },
  };
}
