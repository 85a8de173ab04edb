/**
 * Persistence left by a miner: the cron lines, systemd units, rc scripts and authorized_keys
 * entries that would start it again, found with the mining engine's `findPersistence`, and the
 * `miner_cleanup` agent task that applies a reviewed clean-up plan. Reads are bounded; every edit
 * re-checks the exact line text first, keeps a backup under `<home>/cleanup/<time>/` and is
 * reported step by step (a failed step does not hide the others).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RESPONSE_TASK } from '../domain/alerts/alert-types.js';
import { cleanupPlan, findPersistence, type CleanupStep, type MinerIocs, type PersistenceFinding } from '../engines/mining/index.js';
import { collectPersistenceFiles } from '../host/traces/persistence-files.js';
import { registerTask } from './task-handlers.js';

export const MINER_CLEANUP_TASK = RESPONSE_TASK.cleanPersistence;

/** Persistence entries that reference this miner (its exe, pools, stratum URLs) or were added recently. */
export function minerPersistence(iocs: MinerIocs, minerPaths: string[], pools: string[], root = '/', nowMs = Date.now()): { findings: PersistenceFinding[]; plan: CleanupStep[] } {
  const findings = findPersistence(collectPersistenceFiles(root, { maxLines: 2000 }), iocs, { minerPaths, pools }, { nowMs });
  // The one-click plan removes only what names the miner; recent-but-unrelated entries are for review.
  return { findings, plan: cleanupPlan(findings, (f) => f.level === 'serious') };
}

export interface StepResult {
  step: CleanupStep;
  ok: boolean;
  detail: string;
}

function isStep(v: unknown): v is CleanupStep {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const path = typeof s.path === 'string' && s.path.startsWith('/') && !s.path.split('/').includes('..');
  if (s.action === 'delete-line') return path && typeof s.lineNo === 'number' && Number.isInteger(s.lineNo) && s.lineNo > 0 && typeof s.expected === 'string';
  if (s.action === 'delete-file') return path;
  if (s.action === 'disable-unit') return path && typeof s.unit === 'string' && /^[\w@.-]+\.(service|timer)$/.test(s.unit);
  return false;
}

/** Applies a clean-up plan under `root`, each step checked and backed up; returns one result per step. */
export function applyCleanup(steps: unknown, o: { home: string; root?: string; nowMs?: number }): StepResult[] {
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 200) throw new Error('miner_cleanup needs 1..200 steps');
  const root = o.root ?? '/';
  const backup = join(o.home, 'cleanup', String(o.nowMs ?? Date.now()));
  const saved = new Set<string>();
  const keep = (path: string): void => {
    if (saved.has(path)) return;
    mkdirSync(dirname(join(backup, path)), { recursive: true, mode: 0o700 });
    copyFileSync(join(root, path), join(backup, path));
    saved.add(path);
  };
  return steps.map((raw): StepResult => {
    if (!isStep(raw)) return { step: raw as CleanupStep, ok: false, detail: 'not a valid clean-up step' };
    const step = raw;
    try {
      if (step.action === 'delete-line') {
        const file = join(root, step.path);
        const text = readFileSync(file, 'utf8');
        const lines = text.split('\n');
        if (lines[step.lineNo - 1] !== step.expected) return { step, ok: false, detail: `line ${step.lineNo} of ${step.path} changed since the report; not edited` };
        keep(step.path);
        lines.splice(step.lineNo - 1, 1);
        const mode = statSync(file).mode & 0o7777;
        writeFileSync(`${file}.vigil-tmp`, lines.join('\n'), { mode });
        renameSync(`${file}.vigil-tmp`, file);
        return { step, ok: true, detail: `removed line ${step.lineNo} of ${step.path}` };
      }
      if (step.action === 'delete-file') {
        if (!existsSync(join(root, step.path))) return { step, ok: true, detail: `${step.path} already gone` };
        keep(step.path);
        rmSync(join(root, step.path));
        return { step, ok: true, detail: `removed ${step.path} (backup in ${backup})` };
      }
      if (root !== '/') return { step, ok: true, detail: `not disabling ${step.unit} outside the host root (file step removes it)` };
      const r = spawnSync('systemctl', ['disable', '--now', step.unit], { encoding: 'utf8', timeout: 30_000 });
      if (r.error) return { step, ok: false, detail: `systemctl unavailable: ${r.error.message}` };
      return { step, ok: r.status === 0, detail: r.status === 0 ? `disabled ${step.unit}` : `systemctl disable ${step.unit}: ${(r.stderr || r.stdout).trim().slice(0, 300)}` };
    } catch (err) {
      return { step, ok: false, detail: (err as Error).message };
    }
  });
}

/** Registers `miner_cleanup` (a protection task: refused while paused). Params: `{ steps: CleanupStep[] }`. */
export function registerMinerCleanupTask(home: string): void {
  registerTask(MINER_CLEANUP_TASK, {
    protection: true,
    run: (params) => {
      const results = applyCleanup((params as { steps?: unknown } | null)?.steps, { home });
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) throw new Error(`clean-up: ${failed.length} of ${results.length} steps failed: ${failed.map((f) => f.detail).join('; ')}`);
      return Promise.resolve({ results });
    },
  });
}
