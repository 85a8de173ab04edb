import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LineSplitter } from './line-splitter.js';

/** Fields of `journalctl -o json` we use. MESSAGE is an array of bytes when not valid UTF-8. */
export interface JournalEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
  _HOSTNAME?: string;
  SYSLOG_IDENTIFIER?: string;
  _COMM?: string;
  _PID?: string;
  SYSLOG_PID?: string;
}

const MAX_MESSAGE = 8192;

/**
 * Render a journal entry as an ISO-timestamped syslog line (`2024-01-02T03:04:05.000000Z host sshd[12]: msg`)
 * so the same parsers handle files and the journal. Null for entries without a message or time.
 */
export function journalEntryToLine(entry: JournalEntry): string | null {
  const raw = entry.MESSAGE;
  if (raw === undefined || raw === null) return null;
  const message = typeof raw === 'string' ? raw : Buffer.from(raw.slice(0, MAX_MESSAGE)).toString('utf8');
  const usec = entry.__REALTIME_TIMESTAMP;
  if (!usec || !/^\d{1,20}$/.test(usec)) return null;
  const us = BigInt(usec);
  const iso = new Date(Number(us / 1000n)).toISOString().replace(/\.\d{3}Z$/, `.${String(us % 1_000_000n).padStart(6, '0')}Z`);
  const ident = (entry.SYSLOG_IDENTIFIER ?? entry._COMM ?? 'unknown').replace(/[^\w.\-/]/g, '_');
  const pid = entry.SYSLOG_PID ?? entry._PID;
  const host = (entry._HOSTNAME ?? 'localhost').replace(/[\s[\]]/g, '_');
  const text = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message;
  return `${iso} ${host} ${ident}${pid && /^\d+$/.test(pid) ? `[${pid}]` : ''}: ${text.replace(/[\r\n]+/g, ' ')}`;
}

/** True when journalctl runs and the journal has at least one entry. */
export function journalAvailable(): boolean {
  const r = spawnSync('journalctl', ['-n', '1', '-o', 'json', '--no-pager', '-q'], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 && r.stdout.trim().startsWith('{');
}

export interface JournalFollowOptions {
  /** journalctl match arguments; default sshd plus common FTP/DB services. */
  matches?: string[];
  onLine: (line: string) => void;
  onExit?: (code: number | null) => void;
}

/** `journalctl -f -o json -n 0` as lines; stop by killing the returned child. */
export function followJournal(opts: JournalFollowOptions): ChildProcess {
  const matches = opts.matches ?? ['_COMM=sshd', '+', '_COMM=sshd-session', '+', '_COMM=vsftpd', '+', '_COMM=mariadbd', '+', '_COMM=mysqld'];
  const child = spawn('journalctl', ['-f', '-o', 'json', '-n', '0', '--no-pager', ...matches], { stdio: ['ignore', 'pipe', 'ignore'] });
  const splitter = new LineSplitter(64 * 1024);
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const { text, truncated } of splitter.push(chunk)) {
      if (truncated) continue;
      try {
        const line = journalEntryToLine(JSON.parse(text) as JournalEntry);
        if (line !== null) opts.onLine(line);
      } catch {
        // A malformed record is skipped; journalctl keeps streaming.
      }
    }
  });
  child.on('exit', (code) => opts.onExit?.(code));
  return child;
}
