import { createHash } from 'node:crypto';
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AlertEventData, AlertLevel } from '../domain/alerts/alert-types.js';

/**
 * Agent self-protection (SPEC ): changes to the agent's own files and the agent being killed
 * are alerted. Two rules, raised as `alert` events like any detector's:
 * - `agent.tamper`: a guarded file (the program the agent runs from, its credential, its systemd
 *   unit or boot entry) changed content, mode or owner, or was deleted, while the agent ran;
 * - `agent.killed`: the installed agent (under its supervisor or systemd) ended without being
 *   stopped by its service manager — SIGKILL, a signal from anyone else, a crash — or lost its
 *   supervisor. Reported by the agent itself: at the signal (sent before it exits), or by the next
 *   agent its service manager starts (it finds the previous run not marked as stopped cleanly).
 * What is not caught: an attacker who stops the service manager itself (`systemctl stop`, killing
 * the supervisor and the agent in one SIGKILL each) leaves the host offline; the server's status
 * (offline after the heartbeat window) is the signal then.
 */
export const TAMPER_RULE = 'agent.tamper';
export const KILLED_RULE = 'agent.killed';

/** What is compared: content by sha256 (mtime alone is no change), mode, owner, existence. */
export interface FileState {
  exists: boolean;
  sha256?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  /** Stat key: when unchanged, the content is not hashed again. */
  statKey?: string;
}

/** Guarded files are small (the bundle is ~2 MB); a bigger one is compared by stat only. */
const MAX_HASH_BYTES = 64 * 1024 * 1024;

export function readFileState(path: string, previous?: FileState): FileState {
  let st;
  try {
    st = statSync(path);
  } catch {
    return { exists: false };
  }
  const statKey = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const base = { exists: true, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size, statKey };
  if (previous?.statKey === statKey && previous.sha256) return { ...base, sha256: previous.sha256 };
  if (!st.isFile() || st.size > MAX_HASH_BYTES) return base;
  try {
    return { ...base, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
  } catch {
    return base;
  }
}

export interface FileChange {
  path: string;
  change: 'deleted' | 'created' | 'content' | 'mode' | 'owner';
  evidence: string;
  sha256?: string;
}

const octal = (m: number | undefined) => (m === undefined ? '?' : `0${m.toString(8)}`);

/** The change between two states of a guarded file, or null when nothing that matters changed. */
export function compareFileState(path: string, before: FileState, after: FileState): FileChange | null {
  if (before.exists && !after.exists) return { path, change: 'deleted', evidence: `${path} was deleted` };
  if (!before.exists && after.exists) return { path, change: 'created', evidence: `${path} appeared`, ...(after.sha256 ? { sha256: after.sha256 } : {}) };
  if (!before.exists || !after.exists) return null;
  if (before.sha256 !== after.sha256 || (before.sha256 === undefined && before.size !== after.size)) {
    return { path, change: 'content', evidence: `${path} was modified (sha256 ${before.sha256?.slice(0, 16) ?? '?'}… → ${after.sha256?.slice(0, 16) ?? '?'}…)`, ...(after.sha256 ? { sha256: after.sha256 } : {}) };
  }
  if (before.mode !== after.mode) return { path, change: 'mode', evidence: `${path} mode changed ${octal(before.mode)} → ${octal(after.mode)}` };
  if (before.uid !== after.uid || before.gid !== after.gid) return { path, change: 'owner', evidence: `${path} owner changed ${before.uid}:${before.gid} → ${after.uid}:${after.gid}` };
  return null;
}

export function tamperAlert(c: FileChange): AlertEventData {
  return {
    ruleId: TAMPER_RULE,
    name: 'Vigil agent file tampered with',
    level: 'serious',
    aggKey: `${c.path}|${c.change}`,
    details: { pid: process.pid, comm: 'vigil-agent', file: { path: c.path, ...(c.sha256 ? { sha256: c.sha256 } : {}) }, evidence: c.evidence },
  };
}

export interface FileGuardOptions {
  files: string[];
  onChange: (c: FileChange) => void;
  /** Full re-check of every file, a backstop for missed inotify events (default 5 min). */
  intervalMs?: number;
  /**
   * The states the previous run recorded (`onStates`): a file changed while no agent ran is
   * reported at start, marked so in its evidence.
   */
  recorded?: Record<string, FileState> | null;
  /** Called with every file's state at start and after each change (to be recorded). */
  onStates?: (states: Record<string, FileState>) => void;
}

/**
 * Watches `files` (inotify on their directories, so a file replaced by rename is seen too) and
 * re-checks them every `intervalMs`. Each change is reported once; the new state is the next base.
 */
export function startFileGuard(o: FileGuardOptions): { check(): void; stop(): void } {
  const states = new Map<string, FileState>();
  const record = () => o.onStates?.(Object.fromEntries(states));
  for (const f of new Set(o.files)) {
    const now = readFileState(f);
    states.set(f, now);
    const before = o.recorded?.[f];
    const c = before ? compareFileState(f, before, now) : null;
    if (c) o.onChange({ ...c, evidence: `${c.evidence} while no agent was running` });
  }
  record();
  const checkOne = (f: string) => {
    const before = states.get(f);
    if (!before) return;
    const after = readFileState(f, before);
    states.set(f, after);
    const c = compareFileState(f, before, after);
    if (c) {
      record();
      o.onChange(c);
    }
  };
  const check = () => {
    for (const f of states.keys()) checkOne(f);
  };
  const byDir = new Map<string, Set<string>>();
  for (const f of states.keys()) {
    const names = byDir.get(dirname(f)) ?? new Set<string>();
    names.add(basename(f));
    byDir.set(dirname(f), names);
  }
  const watchers: FSWatcher[] = [];
  const due = new Map<string, NodeJS.Timeout>();
  for (const [dir, names] of byDir) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        const n = typeof name === 'string' ? name : null;
        if (n === null || !names.has(n)) return;
        const f = `${dir === '/' ? '' : dir}/${n}`;
        // A write is several events: check once they settle.
        if (due.has(f)) return;
        const t = setTimeout(() => {
          due.delete(f);
          checkOne(f);
        }, 100);
        t.unref();
        due.set(f, t);
      });
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // no such directory or no inotify: the periodic check alone
    }
  }
  const timer = setInterval(check, o.intervalMs ?? 300_000);
  timer.unref();
  return {
    check,
    stop() {
      clearInterval(timer);
      for (const w of watchers) w.close();
      // A change seen just before the stop (an upgrade replacing the program, then stopping it) is
      // still checked and reported.
      for (const [f, t] of due) {
        clearTimeout(t);
        checkOne(f);
      }
      due.clear();
    },
  };
}

// ---- the agent being killed -------------------------------------------------------------------

/** `<home>/run-state.json`: written at start, marked clean by an intended stop. */
export interface RunState {
  pid: number;
  startedAt: number;
  clean: boolean;
  stoppedBy?: string;
}

/** `<home>/last-exit.json`, written by the supervisor when its agent child ends. */
export interface ExitRecord {
  pid: number;
  code: number | null;
  signal: string | null;
  at: number;
}

/**
 * Why the previous agent run ended, when it did not end cleanly: an alert, or null (a clean stop,
 * a first start, or the previous agent still running).
 */
export function previousRunAlert(prev: RunState | null, exit: ExitRecord | null, stillRunning: boolean): AlertEventData | null {
  if (!prev || prev.clean || prev.pid === process.pid || stillRunning) return null;
  const rec = exit && exit.pid === prev.pid ? exit : null;
  const since = new Date(prev.startedAt).toISOString();
  let how: string;
  let level: AlertLevel = 'suspicious';
  if (rec?.signal) how = `was killed by ${rec.signal}`;
  else if (rec && rec.code !== null) {
    how = `exited with code ${rec.code} without being stopped`;
    level = 'remind';
  } else how = 'ended without a clean stop (killed with SIGKILL, or the host lost power)';
  return {
    ruleId: KILLED_RULE,
    name: 'Vigil agent was killed',
    level,
    aggKey: 'previous-run',
    details: { pid: prev.pid, comm: 'vigil-agent', evidence: `the agent (pid ${prev.pid}, running since ${since}) ${how}; its service manager started it again` },
  };
}

export function signalAlert(signal: string, by: string): AlertEventData {
  return {
    ruleId: KILLED_RULE,
    name: 'Vigil agent was killed',
    level: 'suspicious',
    aggKey: `signal|${signal}`,
    details: { pid: process.pid, comm: 'vigil-agent', evidence: `the agent received ${signal}, not sent by ${by}; its service manager starts it again` },
  };
}

export function supervisorLostAlert(supervisorPid: number, ppid: number): AlertEventData {
  return {
    ruleId: KILLED_RULE,
    name: 'Vigil agent supervisor was killed',
    level: 'suspicious',
    aggKey: 'supervisor',
    details: { pid: supervisorPid, comm: 'vigil-supervise', evidence: `the agent's supervisor (pid ${supervisorPid}) is gone (the agent's parent is now pid ${ppid}); the agent keeps running but is not restarted if it dies` },
  };
}
