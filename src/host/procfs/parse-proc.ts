import type { FdEntry } from './snapshot-types.js';

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Process group and session ids (fields 5 and 6). */
  pgrp: number;
  session: number;
  /** utime + stime in clock ticks (fields 14 and 15). */
  cpuTicks: number;
  /** Clock ticks since boot. */
  startTime: number;
}

/**
 * Parse /proc/<pid>/stat. The comm field is in parentheses and may itself contain spaces and
 * parentheses, so fields after it are located from the LAST `)`.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const state = rest[0] ?? '';
  const ppid = Number(rest[1]);
  const startTime = Number(rest[19]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(startTime)) return null;
  const pgrp = Number(rest[2]);
  const session = Number(rest[3]);
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  return { pid, comm, state, ppid, pgrp: Number.isInteger(pgrp) ? pgrp : 0, session: Number.isInteger(session) ? session : 0, cpuTicks: Number.isFinite(cpuTicks) ? cpuTicks : 0, startTime };
}

/** Real uid from /proc/<pid>/status (`Uid:\treal\teffective\tsaved\tfs`). */
export function parseStatusUid(text: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * Split /proc/<pid>/cmdline (NUL-separated argv, usually NUL-terminated). Processes that rewrite
 * their title (setproctitle: sshd, nginx) show one space-separated string instead.
 */
export function parseCmdline(raw: string): string[] {
  if (raw.length === 0) return [];
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `tty-index:` of a pty master's /proc/<pid>/fdinfo/<fd>, or null. */
export function parseTtyIndex(fdinfo: string): number | null {
  const m = /^tty-index:\s*(\d+)/m.exec(fdinfo);
  return m ? Number(m[1]) : null;
}

/** Classify an fd link target; FIFO identity (needs stat) is added by the reader. */
export function classifyFdTarget(fd: number, target: string): FdEntry {
  const sock = /^socket:\[(\d+)\]$/.exec(target);
  if (sock) return { fd, target, kind: 'socket', inode: Number(sock[1]) };
  const pipe = /^pipe:\[(\d+)\]$/.exec(target);
  if (pipe) return { fd, target, kind: 'pipe', inode: Number(pipe[1]) };
  if (target.startsWith('anon_inode:')) return { fd, target, kind: 'anon' };
  if (target === '/dev/ptmx' || target === '/dev/pts/ptmx') return { fd, target, kind: 'ptmx' };
  const pts = /^\/dev\/pts\/(\d+)$/.exec(target);
  if (pts) return { fd, target, kind: 'pts', ptsIndex: Number(pts[1]) };
  if (target === '/dev/null') return { fd, target, kind: 'devnull' };
  if (/^\/dev\/(tty\w*|console)$/.test(target)) return { fd, target, kind: 'tty' };
  return { fd, target, kind: 'file' };
}
