import { isLoopbackOrPrivate, parseIp } from '../bruteforce/ip.js';
import type { MinerIocs } from '../mining/iocs.js';
import { cleanupPlan, findPersistence, type CleanupStep } from '../mining/persistence.js';
import type { HostTextFile, TraceSnapshot } from './trace-snapshot.js';

export type TraceLevel = 'serious' | 'suspicious' | 'info';

export interface TraceItem {
  /** Stable kind of finding (e.g. `cron.dangerous`): consoles translate explanations by it. */
  code: string;
  level: TraceLevel;
  title: string;
  /** Why this item is in the report and what to check. */
  explanation: string;
  evidence: Record<string, string | number | boolean>;
}

export type TraceSectionId = 'logins' | 'remote-logins' | 'cron' | 'recent-files' | 'accounts' | 'temp-executables' | 'services' | 'authorized-keys' | 'persistence';

export interface TraceSection {
  id: TraceSectionId;
  title: string;
  level: TraceLevel;
  items: TraceItem[];
  truncated: boolean;
}

export interface TraceReport {
  hostname: string;
  generatedAtMs: number;
  level: TraceLevel;
  counts: Record<TraceLevel, number>;
  sections: TraceSection[];
  /** Clean-up for persistence found with miner indicators (execution is a separate, confirmed task). */
  cleanup: CleanupStep[];
  unreadable: string[];
}

export interface TraceReportOptions {
  /** "Recent" (default 24 h). */
  recentMs?: number;
  /** Items listed per section at most (default 200). */
  maxItemsPerSection?: number;
  /** Miner indicators: enables the persistence section. */
  minerIocs?: MinerIocs;
  /** Detected miner executables, for the persistence section. */
  minerPaths?: readonly string[];
}

const RANK: Record<TraceLevel, number> = { info: 0, suspicious: 1, serious: 2 };
const TEMP_PATH = /(?:^|[\s'"=;|&(])\/(?:tmp|var\/tmp|dev\/shm)\//;
// Download-and-run, decode-and-run and reverse-shell shapes seen in cron-based trojans.
const DANGEROUS_COMMAND = [
  /\b(?:curl|wget|fetch)\b[^|;]*\|\s*(?:ba|z|da)?sh\b/,
  /\bbase64\s+(?:-d|--decode)\b/,
  /\/dev\/tcp\//,
  /\b(?:nc|ncat|netcat)\b.*\s-e\s/,
  /\bbash\s+-i\b/,
  /\bchattr\s+\+i\b/,
];
const BIN_DIRS = /^\/(?:usr\/)?s?bin\//;

function fmtTime(ms: number): string {
  return new Date(ms).toISOString();
}

function maxLevel(levels: TraceLevel[]): TraceLevel {
  return levels.reduce<TraceLevel>((m, l) => (RANK[l] > RANK[m] ? l : m), 'info');
}

function isComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

function cronLineLevel(line: string): { level: TraceLevel; why: string } {
  if (DANGEROUS_COMMAND.some((re) => re.test(line))) return { level: 'serious', why: 'downloads, decodes or pipes code into a shell, or opens a network shell' };
  if (TEMP_PATH.test(line)) return { level: 'serious', why: 'runs something from a world-writable temporary directory' };
  return { level: 'info', why: 'scheduled command; confirm it is expected' };
}

/**
 * Turn collected traces into one report per host: each item says what was found and why it matters,
 * sections are ordered as the clean-up checklist. Pure.
 */
export function buildTraceReport(s: TraceSnapshot, options: TraceReportOptions = {}): TraceReport {
  const recentMs = options.recentMs ?? 86_400_000;
  const maxItems = options.maxItemsPerSection ?? 200;
  const isRecent = (ms: number): boolean => s.collectedAtMs - ms <= recentMs;
  const sections: TraceSection[] = [];
  const add = (id: TraceSectionId, title: string, items: TraceItem[], truncated = false): void => {
    items.sort((a, b) => RANK[b.level] - RANK[a.level]);
    sections.push({ id, title, level: maxLevel(items.map((i) => i.level)), items: items.slice(0, maxItems), truncated: truncated || items.length > maxItems || s.truncatedSections.includes(id) });
  };

  add(
    'logins',
    'Recent logins (wtmp/btmp)',
    s.logins.slice(-maxItems).map((l) => {
      const remote = l.host !== '' && parseIp(l.host) !== null && !isLoopbackOrPrivate(l.host);
      const level: TraceLevel = l.kind === 'user' && l.user === 'root' && remote ? 'suspicious' : 'info';
      return {
        code: l.kind === 'boot' ? 'login.boot' : l.kind === 'failed' ? 'login.failed' : level === 'suspicious' ? 'login.root-public' : 'login.history',
        level,
        title: l.kind === 'boot' ? `boot at ${fmtTime(l.timeMs)}` : `${l.kind === 'failed' ? 'failed login' : 'login'} ${l.user} on ${l.tty}${l.host ? ` from ${l.host}` : ''}`,
        explanation: level === 'suspicious' ? 'direct root login from a public address; confirm who it was' : 'login history; look for unknown users, sources or times',
        evidence: { user: l.user, tty: l.tty, host: l.host, time: fmtTime(l.timeMs), kind: l.kind },
      };
    }),
  );

  add(
    'remote-logins',
    'Accepted remote logins (auth log)',
    s.acceptedLogins.map((a) => {
      const pub = parseIp(a.source) !== null && !isLoopbackOrPrivate(a.source);
      const level: TraceLevel = pub && (a.user === 'root' || a.method === 'password') ? 'suspicious' : 'info';
      return {
        code: level === 'suspicious' ? (a.user === 'root' ? 'remote.root-public' : 'remote.password-public') : 'remote.accepted',
        level,
        title: `${a.user} via ${a.method ?? 'ssh'} from ${a.source}`,
        explanation: level === 'suspicious' ? `${a.user === 'root' ? 'root' : 'password'} login from a public address: a brute-forced or stolen credential looks like this` : 'successful remote login',
        evidence: { user: a.user, source: a.source, method: a.method ?? '', time: fmtTime(a.timeMs), line: a.line },
      };
    }),
  );

  const cronItems: TraceItem[] = [];
  for (const f of s.cron) {
    f.lines.forEach((line, i) => {
      if (isComment(line) || /^\s*[A-Z_]+=/.test(line)) return;
      const c = cronLineLevel(line);
      const level: TraceLevel = c.level === 'info' && isRecent(f.mtimeMs) && f.ownedByPackage !== true ? 'suspicious' : c.level;
      cronItems.push({
        code: c.level === 'serious' ? (DANGEROUS_COMMAND.some((re) => re.test(line)) ? 'cron.dangerous' : 'cron.temp-path') : level === 'suspicious' ? 'cron.recent-unpackaged' : 'cron.entry',
        level,
        title: `${f.path}:${i + 1}`,
        explanation: level === 'suspicious' && c.level === 'info' ? 'added or changed in the last day by no package' : c.why,
        evidence: { path: f.path, line: i + 1, entry: line.slice(0, 300), modified: fmtTime(f.mtimeMs), packaged: f.ownedByPackage === true },
      });
    });
  }
  add('cron', 'Scheduled tasks (cron)', cronItems);

  add(
    'recent-files',
    `Files changed in the last ${Math.round(recentMs / 3_600_000)} h under system paths`,
    s.recentFiles.map((f) => {
      const bin = BIN_DIRS.test(f.path) || f.path.includes('/systemd/');
      const level: TraceLevel = f.ownedByPackage ? 'info' : bin ? 'serious' : 'suspicious';
      return {
        code: f.ownedByPackage ? 'file.package-changed' : bin ? 'file.unpackaged-program' : 'file.unpackaged-config',
        level,
        title: f.path,
        explanation: f.ownedByPackage
          ? 'package file changed recently: expected after an upgrade, otherwise verify with `dpkg --verify`'
          : bin
            ? 'new or replaced program/unit that no package owns: a typical trojan or backdoor drop'
            : 'configuration changed recently by no package',
        evidence: { path: f.path, modified: fmtTime(f.mtimeMs), changed: fmtTime(f.ctimeMs), size: f.size, mode: (f.mode & 0o7777).toString(8), packaged: f.ownedByPackage === true },
      };
    }),
  );

  const accountItems: TraceItem[] = [];
  for (const a of s.accounts) {
    if (a.uid === 0 && a.name !== 'root') {
      accountItems.push({ code: 'account.uid0', level: 'serious', title: `${a.name} has uid 0`, explanation: 'a second superuser account is a classic backdoor', evidence: { user: a.name, uid: a.uid, shell: a.shell } });
    }
    if (a.passwordStatus === 'empty') {
      accountItems.push({ code: 'account.empty-password', level: 'serious', title: `${a.name} has an empty password`, explanation: 'anyone can log in as this account where password login is allowed', evidence: { user: a.name, uid: a.uid, shell: a.shell } });
    }
  }
  add('accounts', 'Suspicious accounts', accountItems);

  add(
    'temp-executables',
    'Executables in /tmp, /var/tmp and /dev/shm',
    s.tempExecutables.map((t) => ({
      code: t.elf ? 'temp.elf' : 'temp.script',
      level: t.elf ? 'serious' : 'suspicious',
      title: t.path,
      explanation: t.elf ? 'a compiled program in a world-writable directory: droppers and miners live here' : 'an executable script in a world-writable directory',
      evidence: { path: t.path, size: t.size, mode: t.mode.toString(8), uid: t.uid, modified: fmtTime(t.mtimeMs), elf: t.elf },
    })),
  );

  const serviceItems: TraceItem[] = [];
  const unitByName = new Map<string, HostTextFile>(s.systemdUnits.map((u) => [u.path.slice(u.path.lastIndexOf('/') + 1), u]));
  for (const e of s.enabledUnits) {
    const file = unitByName.get(e.name);
    const exec = file?.lines.find((l) => /^\s*Exec(?:Start|StartPre|StartPost)\s*=/.test(l)) ?? '';
    const temp = TEMP_PATH.test(` ${exec.replace(/^[^=]*=/, '')}`);
    if (e.ownedByPackage && !temp) continue;
    serviceItems.push({
      code: temp ? 'service.temp-path' : 'service.unpackaged',
      level: temp ? 'serious' : 'suspicious',
      title: `${e.name} (enabled in ${e.wantedBy})`,
      explanation: temp ? 'service started from a temporary directory' : 'enabled service not installed by any package: confirm it is yours',
      evidence: { unit: e.name, wantedBy: e.wantedBy, target: e.target, exec: exec.trim().slice(0, 300) },
    });
  }
  for (const r of s.rcScripts) {
    if (r.ownedByPackage === true) continue;
    const active = r.lines.filter((l) => !isComment(l) && !/^\s*exit\s+0\s*$/.test(l));
    if (r.path.endsWith('/rc.local') && active.length === 0) continue;
    serviceItems.push({
      code: 'service.init-script',
      level: active.some((l) => cronLineLevel(l).level === 'serious') ? 'serious' : 'suspicious',
      title: r.path,
      explanation: 'boot script not installed by any package',
      evidence: { path: r.path, modified: fmtTime(r.mtimeMs), firstCommands: active.slice(0, 5).join(' ; ').slice(0, 300) },
    });
  }
  add('services', 'Services and init scripts not owned by a package', serviceItems);

  const keyItems: TraceItem[] = [];
  for (const f of s.authorizedKeys) {
    const keys = f.lines.filter((l) => !isComment(l));
    const recent = isRecent(f.mtimeMs);
    keyItems.push({
      code: recent ? 'keys.recent' : 'keys.present',
      level: recent ? 'suspicious' : 'info',
      title: `${f.path}: ${keys.length} key(s)`,
      explanation: recent ? 'changed in the last day: attackers add their key here to keep access' : 'keys that can log in; remove any you do not recognise',
      evidence: { path: f.path, keys: keys.length, modified: fmtTime(f.mtimeMs), comments: keys.map((k) => k.split(/\s+/).slice(2).join(' ')).filter((c) => c !== '').join(', ').slice(0, 300) },
    });
  }
  add('authorized-keys', 'SSH authorized_keys', keyItems);

  let cleanup: CleanupStep[] = [];
  if (options.minerIocs) {
    const pf = findPersistence(s, options.minerIocs, { minerPaths: options.minerPaths ?? [] }, { nowMs: s.collectedAtMs, recentMs });
    const hits = pf.filter((f) => f.reason !== 'recently-added');
    add(
      'persistence',
      'Miner persistence',
      hits.map((f) => ({ code: `persistence.${f.kind}`, level: f.level, title: `${f.path}${f.lineNo ? `:${f.lineNo}` : ''}`, explanation: f.detail, evidence: { path: f.path, kind: f.kind, line: f.line ?? '' } })),
    );
    cleanup = cleanupPlan(hits);
  }

  const counts: Record<TraceLevel, number> = { serious: 0, suspicious: 0, info: 0 };
  for (const sec of sections) for (const i of sec.items) counts[i.level]++;
  return {
    hostname: s.hostname,
    generatedAtMs: s.collectedAtMs,
    level: maxLevel(sections.map((x) => x.level)),
    counts,
    sections,
    cleanup,
    unreadable: s.unreadable,
  };
}
