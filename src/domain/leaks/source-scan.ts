import { execFile } from 'node:child_process';
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanGitHistory } from '../../engines/secrets/git-history.js';
import type { SecretFinding } from '../../engines/secrets/index.js';
import { scanDirectoryForSecrets } from '../../host/files/index.js';
import { VigilError } from '../errors.js';
import { redactedExcerpt } from './leak-excerpt.js';

export type LeakSourceKind = 'dir' | 'git';

/** One credential found in a source, with everything the leak record keeps (never the secret). */
export interface SourceLeak {
  ruleId: string;
  provider: string;
  secretHash: string;
  keyId?: string;
  file: string;
  line: number;
  commit?: string;
  author?: string;
  commitDate?: string;
  excerpt: string;
}

export interface SourceScanLimits {
  /** Findings kept per scan (default 2000); the rest are counted as truncated. */
  maxFindings: number;
  gitTimeoutMs: number;
  maxFileBytes: number;
}

export const DEFAULT_SCAN_LIMITS: SourceScanLimits = { maxFindings: 2000, gitTimeoutMs: 120_000, maxFileBytes: 5 * 1024 * 1024 };

/**
 * Normalises a registered location to an absolute local path. Only local paths are accepted (the
 * server does not fetch remote repositories): a directory, or a git work tree / bare repository
 * given as a path or a `file://` URL.
 */
export async function resolveSourceLocation(kind: LeakSourceKind, location: string): Promise<string> {
  let p = location.trim();
  if (p.startsWith('file://')) {
    try {
      p = fileURLToPath(p);
    } catch {
      throw new VigilError('InvalidParameter.Location', 'The file:// URL is not valid.', 400);
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^[^/]+@[^/]+:/.test(p)) {
    throw new VigilError('InvalidParameter.Location', 'Only local paths and file:// URLs are scanned; clone remote repositories on the server host first.', 400);
  }
  if (!isAbsolute(p)) throw new VigilError('InvalidParameter.Location', 'The location must be an absolute path.', 400);
  const st = await stat(p).catch(() => undefined);
  if (!st?.isDirectory()) throw new VigilError('InvalidParameter.Location', `No directory at ${p}.`, 400);
  const real = await realpath(p);
  if (kind === 'git') {
    const isRepo = (await stat(join(real, '.git')).catch(() => undefined)) ?? (await stat(join(real, 'HEAD')).catch(() => undefined));
    if (!isRepo) throw new VigilError('InvalidParameter.Location', `${p} is not a git repository.`, 400);
  }
  return real;
}

/**
 * An Alibaba key id paired with its secret is reported twice by the engine (id and secret); the
 * secret finding carries the id, so the bare id finding is dropped. An unpaired id is kept.
 */
function keep(f: SecretFinding): boolean {
  return !(f.ruleId === 'alibaba-access-key-id' && f.paired);
}

function lineOf(text: string, line: number): string {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

function gitShow(repo: string, commit: string, file: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', repo, '-c', 'core.fsmonitor=false', '--no-pager', 'show', '--no-textconv', `${commit}:${file}`],
      { maxBuffer: 8 * 1024 * 1024, timeout: timeoutMs, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' } },
      (err, stdout) => resolve(err ? '' : stdout),
    );
  });
}

const base = (f: SecretFinding) => ({ ruleId: f.ruleId, provider: f.provider, secretHash: f.secretHash, ...(f.keyId ? { keyId: f.keyId } : {}) });

/** Scans a registered source (bounded) and returns its leaks with redacted excerpts. */
export async function scanLeakSource(kind: LeakSourceKind, path: string, limits: SourceScanLimits = DEFAULT_SCAN_LIMITS): Promise<{ leaks: SourceLeak[]; truncated: boolean; detail: string }> {
  const leaks: SourceLeak[] = [];
  if (kind === 'dir') {
    const r = await scanDirectoryForSecrets(path, { maxFileBytes: limits.maxFileBytes });
    const findings = r.findings.filter(keep);
    const texts = new Map<string, string>();
    for (const f of findings.slice(0, limits.maxFindings)) {
      let text = texts.get(f.path);
      if (text === undefined) {
        text = await readFile(f.path, 'utf8').catch(() => '');
        texts.clear(); // one file's text at a time: findings arrive grouped by file
        texts.set(f.path, text);
      }
      const rel = f.path.startsWith(path + '/') ? f.path.slice(path.length + 1) : f.path;
      leaks.push({ ...base(f), file: rel, line: f.line, excerpt: redactedExcerpt(lineOf(text, f.line), f.column, f.secretHash, f.redacted) });
    }
    return { leaks, truncated: findings.length > limits.maxFindings, detail: `${r.stats.files} files scanned` };
  }
  const r = await scanGitHistory(path, { timeoutMs: limits.gitTimeoutMs });
  const findings = r.findings.filter(keep);
  for (const f of findings.slice(0, limits.maxFindings)) {
    const text = await gitShow(path, f.commit, f.file, 10_000);
    leaks.push({ ...base(f), file: f.file, line: f.line, commit: f.commit, author: f.author, commitDate: f.date, excerpt: redactedExcerpt(lineOf(text, f.line), f.column, f.secretHash, f.redacted) });
  }
  const truncated = r.truncated || r.timedOut || findings.length > limits.maxFindings;
  return { leaks, truncated, detail: `${r.commits} commits scanned${r.timedOut ? ' (timed out)' : r.truncated ? ' (output limit reached)' : ''}` };
}
