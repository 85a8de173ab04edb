import { existsSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { FileTailer, type TailPosition } from '../host/authlog/file-tailer.js';
import { followJournal, journalAvailable } from '../host/authlog/journal.js';
import { writeFileAtomic } from './home.js';

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/**
 * One auth log to follow. `syslog`: lines with a syslog header (auth.log, secure). `sshd-bare`: what
 * `sshd -E FILE` writes, messages without header: the agent stamps them with its clock and `sshd`.
 */
export interface AuthLogFile {
  path: string;
  format: 'syslog' | 'sshd-bare';
}

/** `VIGIL_AUTHLOG_FILES`: comma-separated paths, `sshd:` prefix for bare sshd logs. */
export function authLogFilesFromEnv(env: NodeJS.ProcessEnv = process.env): AuthLogFile[] {
  const raw = env.VIGIL_AUTHLOG_FILES;
  if (raw === undefined || raw.trim() === '') {
    return [
      { path: '/var/log/auth.log', format: 'syslog' },
      { path: '/var/log/secure', format: 'syslog' },
    ];
  }
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.startsWith('sshd:') ? { path: s.slice(5), format: 'sshd-bare' as const } : { path: s, format: 'syslog' as const }));
}

export interface AuthLogSourcesOptions {
  files: AuthLogFile[];
  /** Where read offsets are persisted (JSON, path → position). */
  offsetsFile: string;
  /** Follow the journal when none of the files exists (default true). */
  journal?: boolean;
  pollMs?: number;
  /** `stream` identifies the source, so multi-line parser state is kept per stream. */
  onLine: (stream: string, line: string) => void;
  log: Log;
}

/** Wall clock as `2026-03-03T10:00:00.123Z localhost sshd: message` for bare sshd lines. */
function stampBare(message: string): string {
  return `${new Date().toISOString()} localhost sshd: ${message}`;
}

/**
 * Follows the host's auth logs: every configured file (rotation-safe, from the end on the very first
 * start, then from the persisted offset), and `journalctl -f` for sshd when no file exists.
 */
export class AuthLogSources {
  private readonly tailers: { path: string; tailer: FileTailer }[] = [];
  private journal: ChildProcess | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** What the offsets file holds now: an unchanged position (a quiet log, no log at all) is not rewritten. */
  private saved = '';

  constructor(private readonly o: AuthLogSourcesOptions) {}

  get following(): string[] {
    return [...this.tailers.map((t) => t.path), ...(this.journal ? ['journal'] : [])];
  }

  start(): void {
    let saved: Record<string, TailPosition> = {};
    try {
      const text = readFileSync(this.o.offsetsFile, 'utf8');
      saved = JSON.parse(text) as Record<string, TailPosition>;
      this.saved = text;
    } catch {
      // first start: every file is read from its end
    }
    for (const f of this.o.files) {
      const prior = saved[f.path];
      const tailer = new FileTailer({
        path: f.path,
        pollMs: this.o.pollMs ?? 250,
        ...(prior && Number.isSafeInteger(prior.pos) ? { resume: prior } : {}),
        onLine: (l) => this.o.onLine(f.path, f.format === 'sshd-bare' ? stampBare(l.text) : l.text),
        onError: (err) => this.o.log('warn', `auth log ${f.path} could not be read`, { error: err.message }),
      });
      tailer.start();
      this.tailers.push({ path: f.path, tailer });
    }
    const anyFile = this.o.files.some((f) => existsSync(f.path));
    if (!anyFile && this.o.journal !== false && journalAvailable()) {
      this.journal = followJournal({
        onLine: (line) => this.o.onLine('journal', line),
        onExit: (code) => {
          if (!this.stopped) this.o.log('warn', 'journalctl exited; sshd events from the journal stop', { code });
        },
      });
      this.journal.on('error', (err) => this.o.log('warn', 'journalctl could not start', { error: err.message }));
    }
    this.saveTimer = setInterval(() => this.saveOffsets(), 2_000);
    this.saveTimer.unref();
  }

  saveOffsets(): void {
    const out: Record<string, TailPosition> = {};
    for (const t of this.tailers) {
      const p = t.tailer.position;
      if (p) out[t.path] = p;
    }
    const text = JSON.stringify(out);
    if (text === this.saved) return;
    try {
      writeFileAtomic(this.o.offsetsFile, text);
      this.saved = text;
    } catch (err) {
      this.o.log('warn', 'auth log offsets not saved', { error: (err as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.saveTimer) clearInterval(this.saveTimer);
    await Promise.all(this.tailers.map((t) => t.tailer.stop()));
    this.saveOffsets();
    this.journal?.kill('SIGTERM');
  }
}
