/** Typed view of the process table, open descriptors and socket tables read from /proc. */

export type InetProto = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export type SocketState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'UNKNOWN';

/** One row of /proc/net/{tcp,tcp6,udp,udp6}. */
export interface InetSocket {
  inode: number;
  proto: InetProto;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: SocketState;
  uid: number;
}

/** One row of /proc/net/unix. `path` is absent for unnamed sockets (socketpair, unbound). */
export interface UnixSocket {
  inode: number;
  /** 1 stream, 2 dgram, 5 seqpacket. */
  type: number;
  /** 1 unconnected/listening, 3 connected (SS_* values). */
  state: number;
  listening: boolean;
  path?: string;
}

/** What an fd link points at, classified from the readlink text. */
export type FdKind = 'socket' | 'pipe' | 'anon' | 'ptmx' | 'pts' | 'tty' | 'devnull' | 'file';

export interface FdEntry {
  fd: number;
  /** readlink of /proc/<pid>/fd/<fd>, e.g. `socket:[123]`, `pipe:[456]`, `/dev/pts/3`, `/tmp/f`. */
  target: string;
  kind: FdKind;
  /** Socket or pipe inode for `socket:[N]` / `pipe:[N]`. */
  inode?: number;
  /** For a pty master (/dev/ptmx): the slave number N of /dev/pts/N (fdinfo `tty-index:`). */
  ttyIndex?: number;
  /** For a pty slave /dev/pts/N: N. */
  ptsIndex?: number;
  /** For a named FIFO: `dev:ino` of the FIFO (stable even after the path is unlinked). */
  fifoId?: string;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  uid: number;
  /** Kernel task name (at most 15 chars). */
  comm: string;
  /** readlink of /proc/<pid>/exe; absent when unreadable (kernel threads, EACCES). */
  exe?: string;
  cmdline: string[];
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  startTime: number;
  fds: FdEntry[];
  /** True when fds were capped at the reader's per-process limit. */
  fdsTruncated?: boolean;
}

export interface SnapshotStats {
  /** Processes skipped because they vanished or were unreadable (EACCES, ENOENT, ESRCH). */
  skippedProcesses: number;
  /** Individual fd links that could not be read. */
  skippedFds: number;
  /** True when the process count hit the reader's cap. */
  truncated: boolean;
  /** Distinct network namespaces whose socket tables were read. */
  netNamespaces: number;
}

export interface ProcessSnapshot {
  /** The reading agent's own pid. */
  selfPid: number;
  processes: ProcessInfo[];
  inetSockets: InetSocket[];
  unixSockets: UnixSocket[];
  stats: SnapshotStats;
}

/** One reading of a process's CPU time (utime + stime of /proc/<pid>/stat). */
export interface ProcessCpuSample {
  pid: number;
  /** Start time in ticks: distinguishes a reused pid. */
  startTime: number;
  timeMs: number;
  cpuTicks: number;
}

/** What one incremental pass did; `maxChunkMs` is the longest stretch it ran without yielding. */
export interface IncrementalStats {
  light: boolean;
  /** Whether the socket tables were read in this pass (else the cached ones were used). */
  tablesRead: boolean;
  processes: number;
  statReads: number;
  metadataReads: number;
  fdReads: number;
  chunks: number;
  maxChunkMs: number;
}

export interface IncrementalSnapshot extends ProcessSnapshot {
  /** CPU samples per process over the reader's window, oldest first per process. */
  cpuSamples: ProcessCpuSample[];
  /** pid → CPU use over the last interval, as a fraction of one core (absent on first sight). */
  recentCores: Map<number, number>;
  /** Processes seen for the first time, exec'd or re-read, or whose fd table changed, in this pass. */
  changed: Set<number>;
  /** Processes whose fd table was read in this pass and differs from the cached one. */
  fdsChanged: Set<number>;
  pass: IncrementalStats;
}
