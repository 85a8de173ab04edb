/**
 * Condition operators: what values each accepts (validation) and how it tests a context value.
 * Semantics (API-COMPAT.md §4): values of one key OR, keys of one operator AND, operators AND.
 * A negated operator is the negation of its positive twin over all values, i.e. it holds when
 * the context value matches none of them.
 *
 * ASSUMPTION (RAM does not document it; we follow AWS IAM): when the request has no value for the
 * key, negated operators (StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike,
 * NumericNotEquals, DateNotEquals, NotIpAddress) hold and every other operator does not.
 * A context value of the wrong type (e.g. an unparseable IP) is treated the same way: the positive
 * test fails, so a negated operator holds. That keeps a Deny with NotIpAddress in force when the
 * source address is garbage.
 */
import { contextTimeMs, parseIsoDate } from './iso-date.js';
import { compileGlob, type GlobMatcher } from './glob.js';
import { ipInRange, parseIp, parseIpRange, type IpRange } from './ip.js';
import type { ConditionBlock, ConditionOperator, ConditionScalar, ContextScalar } from './types.js';

export type OperatorKind = 'string' | 'numeric' | 'date' | 'bool' | 'ip';

type Compare = 'eq' | 'lt' | 'le' | 'gt' | 'ge';
type StringMode = 'exact' | 'ignoreCase' | 'like';

interface OperatorSpec {
  kind: OperatorKind;
  negated: boolean;
  compare?: Compare;
  stringMode?: StringMode;
}

export const OPERATOR_SPECS: Readonly<Record<ConditionOperator, OperatorSpec>> = {
  StringEquals: { kind: 'string', negated: false, stringMode: 'exact' },
  StringNotEquals: { kind: 'string', negated: true, stringMode: 'exact' },
  StringEqualsIgnoreCase: { kind: 'string', negated: false, stringMode: 'ignoreCase' },
  StringNotEqualsIgnoreCase: { kind: 'string', negated: true, stringMode: 'ignoreCase' },
  StringLike: { kind: 'string', negated: false, stringMode: 'like' },
  StringNotLike: { kind: 'string', negated: true, stringMode: 'like' },
  NumericEquals: { kind: 'numeric', negated: false, compare: 'eq' },
  NumericNotEquals: { kind: 'numeric', negated: true, compare: 'eq' },
  NumericLessThan: { kind: 'numeric', negated: false, compare: 'lt' },
  NumericLessThanEquals: { kind: 'numeric', negated: false, compare: 'le' },
  NumericGreaterThan: { kind: 'numeric', negated: false, compare: 'gt' },
  NumericGreaterThanEquals: { kind: 'numeric', negated: false, compare: 'ge' },
  DateEquals: { kind: 'date', negated: false, compare: 'eq' },
  DateNotEquals: { kind: 'date', negated: true, compare: 'eq' },
  DateLessThan: { kind: 'date', negated: false, compare: 'lt' },
  DateLessThanEquals: { kind: 'date', negated: false, compare: 'le' },
  DateGreaterThan: { kind: 'date', negated: false, compare: 'gt' },
  DateGreaterThanEquals: { kind: 'date', negated: false, compare: 'ge' },
  Bool: { kind: 'bool', negated: false },
  IpAddress: { kind: 'ip', negated: false },
  NotIpAddress: { kind: 'ip', negated: true },
};

export function isConditionOperator(name: string): name is ConditionOperator {
  return Object.prototype.hasOwnProperty.call(OPERATOR_SPECS, name);
}

const NUMERIC = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function toNumber(v: ConditionScalar): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return Number.NaN;
}

function toBool(v: ConditionScalar): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return null;
}

/** Why `value` cannot be a value of `op`, or null when it can. */
export function checkConditionValue(op: ConditionOperator, value: ConditionScalar): string | null {
  const shown = JSON.stringify(value);
  switch (OPERATOR_SPECS[op].kind) {
    case 'string':
      return null;
    case 'numeric':
      return Number.isFinite(toNumber(value)) ? null : `${shown} is not a number`;
    case 'date': {
      if (typeof value !== 'string') return `${shown} is not an ISO 8601 date string`;
      const r = parseIsoDate(value);
      return r.ok ? null : `${shown} ${r.reason}`;
    }
    case 'bool':
      return toBool(value) === null ? `${shown} is not true or false` : null;
    case 'ip':
      if (typeof value !== 'string' || parseIpRange(value) === null) {
        return `${shown} is not an IP address or CIDR (IPv4 or IPv6)`;
      }
      return null;
  }
}

export interface ConditionClause {
  operator: ConditionOperator;
  /** Condition key, lower-cased (keys are case-insensitive). */
  key: string;
  kind: OperatorKind;
  negated: boolean;
  /** The un-negated test: does the context value match any of the policy values? */
  test: (value: ContextScalar) => boolean;
  /** The policy values as written (for sharing identical clauses). */
  values: readonly ConditionScalar[];
  /** Date clauses only: the policy instants (ms), for cache bucketing. */
  instants?: number[];
}

/**
 * One-entry memos: within one request every IP/date clause sees the same context string, so the
 * parse is done once per request rather than once per clause. Pure: same input, same output.
 */
let lastIpText: string | undefined;
let lastIp: ReturnType<typeof parseIp> = null;
function contextIp(text: string): ReturnType<typeof parseIp> {
  if (text !== lastIpText) {
    lastIp = parseIp(text);
    lastIpText = text;
  }
  return lastIp;
}

let lastTimeValue: ContextScalar | undefined;
let lastTimeMs = Number.NaN;
export function contextTime(value: ContextScalar): number {
  if (value !== lastTimeValue) {
    lastTimeMs = contextTimeMs(value);
    lastTimeValue = value;
  }
  return lastTimeMs;
}

function compareWith(c: Compare): (a: number, b: number) => boolean {
  switch (c) {
    case 'eq':
      return (a, b) => a === b;
    case 'lt':
      return (a, b) => a < b;
    case 'le':
      return (a, b) => a <= b;
    case 'gt':
      return (a, b) => a > b;
    case 'ge':
      return (a, b) => a >= b;
  }
}

function anyNumber(values: number[], cmp: (a: number, b: number) => boolean, toNum: (v: ContextScalar) => number) {
  return (v: ContextScalar): boolean => {
    const n = toNum(v);
    if (Number.isNaN(n)) return false;
    for (const b of values) if (cmp(n, b)) return true;
    return false;
  };
}

function invalid(op: ConditionOperator, key: string, reason: string): Error {
  return new Error(`invalid policy reached the evaluator (validate it first): ${op}["${key}"]: ${reason}`);
}

/** Precompile one operator/key pair. Throws on values validation would have rejected. */
export function compileClause(op: ConditionOperator, key: string, values: readonly ConditionScalar[]): ConditionClause {
  const spec = OPERATOR_SPECS[op];
  for (const v of values) {
    const why = checkConditionValue(op, v);
    if (why !== null) throw invalid(op, key, why);
  }
  const base = { operator: op, key: key.toLowerCase(), kind: spec.kind, negated: spec.negated, values: [...values] };
  switch (spec.kind) {
    case 'string': {
      if (spec.stringMode === 'like') {
        const globs: GlobMatcher[] = values.map((v) => compileGlob(String(v)));
        return { ...base, test: (v) => globs.some((g) => g(String(v))) };
      }
      if (spec.stringMode === 'ignoreCase') {
        const set = new Set(values.map((v) => String(v).toLowerCase()));
        return { ...base, test: (v) => set.has(String(v).toLowerCase()) };
      }
      const set = new Set(values.map(String));
      return { ...base, test: (v) => set.has(String(v)) };
    }
    case 'numeric':
      return { ...base, test: anyNumber(values.map(toNumber), compareWith(spec.compare ?? 'eq'), toNumber) };
    case 'date': {
      const instants = values.map((v) => contextTimeMs(v));
      return { ...base, instants, test: anyNumber(instants, compareWith(spec.compare ?? 'eq'), contextTime) };
    }
    case 'bool': {
      const wanted = values.map(toBool);
      return {
        ...base,
        test: (v) => {
          const b = toBool(v);
          return b !== null && wanted.includes(b);
        },
      };
    }
    case 'ip': {
      const ranges: IpRange[] = values.map((v) => parseIpRange(String(v)) as IpRange);
      return {
        ...base,
        test: (v) => {
          if (typeof v !== 'string') return false;
          const ip = contextIp(v);
          if (ip === null) return false;
          for (const r of ranges) if (ipInRange(ip, r)) return true;
          return false;
        },
      };
    }
  }
}

/** Does the clause hold for this context value (`undefined` = key absent from the request)? */
export function clauseHolds(clause: ConditionClause, value: ContextScalar | undefined): boolean {
  const positive = value !== undefined && clause.test(value);
  return clause.negated ? !positive : positive;
}

export function compileConditionBlock(block: ConditionBlock | undefined): ConditionClause[] {
  const out: ConditionClause[] = [];
  if (block === undefined) return out;
  for (const op of Object.keys(block)) {
    if (!isConditionOperator(op)) throw new Error(`invalid policy reached the evaluator: unknown operator ${op}`);
    const keys = block[op] ?? {};
    for (const key of Object.keys(keys)) out.push(compileClause(op, key, keys[key] ?? []));
  }
  return out;
}

/** Context with lower-cased keys; when two keys differ only in case, the later one wins. */
export function normalizeContext(context: Readonly<Record<string, ContextScalar | undefined>>): Map<string, ContextScalar> {
  const out = new Map<string, ContextScalar>();
  for (const k of Object.keys(context)) {
    const v = context[k];
    if (v !== undefined) out.set(k.toLowerCase(), v);
  }
  return out;
}

/** The condition keys Vigil's gateway supplies, with the operator kind that suits each. */
export const SUPPLIED_CONDITION_KEYS: ReadonlyMap<string, { name: string; kind: OperatorKind }> = new Map(
  (
    [
      ['acs:SourceIp', 'ip'],
      ['acs:CurrentTime', 'date'],
      ['acs:SecureTransport', 'bool'],
      ['acs:MFAPresent', 'bool'],
      ['acs:UserAgent', 'string'],
    ] as const
  ).map(([name, kind]) => [name.toLowerCase(), { name, kind }]),
);
