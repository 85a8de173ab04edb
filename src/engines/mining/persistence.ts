import type { HostTextFile, PersistenceSnapshot } from '../traces/trace-snapshot.js';
import { findStratumUrls, isMinerName, type MinerIocs } from './iocs.js';

export type PersistenceKind = 'cron' | 'systemd' | 'rc' | 'authorized_keys';

export type CleanupStep =
  /** Remove exactly this line (the executor re-checks the text before editing). */
  | { action: 'delete-line'; path: string; lineNo: number; expected: string }
  | { action: 'delete-file'; path: string }
  | { action: 'disable-unit'; unit: string; path: string };

export interface PersistenceFinding {
  kind: PersistenceKind;
  path: string;
  lineNo: number | null;
  line: string | null;
  reason: 'references-miner' | 'references-pool' | 'stratum-url' | 'recently-added';
  level: 'serious' | 'suspicious';
  detail: string;
  cleanup: CleanupStep[];
}

export interface PersistenceIndicators {
  /** Executable paths of detected miners (from MinerFinding.exe / quarantinePath). */
  minerPaths?: readonly string[];
  /** Pool hosts, addresses or `host:port` seen in findings. */
  pools?: readonly string[];
}

export interface PersistenceOptions {
  nowMs: number;
  /** Files modified within this window count as recently added (default 7 days). */
  recentMs?: number;
}

const MAX_LINE = 300;

function clip(s: string): string {
  return s.length > MAX_LINE ? `${s.slice(0, MAX_LINE)}…` : s;
}

function isComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

function unitName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Why a line is suspicious, or null. */
function lineReason(line: string, iocs: MinerIocs, ind: PersistenceIndicators): { reason: PersistenceFinding['reason']; detail: string } | null {
  const lower = line.toLowerCase();
  for (const p of ind.minerPaths ?? []) {
    if (p !== '' && line.includes(p)) return { reason: 'references-miner', detail: `runs the detected miner ${p}` };
  }
  const urls = findStratumUrls(line, iocs, 1);
  if (urls[0]) return { reason: 'stratum-url', detail: `contains stratum URL ${urls[0].url}` };
  for (const pool of ind.pools ?? []) {
    if (pool !== '' && lower.includes(pool.toLowerCase())) return { reason: 'references-pool', detail: `references pool ${pool}` };
  }
  for (const d of iocs.domains) {
    if (lower.includes(d)) return { reason: 'references-pool', detail: `references pool domain ${d}` };
  }
  for (const token of line.split(/[\s;|&'"`()<>=]+/)) {
    const base = token.slice(token.lastIndexOf('/') + 1);
    const name = base === '' ? null : isMinerName(base, iocs);
    if (name) return { reason: 'references-miner', detail: `runs a known miner (${name})` };
  }
  return null;
}

/**
 * Persistence entries left by a miner: cron lines, systemd units, rc scripts and authorized_keys
 * entries that reference the miner binary, a pool or a stratum URL, plus entries in files changed
 * recently. Each finding carries its clean-up steps; `cleanupPlan` merges them. Pure.
 */
export function findPersistence(snapshot: PersistenceSnapshot, iocs: MinerIocs, indicators: PersistenceIndicators, options: PersistenceOptions): PersistenceFinding[] {
  const recentMs = options.recentMs ?? 7 * 86_400_000;
  const isRecent = (f: HostTextFile): boolean => options.nowMs - f.mtimeMs <= recentMs;
  const out: PersistenceFinding[] = [];

  const scanLines = (kind: PersistenceKind, f: HostTextFile, wholeFile: (reason: PersistenceFinding['reason'], detail: string) => CleanupStep[] | null): void => {
    let hits = 0;
    f.lines.forEach((line, i) => {
      if (isComment(line)) return;
      const why = lineReason(line, iocs, indicators);
      if (!why) return;
      hits++;
      const whole = wholeFile(why.reason, why.detail);
      out.push({
        kind,
        path: f.path,
        lineNo: i + 1,
        line: clip(line),
        ...why,
        level: 'serious',
        cleanup: whole ?? [{ action: 'delete-line', path: f.path, lineNo: i + 1, expected: line }],
      });
    });
    if (hits === 0 && isRecent(f) && f.ownedByPackage !== true) {
      // Recently changed and not explained by a package: every active entry is worth a look.
      f.lines.forEach((line, i) => {
        if (isComment(line)) return;
        const whole = wholeFile('recently-added', '');
        out.push({
          kind,
          path: f.path,
          lineNo: i + 1,
          line: clip(line),
          reason: 'recently-added',
          level: 'suspicious',
          detail: `file modified ${Math.round((options.nowMs - f.mtimeMs) / 3_600_000)} h ago`,
          cleanup: whole ?? [{ action: 'delete-line', path: f.path, lineNo: i + 1, expected: line }],
        });
      });
    }
  };

  for (const f of snapshot.cron) scanLines('cron', f, () => null);
  for (const f of snapshot.authorizedKeys) scanLines('authorized_keys', f, () => null);
  for (const f of snapshot.rcScripts) {
    // rc.local is shared: edit lines. An init.d script that runs a miner goes entirely.
    const shared = f.path.endsWith('/rc.local');
    scanLines('rc', f, () => (shared ? null : [{ action: 'delete-file', path: f.path }]));
  }
  for (const f of snapshot.systemdUnits) {
    scanLines('systemd', f, () => [
      { action: 'disable-unit', unit: unitName(f.path), path: f.path },
      { action: 'delete-file', path: f.path },
    ]);
  }
  return collapseUnits(out);
}

/** Several hits in one unit file are one finding: the unit is removed as a whole. */
function collapseUnits(findings: PersistenceFinding[]): PersistenceFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.kind !== 'systemd' && !(f.kind === 'rc' && !f.path.endsWith('/rc.local'))) return true;
    const key = `${f.path}|${f.reason === 'recently-added' ? 'recent' : 'hit'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The exact edits, deduplicated, deletions of lines in descending line order per file (so earlier
 * line numbers stay valid while executing), units disabled before their files are deleted.
 */
export function cleanupPlan(findings: readonly PersistenceFinding[], include: (f: PersistenceFinding) => boolean = () => true): CleanupStep[] {
  const steps = new Map<string, CleanupStep>();
  for (const f of findings) {
    if (!include(f)) continue;
    for (const s of f.cleanup) {
      const key = s.action === 'delete-line' ? `l|${s.path}|${s.lineNo}` : s.action === 'delete-file' ? `f|${s.path}` : `u|${s.unit}`;
      steps.set(key, s);
    }
  }
  const deletedFiles = new Set([...steps.values()].flatMap((s) => (s.action === 'delete-file' ? [s.path] : [])));
  const order = { 'disable-unit': 0, 'delete-line': 1, 'delete-file': 2 } as const;
  return [...steps.values()]
    .filter((s) => s.action !== 'delete-line' || !deletedFiles.has(s.path))
    .sort((a, b) => {
      if (order[a.action] !== order[b.action]) return order[a.action] - order[b.action];
      if (a.action === 'delete-line' && b.action === 'delete-line') return a.path === b.path ? b.lineNo - a.lineNo : a.path.localeCompare(b.path);
      return 0;
    });
}
