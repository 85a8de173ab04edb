/**
 * Leaked credentials under the --path directories, and in the history of those that are git
 * repositories. Output carries only the engine's redacted form (first 4 + **** + last 2).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretConfidence, SecretFinding } from '../../engines/secrets/index.js';
import { scanGitHistory, type GitSecretFinding } from '../../engines/secrets/git-history.js';
import { scanDirectoryForSecrets } from '../../host/files/index.js';
import { findingId } from '../finding-id.js';
import type { PartRunner } from '../part-types.js';
import type { PartStats, ScanFinding, ScanLevel } from '../report-types.js';
import { addWalkStats, type ContentScanOptions } from './webshell-part.js';

const LEVEL: Record<SecretConfidence, ScanLevel> = { high: 'serious', medium: 'suspicious', low: 'remind' };

function levelOf(f: SecretFinding): ScanLevel {
  return f.paired ? 'serious' : LEVEL[f.confidence];
}

function fixFor(f: SecretFinding, inHistory: boolean): string {
  const rotate = `Revoke or rotate this ${f.provider} credential at its issuer now (assume it is compromised), then move it to a secret store or environment variable.`;
  return inHistory
    ? `${rotate} Deleting the file is not enough: the key stays in git history until the history is rewritten (git filter-repo) and every clone is replaced.`
    : rotate;
}

function title(f: SecretFinding): string {
  return `${f.provider} credential ${f.redacted} (${f.ruleId}${f.paired ? ', key id and secret together' : ''})`;
}

export function secretsPart(opts: ContentScanOptions): PartRunner {
  return async (ctx) => {
    const findings: ScanFinding[] = [];
    const stats: PartStats = { paths: opts.paths.length, gitRepositories: 0, commits: 0 };
    const errors: string[] = [];
    for (const dir of opts.paths) {
      if (ctx.signal.aborted) break;
      ctx.progress(`scanning files under ${dir}`);
      // Same secret in the same file: the working-tree finding mentions the history instead of a second finding.
      const current = new Map<string, ScanFinding>();
      try {
        const res = await scanDirectoryForSecrets(dir, { maxFileBytes: opts.maxFileBytes });
        addWalkStats(stats, res.stats);
        for (const f of res.findings) {
          const sf: ScanFinding = {
            id: findingId('secrets', f.ruleId, `${f.path}\u0000${f.line}\u0000${f.column}`),
            rule: f.ruleId,
            level: levelOf(f),
            title: title(f),
            detail: `${f.confidence} confidence, line ${f.line} column ${f.column}`,
            location: { path: f.path, line: f.line },
            fix: fixFor(f, false),
          };
          findings.push(sf);
          current.set(`${f.path}\u0000${f.secretHash}`, sf);
        }
      } catch (e) {
        errors.push(`${dir}: ${(e as Error).message}`);
        continue;
      }
      if (!existsSync(join(dir, '.git'))) continue;
      stats.gitRepositories = Number(stats.gitRepositories) + 1;
      ctx.progress(`scanning git history of ${dir}`);
      try {
        const hist = await scanGitHistory(dir, { timeoutMs: Math.max(1000, ctx.deadline - Date.now()) });
        stats.commits = Number(stats.commits) + hist.commits;
        if (hist.timedOut || hist.truncated) errors.push(`${dir}: git history ${hist.timedOut ? 'timed out' : 'truncated'} after ${hist.commits} commits`);
        const seenInHistory = new Set<string>();
        for (const g of hist.findings) addHistoryFinding(findings, current, seenInHistory, dir, g);
      } catch (e) {
        errors.push(`${dir}: git history: ${(e as Error).message}`);
      }
    }
    return { findings, stats, ...(errors.length ? { error: errors.join('; ') } : {}) };
  };
}

function addHistoryFinding(
  out: ScanFinding[],
  current: ReadonlyMap<string, ScanFinding>,
  seenInHistory: Set<string>,
  repo: string,
  g: GitSecretFinding,
): void {
  const path = join(repo, g.file);
  const where = `commit ${g.commit.slice(0, 12)} by ${g.author} on ${g.date}`;
  const key = `${path}\u0000${g.secretHash}`;
  const live = current.get(key);
  if (live) {
    if (!live.detail.includes('git history')) {
      live.detail += `\nalso in git history since ${where}`;
      live.fix = fixFor(g, true);
    }
    return;
  }
  if (seenInHistory.has(key)) return;
  seenInHistory.add(key);
  out.push({
    id: findingId('secrets', g.ruleId, `${path}\u0000${g.commit}\u0000${g.line}`),
    rule: g.ruleId,
    level: levelOf(g),
    title: `${title(g)} in git history`,
    detail: `added in ${where}, line ${g.line}; not in the current version of the file`,
    location: { path, line: g.line },
    fix: fixFor(g, true),
  });
}
