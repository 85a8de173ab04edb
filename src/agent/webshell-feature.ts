import { createHash, randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { WebshellFinding } from '../engines/webshell/index.js';
import type { EventQueue } from './event-queue.js';
import type { AgentLink } from './link.js';
import { registerTask } from './task-handlers.js';
import { writeFileAtomic } from './home.js';

/** Task kind the server sends for StartWebshellScan (src/actions/leaks.ts). */
export const WEBSHELL_TASK_KIND = 'webshell.scan';
/** Snapshot (or, while the link is down, queued event) kind carrying webshell findings. */
export const WEBSHELL_REPORT_KIND = 'webshell';
/** Event kind of the alert pipeline (src/domain/alerts/alert-types.ts ALERT_EVENT_KIND; same string, no import: agent code stays server-free). */
const ALERT_EVENT_KIND = 'alert';
const RANK = { low: 0, medium: 1, high: 2 } as const;

const MAX_ROOTS = 16;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_REPORT_FINDINGS = 500;
const DEBOUNCE_MS = 300;
/** Files waiting for their debounced re-scan; a mass change beyond this waits for the next full scan. */
const MAX_PENDING = 10_000;
const FULL_RESCAN_MS = 24 * 3_600_000;
const DEFAULT_ROOT = '/var/www';
const ROOT_DIRECTIVE = /^\s*(?:root|DocumentRoot|alias)\s+"?([^";\s]+)"?/gim;
const SERVER_CONFIG_DIRS = ['/etc/nginx/sites-enabled', '/etc/nginx/conf.d', '/etc/apache2/sites-enabled', '/etc/httpd/conf.d'];

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/** What the server stores per finding (src/domain/leaks/webshell-service.ts). */
export interface WebshellReportFinding {
  path: string;
  sha256: string;
  ruleId: string;
  confidence: WebshellFinding['confidence'];
  level: WebshellFinding['level'];
  message: string;
  evidence: Array<{ offset: number; length: number; excerpt: string }>;
}

export interface WebshellReport {
  trigger: 'task' | 'watch' | 'schedule';
  roots: string[];
  findings: WebshellReportFinding[];
  files?: number;
}

/** Web roots named by nginx/Apache configs on this host (`root`, `DocumentRoot`, `alias`), else /var/www. */
export async function discoverWebRoots(): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of SERVER_CONFIG_DIRS) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.slice(0, 200)) {
      const text = await readFile(join(dir, n), 'utf8').catch(() => '');
      for (const m of text.slice(0, 1024 * 1024).matchAll(ROOT_DIRECTIVE)) if (m[1] && isAbsolute(m[1])) found.add(m[1].replace(/\/+$/, '') || '/');
    }
  }
  const roots: string[] = [];
  for (const r of found.size > 0 ? found : [DEFAULT_ROOT]) if ((await stat(r).catch(() => undefined))?.isDirectory()) roots.push(r);
  return roots.slice(0, MAX_ROOTS);
}

/**
 * The rule engine and the directory scanner are loaded the first time a file is scanned: most hosts
 * have no web root, and an agent that only watches one pays for them when something changes.
 */
const loadEngine = () => import('../engines/webshell/index.js');
const loadScanner = () => import('../host/files/index.js');

function toReportFinding(path: string, sha256: string, f: WebshellFinding): WebshellReportFinding {
  return { path, sha256, ruleId: f.ruleId, confidence: f.confidence, level: f.level, message: f.message, evidence: f.evidence.slice(0, 3) };
}

function parsePaths(params: unknown): string[] | undefined {
  const p = (params ?? {}) as { paths?: unknown };
  if (p.paths === undefined) return undefined;
  if (!Array.isArray(p.paths) || p.paths.length === 0 || p.paths.length > MAX_ROOTS || !p.paths.every((x) => typeof x === 'string' && isAbsolute(x) && x.length < 4096)) {
    throw new Error(`paths must be 1-${MAX_ROOTS} absolute directory paths`);
  }
  return p.paths as string[];
}

/**
 * Webshell scanning on the host: full scans of the web roots on demand (task
 * `webshell.scan`) and daily, and a recursive watcher on those roots that re-scans a changed file
 * within a second. Findings go to the server as `webshell` snapshots (queued as events while the
 * link is down, so nothing found offline is lost).
 */
export function startWebshell(link: AgentLink, queue: EventQueue, home: string, log: Log): { stop(): void } {
  const rootsFile = join(home, 'webshell-roots.json');
  const watchers = new Map<string, FSWatcher>();
  const pending = new Map<string, NodeJS.Timeout>();
  let timer: NodeJS.Timeout | null = null;

  const report = (r: WebshellReport) => {
    if (r.findings.length === 0 && r.trigger === 'watch') return;
    const data = { ...r, findings: r.findings.slice(0, MAX_REPORT_FINDINGS) };
    if (!link.send({ type: 'snapshot', id: randomUUID(), kind: WEBSHELL_REPORT_KIND, full: false, data })) {
      queue.push(WEBSHELL_REPORT_KIND, data);
    }
    // One alert per file (its strongest finding) into the alert pipeline, where quarantine acts on details.file.
    const perFile = new Map<string, WebshellReportFinding>();
    for (const f of data.findings) {
      const prev = perFile.get(f.path);
      if (!prev || RANK[f.confidence] > RANK[prev.confidence]) perFile.set(f.path, f);
    }
    for (const f of perFile.values()) {
      queue.push(ALERT_EVENT_KIND, {
        ruleId: 'webshell',
        name: `Webshell: ${f.ruleId}`,
        level: f.level,
        aggKey: f.path,
        details: { file: { path: f.path, sha256: f.sha256 }, evidence: [f.message, ...f.evidence.map((e) => `@${e.offset}: ${e.excerpt}`)].join('\n').slice(0, 2048) },
      });
    }
    if (perFile.size > 0) link.flush();
  };

  const scanFile = async (root: string, file: string) => {
    // lstat: a symlink is never followed (it could point out of the web root).
    const st = await lstat(file).catch(() => undefined);
    if (!st?.isFile() || st.size > MAX_FILE_BYTES) return;
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes || bytes.subarray(0, 8192).includes(0)) return;
    const { scanWebContent } = await loadEngine();
    const findings = scanWebContent({ path: file, bytes });
    if (findings.length === 0) return;
    const sha = createHash('sha256').update(bytes).digest('hex');
    report({ trigger: 'watch', roots: [root], findings: findings.map((f) => toReportFinding(file, sha, f)) });
  };

  const watchRoot = (root: string) => {
    if (watchers.has(root) || watchers.size >= MAX_ROOTS) return;
    try {
      const w = watch(root, { recursive: true, persistent: false }, (_event, name) => {
        if (!name) return;
        const file = join(root, name.toString());
        if (relative(root, file).startsWith('..')) return;
        const prev = pending.get(file);
        if (prev) clearTimeout(prev);
        else if (pending.size >= MAX_PENDING) return;
        // Debounced: an editor's write-then-rename or a large upload settles first.
        pending.set(file, setTimeout(() => {
          pending.delete(file);
          void scanFile(root, file).catch((err: unknown) => log('warn', 'webshell re-scan failed', { file, error: String(err) }));
        }, DEBOUNCE_MS));
      });
      w.on('error', (err) => {
        log('warn', 'webshell watcher stopped', { root, error: err.message });
        w.close();
        watchers.delete(root);
      });
      watchers.set(root, w);
    } catch (err) {
      log('warn', 'cannot watch web root', { root, error: err instanceof Error ? err.message : String(err) });
    }
  };

  const fullScan = async (roots: string[], trigger: WebshellReport['trigger']) => {
    const findings: WebshellReportFinding[] = [];
    let files = 0;
    const scanned: string[] = [];
    for (const r of roots) {
      const real = await realpath(r).catch(() => undefined);
      if (!real || !(await stat(real)).isDirectory()) continue;
      scanned.push(real);
      const { scanDirectoryForWebshells } = await loadScanner();
      const res = await scanDirectoryForWebshells(real, { maxFileBytes: MAX_FILE_BYTES });
      files += res.stats.files;
      const hashes = new Map<string, string>();
      for (const f of res.findings) {
        let sha = hashes.get(f.path);
        if (sha === undefined) {
          const bytes = await readFile(f.path).catch(() => Buffer.alloc(0));
          sha = createHash('sha256').update(bytes).digest('hex');
          hashes.set(f.path, sha);
        }
        findings.push(toReportFinding(f.path, sha, f));
      }
      watchRoot(real);
    }
    report({ trigger, roots: scanned, findings, files });
    return { roots: scanned, files, findings: findings.length };
  };

  const schedule = (roots: string[]) => {
    if (timer) clearInterval(timer);
    timer = setInterval(() => void fullScan(roots, 'schedule').catch((err: unknown) => log('warn', 'scheduled webshell scan failed', { error: String(err) })), FULL_RESCAN_MS);
    timer.unref();
  };

  registerTask(WEBSHELL_TASK_KIND, {
    protection: true,
    run: async (params) => {
      const roots = parsePaths(params) ?? (await discoverWebRoots());
      if (roots.length === 0) throw new Error('no web root found on this host; pass paths');
      const r = await fullScan(roots, 'task');
      writeFileAtomic(rootsFile, JSON.stringify(r.roots));
      schedule(r.roots);
      return r;
    },
  });

  // Roots of the last task keep being watched across agent restarts.
  void readFile(rootsFile, 'utf8')
    .then((t) => {
      const roots = (JSON.parse(t) as unknown[]).filter((x): x is string => typeof x === 'string').slice(0, MAX_ROOTS);
      for (const r of roots) watchRoot(r);
      schedule(roots);
    })
    .catch(() => undefined);

  return {
    stop() {
      if (timer) clearInterval(timer);
      for (const t of pending.values()) clearTimeout(t);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
