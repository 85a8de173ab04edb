import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AlertEventData } from '../domain/alerts/alert-types.js';
import { underSystemd } from './budget.js';
import { paths, readJson } from './home.js';
import { CRON_FILE, UNIT_FILE } from './install.js';
import { previousRunAlert, signalAlert, startFileGuard, supervisorLostAlert, tamperAlert, type ExitRecord, type FileState, type RunState } from './self-protect.js';
import { SUPERVISOR_ENV } from './supervisor.js';

/** How long install.sh's notice of a new program stays valid. */
const UPDATE_NOTICE_MS = 15 * 60_000;

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface SelfProtectionOptions {
  home: string;
  /** Queues an alert event and flushes the link. */
  push: (a: AlertEventData) => void;
  /** Queues another event (not an alert). */
  event: (kind: string, data: unknown) => void;
  log: Log;
  /** The program file this agent runs from (default process.argv[1]). */
  program?: string;
  env?: NodeJS.ProcessEnv;
}

function tryJson<T>(file: string): T | null {
  try {
    return readJson<T>(file);
  } catch {
    return null; // a torn or foreign file says nothing about the previous run
  }
}

/** Is `pid` a live Vigil agent `run` (not a process that reused the pid)? */
function agentRunning(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('run') && argv.some((a) => a.includes('vigil'));
  } catch {
    return false;
  }
}

/**
 * Wires self-protection into the running agent: the file guard (always), and — only for the
 * installed agent, under its supervisor or systemd — reports of how the previous run ended, of a
 * signal its service manager did not send, and of a lost supervisor. A foreground `run` in a
 * terminal belongs to its operator: its signals and exits are not alerts.
 */
export function startSelfProtection(o: SelfProtectionOptions) {
  const env = o.env ?? process.env;
  const p = paths(o.home);
  const supervisorPid = Number(env[SUPERVISOR_ENV]) || null;
  const managedBy: 'supervisor' | 'systemd' | null = supervisorPid ? 'supervisor' : underSystemd(env) ? 'systemd' : null;

  const report = (a: AlertEventData): void => {
    o.log('warn', `self-protection: ${a.details.evidence ?? ''}`);
    o.push(a);
  };
  const program = o.program ?? process.argv[1];
  const files = [program, p.credentials, UNIT_FILE, CRON_FILE].filter((f): f is string => typeof f === 'string' && existsSync(f));
  /** install.sh announced exactly this new program a short while ago (an upgrade, not tampering). */
  const announcedUpdate = (sha256: string | undefined): boolean => {
    const notice = tryJson<{ sha256?: string; at?: number }>(p.programUpdate);
    if (!notice || !sha256 || notice.sha256 !== sha256 || typeof notice.at !== 'number' || Math.abs(Date.now() - notice.at) > UPDATE_NOTICE_MS) return false;
    rmSync(p.programUpdate, { force: true });
    return true;
  };
  const guard = startFileGuard({
    files,
    recorded: tryJson<Record<string, FileState>>(p.guardState),
    onStates: (states) => {
      try {
        writeFileSync(p.guardState, JSON.stringify(states), { mode: 0o600 });
      } catch {
        // a read-only home: changes while stopped go unseen
      }
    },
    onChange: (c) => {
      if (c.path === program && c.change === 'content' && announcedUpdate(c.sha256)) {
        o.log('info', `self-protection: ${c.path} replaced by an announced update (sha256 ${c.sha256 ?? '?'}); restart to run it`);
        o.event('agent.program-updated', { path: c.path, sha256: c.sha256 });
        return;
      }
      report(tamperAlert(c));
    },
  });

  if (managedBy) {
    const prev = tryJson<RunState>(p.runState);
    const alert = previousRunAlert(prev, tryJson<ExitRecord>(p.lastExit), prev !== null && prev.pid !== process.pid && agentRunning(prev.pid));
    if (alert) report(alert);
  }
  const state: RunState = { pid: process.pid, startedAt: Date.now(), clean: false };
  const writeState = () => {
    // An agent that ends after its successor started (an upgrade's overlap) must not overwrite the successor's state.
    if (state.clean && tryJson<RunState>(p.runState)?.pid !== process.pid) return;
    try {
      writeFileSync(p.runState, JSON.stringify(state), { mode: 0o600 });
    } catch {
      // advisory: the home may be read-only
    }
  };
  writeState();

  let supervisorReported = false;
  const parentWatch = setInterval(() => {
    if (managedBy !== 'supervisor' || supervisorReported || supervisorPid === null || process.ppid === supervisorPid) return;
    supervisorReported = true;
    report(supervisorLostAlert(supervisorPid, process.ppid));
  }, 2_000);
  parentWatch.unref();

  /** Did the service manager send this signal (a stop it was asked for)? */
  const intended = (signal: NodeJS.Signals): { intended: boolean; by: string } => {
    if (managedBy === null) return { intended: true, by: 'its operator' };
    if (managedBy === 'supervisor') {
      const notice = tryJson<{ pid: number; at: number }>(p.stopIntent);
      rmSync(p.stopIntent, { force: true });
      return { intended: notice?.pid === process.pid && Date.now() - notice.at < 30_000, by: 'its supervisor' };
    }
    const r = spawnSync('systemctl', ['show', '-p', 'ActiveState', '--value', 'vigil-agent.service'], { encoding: 'utf8', timeout: 3_000 });
    return { intended: signal === 'SIGTERM' && r.stdout?.trim() === 'deactivating', by: 'systemd' };
  };

  return {
    /** A stop signal arrived: reports it when nobody announced it, then marks this run as ended knowingly. */
    onSignal(signal: NodeJS.Signals): void {
      const r = intended(signal);
      if (!r.intended) report(signalAlert(signal, r.by));
      state.clean = true;
      state.stoppedBy = r.intended ? `${signal} from ${r.by}` : `${signal} (reported)`;
      writeState();
    },
    /** Stopped from inside (tests, embedding): a clean end. */
    markStopped(by: string): void {
      if (state.clean) return;
      state.clean = true;
      state.stoppedBy = by;
      writeState();
    },
    stop(): void {
      guard.stop();
      clearInterval(parentWatch);
    },
  };
}
