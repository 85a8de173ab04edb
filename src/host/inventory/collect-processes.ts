import { readFile } from 'node:fs/promises';
import { readProcessSnapshot } from '../procfs/read-snapshot.js';
import { parseProcStat } from '../procfs/parse-proc.js';
import type { HostFs } from './fs-read.js';
import type { ExeHashCache } from './exe-hash.js';
import type { ListeningPort, ProcessItem } from './inventory-types.js';
import { listeningPorts } from './ports.js';

/** USER_HZ: the unit of /proc/<pid>/stat start times; 100 on every mainstream Linux ABI. */
const CLOCK_TICKS_PER_SEC = 100;

export interface ProcessCollectOptions {
  procRoot: string;
  maxProcesses: number;
  maxCmdlineChars: number;
  hashCache: ExeHashCache;
  /** Bytes of executables hashed per pass (cache hits are free). */
  hashBudgetBytes: number;
}

async function procText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export function parseBootTime(procStat: string): number | null {
  const m = /^btime\s+(\d+)/m.exec(procStat);
  return m ? Number(m[1]) * 1000 : null;
}

export async function collectProcessesAndPorts(fs: HostFs, users: Map<number, string>, opts: ProcessCollectOptions): Promise<{ processes: ProcessItem[]; ports: ListeningPort[] }> {
  const snap = readProcessSnapshot({ procRoot: opts.procRoot, maxProcesses: opts.maxProcesses, maxCmdlineBytes: opts.maxCmdlineChars });
  if (snap.stats.truncated) fs.warn(`processes: more than ${opts.maxProcesses}, list truncated`);
  const bootText = await procText(`${opts.procRoot}/stat`);
  const boot = bootText === null ? null : parseBootTime(bootText);
  if (boot === null) fs.warn('processes: boot time unknown (/proc/stat), start times are relative');
  const budget = { remainingBytes: opts.hashBudgetBytes };
  let unhashed = 0;
  const processes: ProcessItem[] = [];
  for (const p of snap.processes) {
    // parseProcStat again for the state letter: the shared snapshot type does not carry it.
    const statText = await procText(`${opts.procRoot}/${p.pid}/stat`);
    const state = statText === null ? '' : (parseProcStat(statText)?.state ?? '');
    const sha256 = p.exe ? await opts.hashCache.hash(`${opts.procRoot}/${p.pid}/exe`, budget) : undefined;
    if (p.exe && sha256 === undefined) unhashed++;
    processes.push({
      pid: p.pid,
      ppid: p.ppid,
      uid: p.uid,
      user: users.get(p.uid) ?? String(p.uid),
      name: p.comm,
      ...(p.exe ? { exe: p.exe } : {}),
      ...(sha256 ? { sha256 } : {}),
      cmdline: p.cmdline.join(' ').slice(0, opts.maxCmdlineChars),
      startTime: (boot ?? 0) + Math.round((p.startTime * 1000) / CLOCK_TICKS_PER_SEC),
      state,
    });
  }
  if (unhashed > 0) fs.warn(`processes: ${unhashed} executables not hashed (unreadable, too large or over the pass budget)`);
  return { processes, ports: listeningPorts(snap.processes, snap.inetSockets) };
}
