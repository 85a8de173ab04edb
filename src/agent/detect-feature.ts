import { readFileSync } from 'node:fs';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { ALERT_EVENT_KIND, type AlertDetails, type AlertEventData } from '../domain/alerts/alert-types.js';
import { detectMiners, emptyIocs, parseMinerIocs, type MinerFinding, type MinerIocs } from '../engines/mining/index.js';
import { findStratumUrls, isMinerName } from '../engines/mining/iocs.js';
import { analyzeArgvCached, detectReverseShells, memoScriptAnalysis, type ReverseShellFinding } from '../engines/revshell/index.js';
import { isInterpreter, isRelayTool, isShell, isWatchedCommand, shellReadsStdin } from '../engines/revshell/process-roles.js';
import { watchExecEvents, type ExecEvent } from '../host/procfs/exec-events.js';
import { IncrementalProcReader, type SeedKind } from '../host/procfs/incremental-snapshot.js';
import { readProcessScript } from '../host/procfs/read-script.js';
import { PoolNameResolver } from '../host/dns/pool-names.js';
import type { IncrementalSnapshot, ProcessInfo, ProcessSnapshot } from '../host/procfs/snapshot-types.js';
import { MinerEvidence } from './miner-evidence.js';
import { minerPersistence, registerMinerCleanupTask } from './miner-persistence.js';
import type { EventQueue } from './event-queue.js';
import type { AgentLink } from './link.js';
import { ExecTrigger } from './exec-trigger.js';
import { readRulesFile } from './rules-dir.js';
import { registerResponseTasks } from './respond-feature.js';

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface DetectionOptions {
  link: Pick<AgentLink, 'flush'>;
  queue: Pick<EventQueue, 'push'>;
  log: Log;
  home: string;
  /** PauseClient: no detection while true. */
  isPaused: () => boolean;
  intervalMs?: number;
  /** Delay between an exec of a shell/interpreter/relay and the scan it triggers (default 150 ms). */
  execScanDelayMs?: number;
  /** Use the netlink process connector when available (default true). */
  execEvents?: boolean;
  /** A finding that persists is re-sent (the server counts it) at most this often. */
  repeatMs?: number;
  /** Root under which miner persistence is looked for (default `/`; tests use a temp tree). */
  persistenceRoot?: string;
  /** Called after every completed scan (benchmarks, tests). */
  onScan?: (snap: IncrementalSnapshot, engineMs: number) => void;
  /**
   * Resolving the indicator list's pool domains, so a connection to a pool is known by its address:
   * DNS servers (`ip[:port]`, default the system's) and refresh period; `false` turns it off.
   */
  poolDns?: { servers?: string[]; refreshMs?: number } | false;
}

const REVSHELL_NAMES: Record<ReverseShellFinding['class'], string> = {
  1: 'Reverse shell: shell stdio on a network socket',
  2: 'Reverse shell: shell relayed to a network socket',
  3: 'Reverse shell: interpreter running a shell over the network',
};

/** rules/mining/miner-iocs.txt: the repository's, or the one installed beside the agent's program. */
function loadMinerIocs(log: Log): MinerIocs {
  try {
    return parseMinerIocs(readRulesFile('mining', 'miner-iocs.txt')).iocs;
  } catch (err) {
    log('warn', 'miner indicators not loaded; miner detection uses behaviour only', { error: (err as Error).message });
    return emptyIocs();
  }
}

/** Converts a reverse-shell finding to an alert event; aggregation key = shell exe + peer. */
export function revshellAlert(f: ReverseShellFinding, snap: ProcessSnapshot): AlertEventData {
  const byPid = new Map(snap.processes.map((p) => [p.pid, p]));
  const proc = byPid.get(f.pid);
  const holder = f.holderPid !== null ? byPid.get(f.holderPid) : undefined;
  const peer = f.peer ? `${f.peer.remoteAddress}:${f.peer.remotePort}` : '-';
  const details: AlertDetails = {
    pid: f.pid,
    ...(proc ? { startTime: proc.startTime, comm: proc.comm, cmdline: proc.cmdline.slice(0, 32), uid: proc.uid } : {}),
    ...(proc?.exe ? { exe: proc.exe } : {}),
    processChain: f.processChain,
    fds: f.fds,
    peer: f.peer,
    via: f.via,
    holderPid: f.holderPid,
    holderStartTime: holder?.startTime ?? null,
    evidence: f.evidence,
    class: f.class,
  };
  return { ruleId: f.ruleId, name: REVSHELL_NAMES[f.class], level: f.level, aggKey: `${proc?.exe ?? proc?.comm ?? f.pid}|${peer}`, details };
}

export function minerAlert(f: MinerFinding, snap: ProcessSnapshot): AlertEventData {
  const proc = snap.processes.find((p) => p.pid === f.pid);
  const peer = f.peers[0];
  const details: AlertDetails = {
    pid: f.pid,
    comm: f.comm,
    cmdline: f.cmdline.slice(0, 32),
    ...(f.exe ? { exe: f.exe } : {}),
    ...(proc ? { startTime: proc.startTime, uid: proc.uid } : {}),
    processChain: proc ? [{ pid: proc.pid, comm: proc.comm, cmdline: proc.cmdline.slice(0, 32) }] : [],
    peer: peer ? { proto: 'tcp', remoteAddress: peer.remoteAddress, remotePort: peer.remotePort, localPort: peer.localPort } : null,
    ...(f.response.quarantinePath ? { file: { path: f.response.quarantinePath } } : {}),
    evidence: f.evidence,
  };
  return { ruleId: f.ruleId, name: 'Mining program', level: f.level, aggKey: f.exe ?? f.comm, details };
}

/** CPU use (fraction of a core) from which a process counts as busy for the miner rules. */
const BUSY_CORES = 0.5;
const ENGINE_MAX_IDLE_MS = 10_000;
const NO_PROCESS: ProcessInfo = { pid: 0, ppid: 0, uid: 0, comm: '', cmdline: [], startTime: 0, fds: [] };

/**
 * Whether an exec is worth a scan now: shells and relay tools always (class 1/2 latency); an
 * interpreter only when its command line is a reverse shell — interpreters exec all the time on
 * build hosts, and one that later starts a shell triggers through that shell's exec.
 */
function execWorthScan(pid: number, comm: string): boolean {
  if (!isWatchedCommand(comm)) return false;
  const p: ProcessInfo = { ...NO_PROCESS, pid, comm };
  if (!isInterpreter(p) || isShell(p) || isRelayTool(p)) return true;
  try {
    return analyzeArgvCached(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '')).verdict === 'reverse-shell';
  } catch {
    return false;
  }
}

export interface RunningDetection {
  timers: NodeJS.Timeout[];
  /** 'netlink' when exec events trigger scans, else 'poll' (periodic scans only). */
  mode: 'netlink' | 'poll';
  /** Exec-triggered scans so far, and how many were skipped because every process of the trigger had exited. */
  execStats: { readonly triggers: number; readonly skipped: number };
  stop(): void;
}

/**
 * Real-time detectors on the agent: every `intervalMs` a /proc snapshot goes through
 * the reverse-shell and miner engines; each finding becomes an `alert` event, once per process
 * and then at most once per `repeatMs` while it persists. Where the kernel's process connector is
 * usable, an exec of a shell, interpreter or relay tool also triggers a scan `execScanDelayMs`
 * later (coalesced; skipped when no process of that window is still a shell or relay tool,
 * see exec-trigger.ts), so a reverse shell is seen within a fraction of a second instead of up to one
 * interval. Also registers the response tasks.
 */
export function startDetection(o: DetectionOptions): RunningDetection {
  registerResponseTasks({ home: o.home });
  registerMinerCleanupTask(o.home);
  const iocs = loadMinerIocs(o.log);
  const poolNames =
    o.poolDns === false ? null : new PoolNameResolver({ domains: [...iocs.domains, ...iocs.httpsDomains, ...iocs.httpDomains], ...(o.poolDns ?? {}) });
  poolNames?.start();
  // Persistence report per miner process (pid:start), computed once when it is first found.
  const persistence = new Map<string, NonNullable<AlertEventData['details']['persistence']>>();
  const withPersistence = (a: AlertEventData, f: MinerFinding): AlertEventData => {
    const key = `${f.pid}:${a.details.startTime ?? ''}`;
    let rep = persistence.get(key);
    if (!rep) {
      const pools = [...new Set([...f.peers.map((x) => x.remoteAddress), ...f.stratumUrls.map((u) => u.host)])];
      const r = minerPersistence(iocs, f.response.quarantinePath ? [f.response.quarantinePath] : [], pools, o.persistenceRoot ?? '/');
      rep = {
        findings: r.findings.map((x) => ({ kind: x.kind, path: x.path, lineNo: x.lineNo, line: x.line, reason: x.reason, level: x.level, detail: x.detail })),
        plan: r.plan.map((s) => ({ ...s })),
      };
      persistence.set(key, rep);
      if (persistence.size > 256) persistence.delete(persistence.keys().next().value as string);
    }
    return { ...a, details: { ...a.details, persistence: rep } };
  };
  const repeatMs = o.repeatMs ?? 60_000;
  const lastSent = new Map<string, number>();
  let failures = 0;
  // What can be part of a reverse shell or a miner has its fd table re-read on every pass. A shell
  // that reads commands from stdin, or a relay tool, brings its family (the interpreter or relay
  // feeding it, the other stages of its pipeline); a `sh -c` shell can only be class 1 on its own
  // fds or class 2 through a relay tool, which is a seed itself. A new interpreter is watched for
  // its first minute (a command-loop script connects right away); older ones by the rolling refresh.
  const classify = (p: ProcessInfo): SeedKind => {
    if (isShell(p)) return shellReadsStdin(p.cmdline) ? 'family' : 'self';
    if (isRelayTool(p)) return 'family';
    if (analyzeArgvCached(p.cmdline).verdict === 'reverse-shell') return 'family';
    if (isInterpreter(p)) return 'young';
    if (isMinerName(p.comm, iocs) !== null || (p.cmdline.length > 1 && findStratumUrls(p.cmdline.join(' '), iocs, 1).length > 0)) return 'self';
    return null;
  };
  // Asked several times per process and pass: memoised on the (stable) argv array, checked against comm and exe.
  const seedMemo = new WeakMap<readonly string[], { comm: string; exe: string | undefined; kind: SeedKind }>();
  const seed = (p: ProcessInfo): SeedKind => {
    const m = seedMemo.get(p.cmdline);
    if (m && m.comm === p.comm && m.exe === p.exe) return m.kind;
    const kind = classify(p);
    seedMemo.set(p.cmdline, { comm: p.comm, exe: p.exe, kind });
    return kind;
  };
  const reader = new IncrementalProcReader({
    selfPid: process.pid,
    seed,
    // A new connection to a pool port or a listed pool address: find who made it.
    isWantedSocket: (s) => {
      const addr = s.remoteAddress.replace(/^::ffff:/, '');
      return iocs.ports.has(s.remotePort) || iocs.ips.has(addr) || (poolNames?.addressNames().has(addr) ?? false);
    },
  });
  const evidence = new MinerEvidence({ busyCores: BUSY_CORES, hashExecutables: () => iocs.sha256.size > 0, isShellLike: (p) => isShell(p) || isInterpreter(p) });

  const analyzeScript = memoScriptAnalysis(readProcessScript);
  let running = false;
  let lastEngineRun = 0;
  let again: 'full' | 'light' | null = null;
  let stopped = false;
  const scanOnce = async (light: boolean): Promise<void> => {
    if (o.isPaused()) return;
    let snap: IncrementalSnapshot;
    try {
      snap = await reader.read({ light });
    } catch (err) {
      if (failures++ % 100 === 0) o.log('warn', 'process snapshot failed', { error: (err as Error).message });
      return;
    }
    if (stopped) return;
    // A pass that changed nothing the detectors key on (an fd table, a seed process, the socket
    // tables, a busy process) cannot change the findings; they still run every ENGINE_MAX_IDLE_MS
    // so that persisting findings are re-sent on time.
    const byPid = new Map(snap.processes.map((p) => [p.pid, p]));
    const relevant =
      snap.pass.tablesRead ||
      snap.fdsChanged.size > 0 ||
      [...snap.changed].some((pid) => seed(byPid.get(pid) ?? NO_PROCESS) !== null) ||
      (!light && [...snap.recentCores.values()].some((c) => c >= BUSY_CORES));
    if (!relevant && Date.now() - lastEngineRun < ENGINE_MAX_IDLE_MS) return;
    lastEngineRun = Date.now();
    const t0 = performance.now();
    const starts = new Map(snap.processes.map((p) => [p.pid, p.startTime]));
    const extra = evidence.collect(snap);
    // Only a process busy now can have been busy for the whole window.
    const samples = snap.cpuSamples.filter((c) => (snap.recentCores.get(c.pid) ?? 0) >= BUSY_CORES);
    const alerts = detectReverseShells(snap, { selfPid: process.pid, analyzeScript }).map((f) => revshellAlert(f, snap));
    // Each engine is one synchronous stretch: let the loop breathe between them.
    await yieldLoop();
    if (stopped) return;
    alerts.push(...detectMiners(snap, iocs, { selfPid: process.pid, cpu: { samples, ticksPerSecond: 100 }, ...(poolNames ? { addressNames: poolNames.addressNames() } : {}), ...extra }).map((f) => withPersistence(minerAlert(f, snap), f)));
    const now = Date.now();
    const seen = new Set<string>();
    let pushed = 0;
    for (const a of alerts) {
      // The aggregation key (program + peer) is part of it: a finding whose peer or holder is
      // better known a pass later is a new alert, not a repeat to hold back.
      const key = `${a.ruleId}|${a.details.pid}|${starts.get(a.details.pid ?? -1) ?? ''}|${a.aggKey}`;
      seen.add(key);
      const last = lastSent.get(key);
      if (last !== undefined && now - last < repeatMs) continue;
      lastSent.set(key, now);
      o.queue.push(ALERT_EVENT_KIND, a, now);
      pushed++;
    }
    for (const k of lastSent.keys()) if (!seen.has(k)) lastSent.delete(k);
    if (pushed > 0) o.link.flush();
    o.onScan?.(snap, performance.now() - t0);
  };
  // One scan at a time; a trigger during a scan runs one more scan right after it.
  const scan = (mode: 'full' | 'light'): void => {
    if (stopped) return;
    if (running) {
      again = again === 'full' || mode === 'full' ? 'full' : 'light';
      return;
    }
    running = true;
    void scanOnce(mode === 'light')
      .catch((err: unknown) => {
        if (failures++ % 100 === 0) o.log('warn', 'detection scan failed', { error: (err as Error).message });
      })
      .finally(() => {
        running = false;
        const next = again;
        again = null;
        if (next) scan(next);
      });
  };

  const timer = setInterval(() => scan('full'), o.intervalMs ?? 2_000);
  timer.unref();

  const trigger = new ExecTrigger({
    delayMs: o.execScanDelayMs ?? 150,
    // (While paused, the scan itself returns at once.)
    worth: (pid) => {
      try {
        return execWorthScan(pid, readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false; // already gone; a relay it left behind is caught by the next scan
      }
    },
    fire: () => scan('light'),
  });
  const onExec = (e: ExecEvent): void => {
    if (e.pid === process.pid) return;
    reader.markExec(e.pid);
    trigger.onExec(e.pid);
  };
  const watcher = o.execEvents === false ? null : watchExecEvents(onExec, (reason) => o.log('info', 'exec events unavailable; detection polls /proc only', { reason }));
  // With exec events reporting program changes, known processes need their stat only for CPU samples.
  if (watcher) reader.setStatEveryMs(5_000);
  return {
    timers: [timer],
    mode: watcher ? 'netlink' : 'poll',
    execStats: trigger.stats,
    stop() {
      stopped = true;
      clearInterval(timer);
      trigger.stop();
      watcher?.close();
      poolNames?.stop();
    },
  };
}
