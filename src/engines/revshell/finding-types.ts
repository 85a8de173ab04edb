import type { InetProto, ProcessInfo } from '../../host/procfs/snapshot-types.js';
import type { ScriptProgramAnalysis } from './script-program.js';

export type ReverseShellClass = 1 | 2 | 3;
export type ReverseShellLevel = 'serious' | 'suspicious';

export type ReverseShellRuleId =
  /** Class 1: shell stdio is a network socket. */
  | 'revshell.stdio-socket'
  /** Class 2: shell stdio reaches, through pipes/FIFOs/ptys/socketpairs, a process holding a network socket. */
  | 'revshell.relayed-stdio'
  /** Class 3: interpreter holding a network socket runs a shell. */
  | 'revshell.interpreter-shell'
  /** Class 3: interpreter holding a network socket whose command line is a reverse-shell program. */
  | 'revshell.interpreter-cmdline'
  /** Class 3: interpreter holding an outbound connection whose script file is a network command loop. */
  | 'revshell.interpreter-script'
  /** Any class: a running process whose command line is a reverse shell, topology not (yet) confirmed. */
  | 'revshell.cmdline';

export interface ProcessRef {
  pid: number;
  comm: string;
  cmdline: string[];
}

export interface PeerRef {
  proto: InetProto;
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** One step from the shell towards the socket holder. */
export interface RelayHop {
  pid: number;
  comm: string;
  /** How this process was reached from the previous one. */
  link: 'pipe' | 'fifo' | 'pty' | 'socketpair';
  /** The shared object, e.g. `pipe:[123]`, `/tmp/f`, `/dev/pts/4`, `socket:[77]`. */
  resource: string;
}

export interface ReverseShellFinding {
  ruleId: ReverseShellRuleId;
  class: ReverseShellClass;
  level: ReverseShellLevel;
  /** The shell (class 1/2), or for class 3 the shell child when present, else the interpreter. */
  pid: number;
  /** `pid` first, then its ancestors up to init (bounded). */
  processChain: ProcessRef[];
  /** Stdio fds of `pid`. */
  fds: { fd: number; target: string }[];
  peer: PeerRef | null;
  /** Process holding the network socket. */
  holderPid: number | null;
  via: RelayHop[];
  evidence: string;
}

export interface DetectOptions {
  /** The agent's own pid: never reported as a shell or a socket holder. Defaults to snapshot.selfPid. */
  selfPid?: number;
  /** Extra comm names treated like sshd/tmux (neither relay nor hop), e.g. a site's web terminal. */
  allowedHolders?: readonly string[];
  /** Maximum processes between the shell and the socket holder (default 4). */
  maxHops?: number;
  /** Ancestors listed in processChain (default 8). */
  maxChain?: number;
  /**
   * Analysis of the script file `path` that interpreter `p` runs, or null when it cannot be read:
   * `memoScriptAnalysis(reader)`, the host adapter's reader going through /proc/<pid>/root or
   * /proc/<pid>/cwd. Called only for interpreters holding an outbound connection that run a shell
   * or nothing else gave away; without it, script files are not analysed.
   */
  analyzeScript?: (p: ProcessInfo, path: string) => ScriptProgramAnalysis | null;
}
