/**
 * What the SCA engine needs from a host. The engine never touches fs, processes or the clock
 * itself; `src/host/probe/` implements this for the real machine, tests may pass fixtures.
 */

export type ProbeFailureCode = 'ENOENT' | 'EACCES' | 'TOOBIG' | 'TIMEOUT' | 'NOTFOUND' | 'ERROR';

export interface ProbeFailure {
  ok: false;
  code: ProbeFailureCode;
  reason: string;
}

export type ProbeResult<T> = { ok: true; value: T } | ProbeFailure;

export type ProbeEntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface ProbeStat {
  /** Kind after following symlinks (as `stat(2)`). */
  kind: Exclude<ProbeEntryKind, 'symlink'>;
  size: number;
  mode: number;
  uid: number;
  gid: number;
}

export interface ProbeDirEntry {
  name: string;
  /** Kind of the entry itself, NOT following symlinks (as `lstat(2)`). */
  kind: ProbeEntryKind;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Output was cut at the probe's byte limit. */
  truncated: boolean;
}

export interface ProcessInfo {
  pid: number;
  /** `/proc/<pid>/comm` */
  name: string;
  /** argv joined with spaces; empty for kernel threads */
  cmdline: string;
}

export interface HostProbe {
  /** Reads a regular file as UTF-8 text, bounded by the probe's size limit. */
  readFile(path: string): Promise<ProbeResult<{ text: string; truncated: boolean }>>;
  /** `stat(2)`: follows symlinks. ENOENT when missing. */
  stat(path: string): Promise<ProbeResult<ProbeStat>>;
  listDir(path: string): Promise<ProbeResult<ProbeDirEntry[]>>;
  /**
   * Runs a command taken from a policy file (never built from host data). A non-zero exit is a
   * successful run; failure means it could not be started (NOTFOUND) or timed out (TIMEOUT).
   */
  runCommand(command: string, timeoutMs: number): Promise<ProbeResult<CommandOutput>>;
  listProcesses(): Promise<ProbeResult<ProcessInfo[]>>;
}
