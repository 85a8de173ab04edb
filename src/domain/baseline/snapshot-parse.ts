/**
 * Validates an agent's `baseline` snapshot (untrusted input): shape checked, strings and lists
 * bounded. Returns null when the document is not a baseline snapshot at all.
 */
import type { BaselineCategory, BaselineCheckResult, BaselineLevel, BaselineScanParams, BaselineSnapshot } from './baseline-types.js';

const CATEGORIES: readonly BaselineCategory[] = ['weak_password', 'unauthorized_access', 'config_red_line', 'historical_vulnerability'];
const LEVELS: readonly BaselineLevel[] = ['high', 'medium', 'low'];
const MAX_RESULTS = 5000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');

function result(v: unknown): BaselineCheckResult | null {
  if (!isObj(v)) return null;
  const checkId = Number(v.checkId);
  const policyId = str(v.policyId, 128);
  if (!policyId || !Number.isSafeInteger(checkId) || checkId <= 0) return null;
  if (v.result !== 'passed' && v.result !== 'failed' && v.result !== 'not applicable') return null;
  const category = CATEGORIES.find((c) => c === v.category) ?? 'config_red_line';
  const level = LEVELS.find((l) => l === v.level) ?? 'medium';
  const evidence = Array.isArray(v.evidence)
    ? v.evidence.slice(0, 20).filter(isObj).map((e) => ({ rule: str(e.rule, 512), outcome: str(e.outcome, 32), reason: str(e.reason, 2048) }))
    : [];
  const targets = Array.isArray(v.targets) ? v.targets.slice(0, 50).map((t) => str(t, 128)).filter((t) => t.length > 0) : [];
  return {
    policyId,
    policyName: str(v.policyName, 256) || policyId,
    checkId,
    title: str(v.title, 512) || `check ${checkId}`,
    category,
    level,
    result: v.result,
    reason: str(v.reason, 4096),
    evidence,
    fix: str(v.fix, 4096),
    autoFix: v.autoFix === true,
    ...(targets.length ? { targets } : {}),
  };
}

function scope(v: unknown): BaselineScanParams | undefined {
  if (!isObj(v)) return undefined;
  const policyIds = Array.isArray(v.policyIds) ? v.policyIds.slice(0, 200).map((p) => str(p, 128)).filter((p) => p.length > 0) : [];
  const checkIds = Array.isArray(v.checkIds) ? v.checkIds.slice(0, 2000).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0) : [];
  return { ...(policyIds.length ? { policyIds } : {}), ...(checkIds.length ? { checkIds } : {}) };
}

export function parseBaselineSnapshot(data: unknown): BaselineSnapshot | null {
  if (!isObj(data) || !Array.isArray(data.results)) return null;
  const results = data.results.slice(0, MAX_RESULTS).map(result).filter((r): r is BaselineCheckResult => r !== null);
  const sc = scope(data.scope);
  return {
    scannedAt: typeof data.scannedAt === 'number' ? data.scannedAt : Date.now(),
    durationMs: typeof data.durationMs === 'number' ? data.durationMs : 0,
    ...(sc ? { scope: sc } : {}),
    policies: [],
    results,
    errors: Array.isArray(data.errors) ? data.errors.slice(0, 50).map((e) => str(e, 1024)) : [],
  };
}
