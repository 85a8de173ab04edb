/**
 * Incremental /proc snapshots for the agent's live detectors. A full read (read-snapshot.ts) opens
 * stat, status, cmdline, exe, ns/net and every fd link of every process; on a busy host that is tens
 * of milliseconds of blocked event loop per scan. This reader keeps, per (pid, start time), what an
 * exec does not change behind its back (uid, cmdline, exe, network namespace) and the last fd table,
 * and per pass only:
 *   - reads /proc/<pid>/stat of every process (ppid, comm, group, session, CPU ticks): a changed comm
 *     or an exec event (`markExec`) means a new program, so its metadata is read again;
 *   - reads the socket tables once per network namespace, only when an fd read shows a socket they
 *     do not list, or when they are `tablesMaxAgeMs` old;
 *   - re-reads fd tables of the processes that can matter: `seed` ones (shells,
 *     relay tools — the caller decides), for `family` seeds their parents and children and, when the
 *     seed's stdin can be fed by another process, its siblings and process group (bounded), busy ones (CPU), the
 *     holders of wanted outbound sockets that appeared since the last pass (the processes of that
 *     socket's uid, once per socket), and a rolling refresh of everything else
 *     within `refreshMs`;
 * and yields to the event loop (setImmediate) whenever a chunk has run `chunkMs`.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { hasRemotePeer, parseProcNetInet, parseProcNetUnix } from './parse-net.js';
import { parseCmdline, parseProcStat, parseStatusUid } from './parse-proc.js';
import { INET_TABLES, readFds, tryRead, tryReadlink } from './read-snapshot.js';
import type { FdEntry, IncrementalSnapshot, InetSocket, ProcessCpuSample, ProcessInfo, UnixSocket } from './snapshot-types.js';

export interface IncrementalReaderOptions {
  procRoot?: string;
  selfPid?: number;
  maxProcesses?: number;
  maxFdsPerProcess?: number;
  maxCmdlineBytes?: number;
  maxNetNamespaces?: number;
  /**
   * Processes whose fds are re-read on every pass: `self` alone, or `family` with their parent,
   * children and, when their stdin can be fed by another process, siblings and process group.
   */
  seed?: (p: ProcessInfo) => SeedKind;
  /**
   * Outbound sockets worth finding the holder of when no fd table read so far has it (e.g. a peer on
   * a mining-pool port). Default: none — holders are then found by the families and the refresh.
   */
  isWantedSocket?: (s: InetSocket) => boolean;
  /** Processes younger than this are re-read on every pass (default 3 s). */
  youngMs?: number;
  /** How long a `young` seed stays a seed after it starts (default 60 s). */
  youngSeedMs?: number;
  /** Every other fd table and metadata is re-read at least this often (default 30 s). */
  refreshMs?: number;
  /** Longest stretch of synchronous work before yielding (default 2 ms). */
  chunkMs?: number;
  /** A process using at least this fraction of a core is re-read on every pass (default 0.5). */
  busyCores?: number;
  /** Minimum spacing of CPU samples kept per process (default 5 s) and the window kept (default 75 s). */
  cpuSampleMs?: number;
  cpuWindowMs?: number;
  /**
   * Known non-seed processes get their stat re-read at most this often (default 0: every pass).
   * Only safe when exec events call `markExec`, since a changed comm is how polling sees an exec.
   */
  statEveryMs?: number;
  /** Socket tables are re-read at least this often, and whenever an fd shows an unknown socket (default 10 s). */
  tablesMaxAgeMs?: number;
  /** Clock ticks per second (default 100, Linux USER_HZ). */
  ticksPerSecond?: number;
  /** Family members added per seed group (default 64). */
  maxFamily?: number;
  now?: () => number;
}

interface Entry {
  info: ProcessInfo;
  pgrp: number;
  session: number;
  netns: string | null;
  /** When the fd table was last read, and when metadata and fds are due for the rolling refresh. */
  fdReadMs: number;
  refreshDueMs: number;
  /** Last stat reading, for the per-pass CPU rate. */
  lastTicks: number;
  lastTickMs: number;
  cores: number | undefined;
  samples: ProcessCpuSample[];
  seenPass: number;
}

/** `young`: like `self`, but only while the process is younger than `youngSeedMs` (e.g. interpreters). */
export type SeedKind = 'self' | 'family' | 'young' | null;

export class IncrementalProcReader {
  private readonly o: Required<Omit<IncrementalReaderOptions, 'seed' | 'now' | 'isWantedSocket'>> & Pick<IncrementalReaderOptions, 'seed' | 'isWantedSocket'>;
  private readonly now: () => number;
  private readonly entries = new Map<number, Entry>();
  private readonly execs = new Set<number>();
  /** Socket inode → holder pid, from fd tables read so far. */
  private readonly inodeOwner = new Map<number, number>();
  /** Outbound sockets nobody is known to hold → when they were first seen. */
  private readonly pending = new Map<number, { uid: number; sinceMs: number }>();
  private pass = 0;
  private tablesMs = 0;
  private tables: { inet: Map<number, InetSocket>; unix: Map<number, UnixSocket>; namespaces: number } | null = null;

  constructor(options: IncrementalReaderOptions = {}) {
    this.o = {
      procRoot: options.procRoot ?? '/proc',
      selfPid: options.selfPid ?? process.pid,
      maxProcesses: options.maxProcesses ?? 8192,
      maxFdsPerProcess: options.maxFdsPerProcess ?? 1024,
      maxCmdlineBytes: options.maxCmdlineBytes ?? 65536,
      maxNetNamespaces: options.maxNetNamespaces ?? 64,
      youngMs: options.youngMs ?? 3_000,
      youngSeedMs: options.youngSeedMs ?? 60_000,
      refreshMs: options.refreshMs ?? 30_000,
      chunkMs: options.chunkMs ?? 2,
      busyCores: options.busyCores ?? 0.5,
      cpuSampleMs: options.cpuSampleMs ?? 5_000,
      cpuWindowMs: options.cpuWindowMs ?? 75_000,
      ticksPerSecond: options.ticksPerSecond ?? 100,
      tablesMaxAgeMs: options.tablesMaxAgeMs ?? 10_000,
      statEveryMs: options.statEveryMs ?? 0,
      maxFamily: options.maxFamily ?? 64,
      seed: options.seed,
      isWantedSocket: options.isWantedSocket,
    };
    this.now = options.now ?? Date.now;
  }

  /** Exec events now arrive (or stopped arriving): see `statEveryMs`. */
  setStatEveryMs(ms: number): void {
    this.o.statEveryMs = ms;
  }

  /** An exec replaced the program of `pid`: its cached metadata and fds are stale. */
  markExec(pid: number): void {
    if (this.execs.size < 65536) this.execs.add(pid);
  }

  /**
   * One pass. A `light` pass (for exec events) reads stat and metadata only of new and exec'd
   * processes, and fds of those, their families and young seeds; everything else comes from the cache.
   */
  async read(options: { light?: boolean } = {}): Promise<IncrementalSnapshot> {
    const { procRoot } = this.o;
    const light = options.light === true && this.tables !== null;
    const pass = ++this.pass;
    const stats = { light, tablesRead: false, processes: 0, statReads: 0, metadataReads: 0, fdReads: 0, chunks: 1, maxChunkMs: 0 };
    let chunkStart = performance.now();
    const maybeYield = async (): Promise<void> => {
      const spent = performance.now() - chunkStart;
      if (spent < this.o.chunkMs) return;
      stats.maxChunkMs = Math.max(stats.maxChunkMs, spent);
      await yieldLoop();
      stats.chunks++;
      chunkStart = performance.now();
    };

    let names: string[] = [];
    try {
      names = readdirSync(procRoot);
    } catch {
      // no /proc: an empty snapshot
    }
    const pids = names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    const uptimeTicks = Number((tryRead(`${procRoot}/uptime`) ?? '0').split(' ')[0]) * this.o.ticksPerSecond;
    const now = this.now();
    const wantFds = new Set<number>();
    const changed = new Set<number>();
    const fdsChanged = new Set<number>();
    let skippedProcesses = 0;
    let skippedFds = 0;

    // Phase 1: stat of every process; metadata for new programs.
    for (const pid of pids.slice(0, this.o.maxProcesses)) {
      const cached = this.entries.get(pid);
      // Known processes are not re-read in light passes, nor, when exec events report program
      // changes (`statEveryMs` > 0), more often than that unless they are seeds.
      const skipStat =
        cached !== undefined &&
        !this.execs.has(pid) &&
        (light || (now - cached.lastTickMs < this.o.statEveryMs && now < cached.refreshDueMs && this.seedOf(cached, uptimeTicks) === null));
      if (skipStat) {
        cached.seenPass = pass;
        stats.processes++;
        if (this.isYoung(cached, uptimeTicks) && this.seedOf(cached, uptimeTicks) !== null) wantFds.add(pid);
        continue;
      }
      await maybeYield();
      const statText = tryRead(`${procRoot}/${pid}/stat`);
      stats.statReads++;
      const st = statText === null ? null : parseProcStat(statText);
      if (!st) {
        skippedProcesses++;
        continue;
      }
      let e = this.entries.get(pid);
      const execd = this.execs.delete(pid);
      // Kernel threads (children of kthreadd) rename themselves per work item: not an exec.
      const kthread = pid === 2 || st.ppid === 2;
      if (e && kthread && e.info.comm !== st.comm) e.info = { ...e.info, comm: st.comm };
      if (!e || e.info.startTime !== st.startTime || e.info.comm !== st.comm || execd || now >= e.refreshDueMs) {
        const fresh = this.readMetadata(pid, st.comm, st.startTime, st.ppid);
        stats.metadataReads++;
        if (!fresh) {
          skippedProcesses++;
          this.entries.delete(pid);
          continue;
        }
        const same = e !== undefined && e.info.startTime === st.startTime;
        const prev: Entry | undefined = same ? e : undefined;
        e = {
          info: fresh.info,
          pgrp: st.pgrp,
          session: st.session,
          netns: fresh.netns,
          fdReadMs: prev?.fdReadMs ?? 0,
          // First sightings are spread over the refresh window so their refreshes do not come due together.
          refreshDueMs: now + this.o.refreshMs * (prev ? 1 : 0.2 + 0.8 * Math.random()),
          lastTicks: prev?.lastTicks ?? st.cpuTicks,
          lastTickMs: prev?.lastTickMs ?? now,
          cores: prev?.cores,
          samples: prev?.samples ?? [],
          seenPass: pass,
        };
        this.entries.set(pid, e);
        changed.add(pid);
        // New programs that are not seeds wait for their family, a socket search or the refresh.
        if (prev || !this.o.seed || this.seedOf(e, uptimeTicks) !== null) wantFds.add(pid);
      }
      e.seenPass = pass;
      e.pgrp = st.pgrp;
      e.session = st.session;
      if (e.info.ppid !== st.ppid) e.info = { ...e.info, ppid: st.ppid };
      const dt = now - e.lastTickMs;
      if (dt > 0) {
        e.cores = (st.cpuTicks - e.lastTicks) / this.o.ticksPerSecond / (dt / 1000);
        e.lastTicks = st.cpuTicks;
        e.lastTickMs = now;
      }
      const last = e.samples[e.samples.length - 1];
      if (!last || now - last.timeMs >= this.o.cpuSampleMs) {
        e.samples.push({ pid, startTime: st.startTime, timeMs: now, cpuTicks: st.cpuTicks });
        while (e.samples.length > 0 && now - (e.samples[0] as ProcessCpuSample).timeMs > this.o.cpuWindowMs) e.samples.shift();
      }
      stats.processes++;
      if (this.isYoung(e, uptimeTicks) && (!this.o.seed || this.seedOf(e, uptimeTicks) !== null)) wantFds.add(pid);
      if ((e.cores ?? 0) >= this.o.busyCores) wantFds.add(pid);
    }
    for (const [pid, e] of this.entries) if (e.seenPass !== pass) this.entries.delete(pid);

    // Phase 2: fd tables of what can matter.
    // Seeds and their families: the processes whose new sockets must be resolved now.
    const urgent = new Set<number>();
    this.addFamilies(urgent, light ? changed : null, uptimeTicks);
    for (const pid of urgent) wantFds.add(pid);
    const readWanted = async (pidsToRead: Iterable<number>): Promise<void> => {
      for (const pid of pidsToRead) {
        const e = this.entries.get(pid);
        if (!e) continue;
        await maybeYield();
        const r = readFds(procRoot, pid, this.o.maxFdsPerProcess);
        stats.fdReads++;
        if (!r) {
          this.entries.delete(pid);
          skippedProcesses++;
          continue;
        }
        skippedFds += r.skipped;
        if (this.setFds(e, r.fds, r.truncated)) {
          changed.add(pid);
          fdsChanged.add(pid);
        }
        e.fdReadMs = now;
      }
    };
    await readWanted(wantFds);

    // Phase 3: the socket tables (once per network namespace). /proc/net/tcp{,6} walk the kernel's
    // whole connection hash (ms each however few sockets there are): read them when a socket inode
    // just read is not in the last ones, else at most every `tablesMaxAgeMs`.
    let tables = this.tables;
    const known = tables;
    const unknown =
      known === null ||
      // Busy processes, new non-seeds and the rolling refresh open sockets all the time on a build
      // host (compilers, test runners): theirs wait for the periodic read; a seed's cannot wait.
      [...(this.o.seed ? urgent : wantFds)].some((pid) => this.entries.get(pid)?.info.fds.some((f) => f.kind === 'socket' && f.inode !== undefined && !known.inet.has(f.inode) && !known.unix.has(f.inode)));
    if (tables === null || unknown || (!light && now - this.tablesMs >= this.o.tablesMaxAgeMs)) {
      tables = await this.readSocketTables();
      stats.tablesRead = true;
      this.tablesMs = now;
      const more = new Set<number>();
      this.addSocketHolders(more, tables.inet, now);
      for (const pid of wantFds) more.delete(pid);
      await readWanted(more);
    }
    this.tables = tables;
    stats.maxChunkMs = Math.max(stats.maxChunkMs, performance.now() - chunkStart);

    const processes: ProcessInfo[] = [];
    const cpuSamples: ProcessCpuSample[] = [];
    const recentCores = new Map<number, number>();
    for (const [pid, e] of [...this.entries].sort((a, b) => a[0] - b[0])) {
      processes.push(e.info);
      cpuSamples.push(...e.samples);
      if (e.cores !== undefined) recentCores.set(pid, e.cores);
    }
    return {
      selfPid: this.o.selfPid,
      processes,
      inetSockets: [...tables.inet.values()],
      unixSockets: [...tables.unix.values()],
      stats: { skippedProcesses, skippedFds, truncated: pids.length > this.o.maxProcesses, netNamespaces: tables.namespaces },
      cpuSamples,
      recentCores,
      changed,
      fdsChanged,
      pass: stats,
    };
  }

  private isYoung(e: Entry, uptimeTicks: number, ms = this.o.youngMs): boolean {
    return (uptimeTicks - e.info.startTime) * (1000 / this.o.ticksPerSecond) < ms;
  }

  /** The caller's seed kind, with `young` seeds dropped once older than `youngSeedMs`. */
  private seedOf(e: Entry, uptimeTicks: number): SeedKind {
    const kind = this.o.seed?.(e.info) ?? null;
    return kind === 'young' && !this.isYoung(e, uptimeTicks, this.o.youngSeedMs) ? null : kind;
  }

  private readMetadata(pid: number, comm: string, startTime: number, ppid: number): { info: ProcessInfo; netns: string | null } | null {
    const { procRoot } = this.o;
    const statusText = tryRead(`${procRoot}/${pid}/status`);
    const uid = statusText === null ? null : parseStatusUid(statusText);
    const rawCmdline = tryRead(`${procRoot}/${pid}/cmdline`);
    if (uid === null || rawCmdline === null) return null;
    const exe = tryReadlink(`${procRoot}/${pid}/exe`);
    const prev = this.entries.get(pid);
    const info: ProcessInfo = {
      pid,
      ppid,
      uid,
      comm,
      cmdline: parseCmdline(rawCmdline.slice(0, this.o.maxCmdlineBytes)),
      startTime,
      // Fds of the same process stay until re-read (same pass); a new process starts empty.
      fds: prev && prev.info.startTime === startTime ? prev.info.fds : [],
      ...(exe !== null ? { exe } : {}),
    };
    // Keep the previous cmdline array when unchanged: engines memoise analyses on its identity.
    if (prev && prev.info.startTime === startTime && prev.info.cmdline.join('\0') === info.cmdline.join('\0')) info.cmdline = prev.info.cmdline;
    return { info, netns: tryReadlink(`${procRoot}/${pid}/ns/net`) };
  }

  /** Replaces the fd table; true when it differs from the cached one. */
  private setFds(e: Entry, fds: FdEntry[], truncated: boolean): boolean {
    const old = e.info.fds;
    if (old.length === fds.length && old.every((f, i) => f.fd === fds[i]?.fd && f.target === fds[i]?.target) && (e.info.fdsTruncated === true) === truncated) return false;
    for (const f of e.info.fds) if (f.kind === 'socket' && f.inode !== undefined && this.inodeOwner.get(f.inode) === e.info.pid) this.inodeOwner.delete(f.inode);
    for (const f of fds) if (f.kind === 'socket' && f.inode !== undefined) this.inodeOwner.set(f.inode, e.info.pid);
    const { fdsTruncated: _old, ...rest } = e.info;
    e.info = { ...rest, fds, ...(truncated ? { fdsTruncated: true } : {}) };
    return true;
  }

  /** Read off the event loop (libuv pool): /proc/net/tcp walks the kernel's whole hash table, ms per file. */
  private async readSocketTables(): Promise<{ inet: Map<number, InetSocket>; unix: Map<number, UnixSocket>; namespaces: number }> {
    const order = endianness();
    const readers = new Map<string, number>();
    for (const [pid, e] of this.entries) {
      if (e.netns !== null && !readers.has(e.netns) && readers.size < this.o.maxNetNamespaces) readers.set(e.netns, pid);
    }
    const dirs = readers.size > 0 ? [...readers.values()].map((pid) => `${this.o.procRoot}/${pid}/net`) : [`${this.o.procRoot}/net`];
    const inet = new Map<number, InetSocket>();
    const unix = new Map<number, UnixSocket>();
    let namespaces = 0;
    for (const dir of dirs) {
      let any = false;
      const texts = await Promise.all([...INET_TABLES, 'unix' as const].map((t) => readFile(`${dir}/${t}`, 'utf8').catch(() => null)));
      for (const [i, proto] of INET_TABLES.entries()) {
        const text = texts[i] ?? null;
        if (text === null) continue;
        any = true;
        for (const s of parseProcNetInet(text, proto, order)) inet.set(s.inode, s);
      }
      const text = texts[INET_TABLES.length] ?? null;
      if (text !== null) {
        any = true;
        for (const s of parseProcNetUnix(text)) unix.set(s.inode, s);
      }
      if (any) namespaces++;
    }
    return { inet, unix, namespaces };
  }

  /** Seeds (only those in `only` when given), and their parent, children, siblings and process group (bounded). */
  private addFamilies(want: Set<number>, only: ReadonlySet<number> | null, uptimeTicks: number): void {
    if (!this.o.seed) return;
    const children = new Map<number, number[]>();
    const groups = new Map<string, number[]>();
    const add = <K>(m: Map<K, number[]>, k: K, pid: number): void => {
      const l = m.get(k);
      if (l) {
        if (l.length <= this.o.maxFamily) l.push(pid);
      } else m.set(k, [pid]);
    };
    for (const [pid, e] of this.entries) {
      add(children, e.info.ppid, pid);
      if (e.pgrp > 1) add(groups, `g${e.pgrp}`, pid);
    }
    const addAll = (list: readonly number[] | undefined): void => {
      // A long list (a supervisor's children, a CI job's group) is left to the rolling refresh.
      if (list && list.length <= this.o.maxFamily) for (const m of list) want.add(m);
    };
    for (const [pid, e] of this.entries) {
      if (pid === this.o.selfPid || (only !== null && !only.has(pid))) continue;
      const kind = this.seedOf(e, uptimeTicks);
      if (kind === null) continue;
      want.add(pid);
      if (kind !== 'family') continue;
      addAll(children.get(pid));
      if (e.info.ppid > 1 && e.info.ppid !== this.o.selfPid) want.add(e.info.ppid);
      // Relays start from a stdin that another process can feed: with /dev/null, a terminal or a
      // file on fd 0, the rest of the family cannot be part of one.
      const in0 = e.info.fds.find((f) => f.fd === 0);
      if (in0 !== undefined && (in0.kind === 'devnull' || in0.kind === 'tty' || (in0.kind === 'file' && in0.fifoId === undefined))) continue;
      // The other stages of a pipeline its parent runs (`cat f | sh -i | nc … > f`).
      if (e.info.ppid > 1 && e.info.ppid !== this.o.selfPid) addAll(children.get(e.info.ppid));
      // A huge group (a CI job) is left to the rolling refresh.
      addAll(groups.get(`g${e.pgrp}`));
    }
  }

  /**
   * Wanted outbound connections nobody is known to hold: read the fds of the processes of the socket's uid
   * not read since it appeared, oldest first, at most `maxSearch` per pass. Accepted (inbound)
   * connections are skipped: a server's clients are neither a reverse shell's peer nor a pool.
   */
  private addSocketHolders(want: Set<number>, inet: Map<number, InetSocket>, now: number, maxSearch = 64): void {
    const listening = new Set<string>();
    for (const s of inet.values()) if (s.state === 'LISTEN') listening.add(`${s.proto.replace('6', '')}:${s.localPort}`);
    for (const s of inet.values()) {
      if (this.pending.has(s.inode) || !hasRemotePeer(s) || !this.o.isWantedSocket?.(s) || listening.has(`${s.proto.replace('6', '')}:${s.localPort}`)) continue;
      const owner = this.inodeOwner.get(s.inode);
      if (owner !== undefined && this.entries.has(owner)) continue;
      this.pending.set(s.inode, { uid: s.uid, sinceMs: now });
    }
    const since = new Map<number, number>();
    for (const [inode, p] of this.pending) {
      const owner = this.inodeOwner.get(inode);
      if (!inet.has(inode) || (owner !== undefined && this.entries.has(owner))) this.pending.delete(inode);
      else since.set(p.uid, Math.max(since.get(p.uid) ?? 0, p.sinceMs));
    }
    if (this.inodeOwner.size > inet.size * 4 + 4096) for (const i of this.inodeOwner.keys()) if (!inet.has(i)) this.inodeOwner.delete(i);
    if (since.size === 0) return;
    const candidates: Entry[] = [];
    for (const e of this.entries.values()) {
      const t = since.get(e.info.uid);
      if (t !== undefined && e.fdReadMs < t && !want.has(e.info.pid)) candidates.push(e);
    }
    candidates.sort((a, b) => a.fdReadMs - b.fdReadMs);
    for (const e of candidates.slice(0, maxSearch)) want.add(e.info.pid);
  }
}
