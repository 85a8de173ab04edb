import { randomUUID } from 'node:crypto';
import type { AgentLink } from './link.js';
import { registerTask } from './task-handlers.js';
import { findRulesDir, loadPolicies, policyDirsFromEnv, runBaselineScan } from './baseline-scan.js';
import { FixRunner } from './baseline-fix.js';
import {
  BASELINE_FIX_TASK,
  BASELINE_ROLLBACK_TASK,
  BASELINE_SCAN_TASK,
  BASELINE_SNAPSHOT_KIND,
  type BaselineFixParams,
  type BaselineScanParams,
} from '../domain/baseline/baseline-types.js';

const DAILY_MS = 24 * 3_600_000;
const FIRST_RUN_MS = 5_000;
const RETRY_MS = 60_000;

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

function scanParams(p: unknown): BaselineScanParams {
  const o = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
  const policyIds = Array.isArray(o.policyIds) ? o.policyIds.filter((x): x is string => typeof x === 'string').slice(0, 200) : [];
  const checkIds = Array.isArray(o.checkIds) ? o.checkIds.map(Number).filter((x) => Number.isSafeInteger(x) && x > 0).slice(0, 2000) : [];
  return { ...(policyIds.length ? { policyIds } : {}), ...(checkIds.length ? { checkIds } : {}) };
}

function fixParams(p: unknown): BaselineFixParams {
  const o = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
  if (typeof o.policyId !== 'string' || !Number.isSafeInteger(o.checkId)) throw new Error('params must be {policyId, checkId}');
  return { policyId: o.policyId, checkId: o.checkId as number };
}

/**
 * Baseline and weak-password checks: a scan shortly after start and daily, on demand
 * (`baseline.scan`, also limited to some checks for ValidateHcWarnings), safe fixes with backup
 * (`baseline.fix`) and their rollback (`baseline.rollback`). Results go up as `baseline` snapshots.
 * Policies: the repository's `rules/baseline` found from this module, plus VIGIL_BASELINE_POLICY_DIRS.
 */
export function startBaseline(link: AgentLink, log: Log, home: string): { stop(): void } {
  const shipped = findRulesDir('baseline');
  const policyDirs = [...(shipped ? [shipped] : []), ...policyDirsFromEnv()];
  const weakpassDir = findRulesDir('weakpass');
  let chain: Promise<unknown> = Promise.resolve();

  const scan = (params: BaselineScanParams) => {
    const run = chain.then(async () => {
      if (policyDirs.length === 0) throw new Error('baseline policies not found: no rules/baseline directory next to the agent code and VIGIL_BASELINE_POLICY_DIRS is empty');
      const data = await runBaselineScan({ policyDirs, weakpassDir }, params);
      const sent = link.send({ type: 'snapshot', id: randomUUID(), kind: BASELINE_SNAPSHOT_KIND, full: data.scope === undefined, data });
      const failed = data.results.filter((r) => r.result === 'failed').length;
      return { sent, checks: data.results.length, failed, errors: data.errors };
    });
    // Scans run one at a time; a failed one does not block the next.
    chain = run.catch(() => undefined);
    return run;
  };
  const fixer = new FixRunner({ home, policies: () => loadPolicies(policyDirs).policies });

  registerTask(BASELINE_SCAN_TASK, {
    protection: true,
    run: async (params) => {
      const r = await scan(scanParams(params));
      if (!r.sent) throw new Error('baseline scanned but the link is down; scan again when the agent is connected');
      return r;
    },
  });
  registerTask(BASELINE_FIX_TASK, {
    protection: true,
    run: async (params) => {
      const p = fixParams(params);
      const outcome = await fixer.fix(p);
      // The server learns the new state from a snapshot, like any verification.
      void scan({ policyIds: [p.policyId], checkIds: [p.checkId] }).catch(() => undefined);
      return outcome;
    },
  });
  registerTask(BASELINE_ROLLBACK_TASK, {
    protection: false,
    run: async (params) => {
      const o = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
      const r = fixer.rollback({ backupId: typeof o.backupId === 'string' ? o.backupId : '' });
      const p = typeof o.policyId === 'string' && Number.isSafeInteger(o.checkId) ? { policyIds: [o.policyId], checkIds: [o.checkId as number] } : null;
      if (p) await scan(p).catch(() => undefined);
      return r;
    },
  });

  let timer: NodeJS.Timeout | null = null;
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      scan({}).then(
        (r) => schedule(r.sent ? DAILY_MS : RETRY_MS),
        (err: unknown) => {
          log('warn', 'baseline scan failed', { error: err instanceof Error ? err.message : String(err) });
          schedule(DAILY_MS);
        },
      );
    }, ms);
    timer.unref();
  };
  schedule(FIRST_RUN_MS);
  return {
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
