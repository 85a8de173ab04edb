import { readlinkSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { AuthLogParser } from '../../engines/bruteforce/auth-log-parser.js';
import type {
  AcceptedLogin,
  AccountEntry,
  ChangedFile,
  EnabledUnit,
  PasswordStatus,
  TempExecutable,
  TraceSnapshot,
} from '../../engines/traces/trace-snapshot.js';
import { ownedAmong, readBounded, tryLstat, tryReaddir, walkBounded } from './fs-bounded.js';
import { collectPersistenceFiles } from './persistence-files.js';
import { parseWtmp } from './wtmp.js';

export interface CollectTracesOptions {
  /** Root of the host filesystem (default `/`); tests point it at a fixture tree. */
  root?: string;
  /** Directories searched for executables (absolute, not under `root`); default root's /tmp, /var/tmp, /dev/shm. */
  tempDirs?: string[];
  /** System directories searched for recent changes (relative to root). */
  systemDirs?: string[];
  nowMs?: number;
  /** "Recent" for changed files (default 24 h). */
  recentMs?: number;
  hostname?: string;
  /** Local time offset of the logs, minutes east of UTC (default: this process's zone). */
  utcOffsetMinutes?: number;
  maxLinesPerFile?: number;
  maxRecentFiles?: number;
  maxWalkEntries?: number;
  maxTempExecutables?: number;
  /** Bytes read from the end of each auth log (default 8 MiB). */
  maxAuthLogBytes?: number;
}

const SYSTEM_DIRS = ['/etc', '/usr/bin', '/usr/sbin', '/bin', '/sbin', '/lib/systemd', '/usr/lib/systemd'];
const AUTH_LOGS = ['/var/log/auth.log.1', '/var/log/auth.log', '/var/log/secure.1', '/var/log/secure'];

function classifyPassword(field: string | undefined): PasswordStatus {
  if (field === undefined) return 'no-shadow-entry';
  if (field === '') return 'empty';
  if (field.startsWith('!') || field.startsWith('*')) return 'locked';
  return 'hash';
}

/**
 * Gather the evidence for an intrusion-trace report, bounded everywhere. Reads only; /etc/shadow is
 * read for the status of the password field, the field itself is never kept.
 */
export function collectTraces(options: CollectTracesOptions = {}): TraceSnapshot {
  const root = options.root ?? '/';
  const at = (p: string): string => join(root, p);
  const nowMs = options.nowMs ?? Date.now();
  const recentMs = options.recentMs ?? 86_400_000;
  const maxLines = options.maxLinesPerFile ?? 500;
  const truncatedSections: string[] = [];
  const unreadable: string[] = [];

  // --- logins (wtmp, btmp)
  const logins = [];
  for (const [file, failed] of [['/var/log/wtmp', false], ['/var/log/btmp', true]] as const) {
    const buf = readBounded(at(file), 384 * 2000, true);
    if (buf === null) unreadable.push(file);
    else logins.push(...parseWtmp(buf.subarray(buf.length % 384), { failed, max: 200 }));
  }

  // --- accepted remote logins from auth logs
  const acceptedLogins: AcceptedLogin[] = [];
  const parser = new AuthLogParser({ time: { year: new Date(nowMs).getUTCFullYear(), utcOffsetMinutes: options.utcOffsetMinutes ?? -new Date(nowMs).getTimezoneOffset(), notAfterMs: nowMs } });
  for (const file of AUTH_LOGS) {
    const buf = readBounded(at(file), options.maxAuthLogBytes ?? 8 * 1024 * 1024, true);
    if (buf === null) continue;
    for (const line of buf.toString('utf8').split('\n')) {
      for (const ev of parser.feed(line)) {
        if (ev.kind !== 'success') continue;
        acceptedLogins.push({ user: ev.user ?? '', source: ev.source, timeMs: ev.timeMs, line: ev.line, ...(ev.method !== undefined ? { method: ev.method } : {}) });
      }
    }
  }
  if (acceptedLogins.length > 500) {
    acceptedLogins.splice(0, acceptedLogins.length - 500);
    truncatedSections.push('acceptedLogins');
  }

  // --- accounts
  const accounts: AccountEntry[] = [];
  const shadowStatus = new Map<string, string>();
  const shadow = readBounded(at('/etc/shadow'), 1024 * 1024);
  if (shadow === null) unreadable.push('/etc/shadow');
  else {
    for (const line of shadow.toString('utf8').split('\n')) {
      const [name, pw] = line.split(':');
      if (name && pw !== undefined) shadowStatus.set(name, pw);
    }
  }
  const passwd = readBounded(at('/etc/passwd'), 1024 * 1024);
  for (const line of (passwd?.toString('utf8') ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !f[0]) continue;
    const pwField = f[1] === 'x' ? shadowStatus.get(f[0]) : f[1];
    accounts.push({
      name: f[0],
      uid: Number(f[2]),
      gid: Number(f[3]),
      home: f[5] ?? '',
      shell: f[6] ?? '',
      passwordStatus: shadow === null && f[1] === 'x' ? 'unknown' : classifyPassword(pwField),
    });
  }
  shadowStatus.clear();

  // --- cron, unit files, rc scripts, authorized_keys (the accounts' homes too)
  const { cron, systemdUnits, rcScripts, authorizedKeys } = collectPersistenceFiles(root, { maxLines, homes: accounts.map((a) => a.home) });
  // --- enabled units (links in /etc/systemd/system/*.wants)
  const enabledUnits: EnabledUnit[] = [];
  for (const wants of tryReaddir(at('/etc/systemd/system')).filter((n) => n.endsWith('.wants'))) {
    const p = `/etc/systemd/system/${wants}`;
    for (const link of tryReaddir(at(p))) {
      let target = '';
      try {
        target = readlinkSync(at(`${p}/${link}`));
      } catch {
        continue;
      }
      enabledUnits.push({ name: link, wantedBy: wants, target, ownedByPackage: false });
    }
  }

  // --- files changed recently under system paths
  const recentFiles: ChangedFile[] = [];
  const maxRecent = options.maxRecentFiles ?? 2000;
  let walkBudget = options.maxWalkEntries ?? 300_000;
  const seenDirs = new Set<string>();
  for (const dir of options.systemDirs ?? SYSTEM_DIRS) {
    const st = tryLstat(at(dir));
    if (!st?.isDirectory() || seenDirs.has(dir)) continue; // merged-/usr: /bin is a symlink, walked via /usr/bin
    seenDirs.add(dir);
    const r = walkBounded(at(dir), { maxDepth: 12, maxVisited: walkBudget }, ({ path, stats }) => {
      if (!stats.isFile() && !stats.isSymbolicLink()) return;
      if (nowMs - Math.max(stats.mtimeMs, stats.ctimeMs) > recentMs) return;
      if (recentFiles.length >= maxRecent) return;
      const display = root === '/' ? path : path.slice(root.replace(/\/$/, '').length);
      recentFiles.push({ path: display, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, size: stats.size, mode: stats.mode, ownedByPackage: false });
    });
    walkBudget -= r.visited;
    if (r.truncated && !truncatedSections.includes('recentFiles')) truncatedSections.push('recentFiles');
  }
  if (recentFiles.length >= maxRecent && !truncatedSections.includes('recentFiles')) truncatedSections.push('recentFiles');

  // --- executables in temp dirs
  const tempExecutables: TempExecutable[] = [];
  const maxTemp = options.maxTempExecutables ?? 500;
  for (const dir of options.tempDirs ?? ['/tmp', '/var/tmp', '/dev/shm'].map(at)) {
    const r = walkBounded(dir, { maxDepth: 6, maxVisited: 100_000 }, ({ path, stats }) => {
      if (!stats.isFile() || tempExecutables.length >= maxTemp) return;
      const head = stats.size >= 4 ? readBounded(path, 4) : null;
      const elf = head !== null && head.length === 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
      if ((stats.mode & 0o111) === 0 && !elf) return;
      tempExecutables.push({ path, size: stats.size, mode: stats.mode & 0o7777, uid: stats.uid, mtimeMs: stats.mtimeMs, elf });
    });
    if ((r.truncated || tempExecutables.length >= maxTemp) && !truncatedSections.includes('tempExecutables')) truncatedSections.push('tempExecutables');
  }

  // --- package ownership, looked up only for the paths found above
  const unitPaths = (name: string) => [`/lib/systemd/system/${name}`, `/usr/lib/systemd/system/${name}`];
  const candidates = new Set<string>([...cron, ...systemdUnits, ...rcScripts, ...recentFiles].map((f) => f.path));
  for (const e of enabledUnits) for (const p of [e.target, ...unitPaths(e.name)]) candidates.add(p);
  const owned = ownedAmong(at('/var/lib/dpkg/info'), candidates);
  for (const f of [...cron, ...systemdUnits, ...rcScripts, ...recentFiles]) f.ownedByPackage = owned.has(f.path);
  for (const e of enabledUnits) e.ownedByPackage = [e.target, ...unitPaths(e.name)].some((p) => owned.has(p));
  // Package-owned units under /lib are the distribution's; only foreign ones are kept.
  const foreignUnits = systemdUnits.filter((u) => u.path.startsWith('/etc/systemd/system/') || !u.ownedByPackage);

  return {
    hostname: options.hostname ?? osHostname(),
    collectedAtMs: nowMs,
    root,
    logins,
    acceptedLogins,
    accounts,
    cron,
    systemdUnits: foreignUnits,
    enabledUnits,
    rcScripts,
    authorizedKeys,
    recentFiles,
    tempExecutables,
    truncatedSections,
    unreadable,
  };
}
