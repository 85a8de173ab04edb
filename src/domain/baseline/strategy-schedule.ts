/**
 * Baseline check strategies (Sas DescribeStrategy / ModifyStrategy): which policies run on which
 * hosts, every `cycleDays` days inside a daily time window [startTime, endTime) of the host's
 * local time. Shared by the server (validation, the `baseline.strategy` task it pushes) and the
 * agent (its scheduler). Pure.
 */
export const BASELINE_STRATEGY_TASK = 'baseline.strategy';

export interface StrategySchedule {
  id: number;
  name: string;
  /** Policy ids (Vigil's RiskSubTypeName); empty = every policy. */
  policyIds: string[];
  cycleDays: number;
  /** `HH:MM:SS`, the host's local time. */
  startTime: string;
  endTime: string;
}

/** What the server pushes: every strategy bound to that host, newest version wins on the agent. */
export interface StrategyPush {
  version: number;
  strategies: StrategySchedule[];
}

const DAY = 24 * 3_600_000;
/** A daily cycle may start up to this much earlier than 24 h after the last run (no drift). */
const SLACK = 3_600_000;

export function parseClock(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  if (h > 24 || min > 59 || sec > 59 || (h === 24 && (min > 0 || sec > 0))) return null;
  return ((h * 60 + min) * 60 + sec) * 1000;
}

function localMidnight(t: number): number {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * The first instant ≥ now (and ≥ lastRunAt + cycle − 1 h) that falls inside the strategy's daily
 * window. Windows that cross midnight (22:00–02:00) are supported.
 */
export function nextRunAt(s: StrategySchedule, lastRunAt: number | undefined, now: number): number {
  const start = parseClock(s.startTime) ?? 0;
  let end = parseClock(s.endTime) ?? DAY;
  if (end <= start) end += DAY;
  const earliest = lastRunAt === undefined ? now : Math.max(now, lastRunAt + Math.max(1, s.cycleDays) * DAY - SLACK);
  for (let d = -1; d <= Math.max(1, s.cycleDays) + 2; d += 1) {
    const midnight = localMidnight(earliest + d * DAY);
    const ws = midnight + start;
    const we = midnight + end;
    if (earliest < we) return Math.max(earliest, ws);
  }
  return earliest;
}

/** Strategies due at `now`, given their last runs. */
export function dueStrategies(list: readonly StrategySchedule[], lastRuns: Readonly<Record<string, number>>, now: number): StrategySchedule[] {
  return list.filter((s) => nextRunAt(s, lastRuns[String(s.id)], now) <= now);
}

/** Validates the pushed payload (the agent trusts nothing it parses). */
export function parseStrategyPush(p: unknown): StrategyPush {
  const o = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
  if (!Number.isSafeInteger(o.version) || !Array.isArray(o.strategies)) throw new Error('params must be {version, strategies[]}');
  const strategies: StrategySchedule[] = [];
  for (const raw of o.strategies.slice(0, 100)) {
    const s = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    if (!Number.isSafeInteger(s.id) || typeof s.name !== 'string' || !Number.isSafeInteger(s.cycleDays) || typeof s.startTime !== 'string' || typeof s.endTime !== 'string') throw new Error('bad strategy entry');
    if (parseClock(s.startTime) === null || parseClock(s.endTime) === null) throw new Error(`bad time window ${s.startTime}-${s.endTime}`);
    const policyIds = Array.isArray(s.policyIds) ? s.policyIds.filter((x): x is string => typeof x === 'string').slice(0, 200) : [];
    strategies.push({ id: s.id as number, name: s.name.slice(0, 128), policyIds, cycleDays: Math.min(366, Math.max(1, s.cycleDays as number)), startTime: s.startTime, endTime: s.endTime });
  }
  return { version: o.version as number, strategies };
}
