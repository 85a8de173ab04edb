import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentLink } from './link.js';
import { registerTask } from './task-handlers.js';
import { findRulesDir, policyDirsFromEnv } from './rules-dir.js';
import type { FixRunner } from './baseline-fix.js';
import { collect } from './collections.js';
import {
  BASELINE_FIX_TASK,
  BASELINE_ROLLBACK_TASK,
  BASELINE_SCAN_TASK,
  BASELINE_SNAPSHOT_KIND,
  type BaselineFixParams,
  type BaselineScanParams,
} from '../domain/baseline/baseline-types.js';
import { BASELINE_STRATEGY_TASK, dueStrategies, nextRunAt, parseStrategyPush, type StrategyPush } from '../domain/baseline/strategy-schedule.js';

const DAILY_MS = 24 * 3_600_000;
const FIRST_RUN_MS = 5_000;
const RETRY_MS = 60_000;
/** The scheduler re-evaluates at least this often (clock changes, new pushes). */
const MAX_SLEEP_MS = 3_600_000;
const STRATEGY_FILE = 'baseline-strategies.json';

interface StrategyState extends StrategyPush {
  /** Last run per strategy id (ms). */
  lastRuns: Record<string, number>;
}

/** The server's strategy push, kept in the agent home so it survives restarts. */
export class StrategyStore {
  state: StrategyState = { version: 0, strategies: [], lastRuns: {} };
  constructor(private readonly home: string) {
    try {
      const raw = JSON.parse(readFileSync(join(home, STRATEGY_FILE), 'utf8')) as Partial<StrategyState>;
      const push = parseStrategyPush(raw);
      this.state = { ...push, lastRuns: typeof raw.lastRuns === 'object' && raw.lastRuns !== null ? raw.lastRuns : {} };
    } catch {
      // none yet (or unreadable): the default daily full check applies
    }
  }
  /** Applies a push unless an older version arrives after a newer one (queued tasks on reconnect). */
  apply(push: StrategyPush): boolean {
    if (push.version < this.state.version) return false;
    const ids = new Set(push.strategies.map((s) => String(s.id)));
    const lastRuns = Object.fromEntries(Object.entries(this.state.lastRuns).filter(([k]) => ids.has(k)));
    this.state = { ...push, lastRuns };
    this.save();
    return true;
  }
  ran(ids: number[], at: number): void {
    for (const id of ids) this.state.lastRuns[String(id)] = at;
    this.save();
  }
  private save(): void {
    const tmp = join(this.home, `${STRATEGY_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, join(this.home, STRATEGY_FILE));
  }
}

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
export function startBaseline(link: AgentLink, log: Log, home: string, self?: readonly string[]): { stop(): void } {
  const shipped = findRulesDir('baseline');
  const policyDirs = [...(shipped ? [shipped] : []), ...policyDirsFromEnv()];
  const weakpassDir = findRulesDir('weakpass');
  let chain: Promise<unknown> = Promise.resolve();

  const scan = (params: BaselineScanParams) => {
    const run = chain.then(async () => {
      if (policyDirs.length === 0) throw new Error('baseline policies not found: no rules/baseline directory next to the agent code and VIGIL_BASELINE_POLICY_DIRS is empty');
      // In a child process when the agent can start itself (collections.ts): the scanner (policy YAML
      // parser, SCA engine, probes, word lists, libxcrypt) is not loaded into the long-lived agent.
      const data = await collect(self, 'baseline', { policyDirs, weakpassDir, params });
      const sent = link.send({ type: 'snapshot', id: randomUUID(), kind: BASELINE_SNAPSHOT_KIND, full: data.scope === undefined, data });
      const failed = data.results.filter((r) => r.result === 'failed').length;
      return { sent, checks: data.results.length, failed, errors: data.errors };
    });
    // Scans run one at a time; a failed one does not block the next.
    chain = run.catch(() => undefined);
    return run;
  };
  let fixRunner: Promise<FixRunner> | null = null;
  const fixer = (): Promise<FixRunner> =>
    (fixRunner ??= Promise.all([import('./baseline-fix.js'), import('./baseline-scan.js')]).then(([fix, scan]) => new fix.FixRunner({ home, policies: () => scan.loadPolicies(policyDirs).policies })));

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
      const outcome = await (await fixer()).fix(p);
      // The server learns the new state from a snapshot, like any verification.
      void scan({ policyIds: [p.policyId], checkIds: [p.checkId] }).catch(() => undefined);
      return outcome;
    },
  });
  registerTask(BASELINE_ROLLBACK_TASK, {
    protection: false,
    run: async (params) => {
      const o = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
      const r = (await fixer()).rollback({ backupId: typeof o.backupId === 'string' ? o.backupId : '' });
      const p = typeof o.policyId === 'string' && Number.isSafeInteger(o.checkId) ? { policyIds: [o.policyId], checkIds: [o.checkId as number] } : null;
      if (p) await scan(p).catch(() => undefined);
      return r;
    },
  });

  const store = new StrategyStore(home);
  let timer: NodeJS.Timeout | null = null;
  /**
   * Without strategies: a full check shortly after start, then daily. With strategies pushed by
   * the server (ModifyStrategy/ModifyStrategyTarget): each runs its policies every cycleDays
   * inside its daily window; strategies due together share one scan.
   */
  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
    timer.unref();
  };
  const nextStrategyDelay = (): number => {
    const now = Date.now();
    const next = Math.min(...store.state.strategies.map((st) => nextRunAt(st, store.state.lastRuns[String(st.id)], now)));
    return Math.max(1000, next - now);
  };
  let defaultNextAt = Date.now() + FIRST_RUN_MS;
  const tick = async (): Promise<void> => {
    const now = Date.now();
    if (store.state.strategies.length === 0) {
      if (now < defaultNextAt) return schedule(defaultNextAt - now);
      try {
        const r = await scan({});
        defaultNextAt = Date.now() + (r.sent ? DAILY_MS : RETRY_MS);
      } catch (err) {
        log('warn', 'baseline scan failed', { error: err instanceof Error ? err.message : String(err) });
        defaultNextAt = Date.now() + DAILY_MS;
      }
      return schedule(defaultNextAt - Date.now());
    }
    const due = dueStrategies(store.state.strategies, store.state.lastRuns, now);
    if (due.length > 0) {
      // One scan: the union of the due strategies' policies (an empty list means every policy).
      const all = due.some((d) => d.policyIds.length === 0);
      const policyIds = all ? [] : [...new Set(due.flatMap((d) => d.policyIds))];
      try {
        const r = await scan(policyIds.length ? { policyIds } : {});
        if (r.sent) store.ran(due.map((d) => d.id), now);
        else return schedule(RETRY_MS);
        log('info', 'baseline strategy scan', { strategies: due.map((d) => d.id), checks: r.checks, failed: r.failed });
      } catch (err) {
        log('warn', 'baseline strategy scan failed', { error: err instanceof Error ? err.message : String(err) });
        store.ran(due.map((d) => d.id), now);
      }
    }
    return schedule(nextStrategyDelay());
  };
  registerTask(BASELINE_STRATEGY_TASK, {
    protection: true,
    run: async (params) => {
      const applied = store.apply(parseStrategyPush(params));
      schedule(store.state.strategies.length ? nextStrategyDelay() : Math.max(0, defaultNextAt - Date.now()));
      return { applied, version: store.state.version, strategies: store.state.strategies.map((st) => st.id) };
    },
  });
  schedule(store.state.strategies.length ? nextStrategyDelay() : FIRST_RUN_MS);
  return {
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
