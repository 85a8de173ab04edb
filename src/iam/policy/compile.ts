/**
 * compilePolicies: the fast evaluator for one principal's policy set (user + groups [+ session]).
 * Same rules and results as evaluate() in evaluate.ts; compiled once per policy-set version.
 *
 * Speed comes from three things:
 * 1. Action index. A pattern whose service part (before the first ':') has no wildcard can only
 *    match actions of that service, so patterns are bucketed by service; literal patterns go in a
 *    hash map. A request looks at its service's bucket, the wildcard-service patterns and the
 *    NotAction statements only.
 * 2. Precompiled matchers (glob.ts specialises `*`, literal, `prefix*`, `*suffix`) and condition
 *    clauses with parsed values; condition keys are resolved to slots once per request. Identical
 *    patterns, resource lists and clauses are shared and tested at most once per decision.
 * 3. A bounded LRU decision cache. Its key is the lower-cased action aliases, the resource, and
 *    the values of ONLY the condition keys these policies reference. A key used only by Date
 *    operators (in practice `acs:CurrentTime`, which differs on every request) is not keyed by its
 *    value but by its position among the policies' instants: with instants T0 < T1 < … < Tn-1
 *    sorted, the bucket is (number of Ti < t, whether t equals the next Ti). Two times in the same
 *    bucket compare identically (<, =, >) with every Ti, so every Date clause gives the same
 *    answer: the bucketing is exact, not an approximation, and the cache stays useful.
 *
 * The compiled object snapshots the policies: recompile when an attachment or version changes.
 */
import { clauseHolds, compileConditionBlock, contextTime, type ConditionClause } from './conditions.js';
import { matchedEntry } from './evaluate.js';
import { compileGlob, hasWildcard, type GlobMatcher } from './glob.js';
import { LruCache } from './lru.js';
import type { AccessDecision, AccessRequest, AttachedPolicy, ContextScalar, Effect, MatchedStatement } from './types.js';

export interface CompileOptions {
  /** Decision-cache entries; 0 disables the cache. Default 10,000. */
  cacheSize?: number;
}

export interface PolicyEvaluator {
  evaluate(request: AccessRequest): AccessDecision;
  readonly stats: { hits: number; misses: number; entries: number };
}

interface CompiledStatement {
  effect: Effect;
  entry: Readonly<MatchedStatement>;
  /** Index into `resourceSets`. */
  resourceSet: number;
  /** Indexes into `clauses`. */
  clauseIds: number[];
}

interface ResourceSet {
  matchers: GlobMatcher[];
  negated: boolean;
}

interface SlottedClause {
  clause: ConditionClause;
  slot: number;
}

/** One distinct lower-cased action pattern and every statement that lists it. */
interface PatternRef {
  match: GlobMatcher;
  ids: number[];
}

interface SlotInfo {
  /** Sorted distinct instants when every clause on this key is a Date clause; else null. */
  instants: number[] | null;
}

type SlotValues = (ContextScalar | undefined)[];

const NO_MATCHES = Object.freeze([]) as unknown as MatchedStatement[];
const IMPLICIT_DENY: AccessDecision = Object.freeze({ decision: 'ImplicitDeny', matched: NO_MATCHES });

function serviceOf(lowerAction: string): string {
  const i = lowerAction.indexOf(':');
  return i < 0 ? lowerAction : lowerAction.slice(0, i);
}

/** `p` = how many instants lie before t, plus `e` when t equals the next one; `x` when t is not a date. */
export function timeBucket(instants: readonly number[], t: number): string {
  if (Number.isNaN(t)) return 'x';
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((instants[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return instants[lo] === t ? `${lo}e` : `${lo}`;
}

class CompiledPolicySet implements PolicyEvaluator {
  private readonly statements: CompiledStatement[] = [];
  private readonly exact = new Map<string, number[]>();
  private readonly byService = new Map<string, PatternRef[]>();
  private readonly anyService: PatternRef[] = [];
  private readonly patternRefs = new Map<string, PatternRef>();
  private readonly notAction: { patterns: GlobMatcher[]; id: number }[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Slot of a context key as the caller spelled it (-1: not referenced); bounded memo of toLowerCase. */
  private readonly rawSlot = new Map<string, number>();
  private readonly slots: SlotInfo[] = [];
  /**
   * Distinct resource lists and condition clauses: policies repeat them (the same IP allow-list
   * in every statement), so each is tested at most once per decision, memoised under its epoch.
   */
  private readonly resourceSets: ResourceSet[] = [];
  private readonly resourceSetIds = new Map<string, number>();
  private readonly clauses: SlottedClause[] = [];
  private readonly clauseIds = new Map<string, number>();
  private readonly mark: Int32Array;
  private readonly resourceEpoch: Int32Array;
  private readonly resourceHit: Uint8Array;
  private readonly clauseEpoch: Int32Array;
  private readonly clauseHit: Uint8Array;
  private epoch = 0;
  private readonly cache: LruCache<AccessDecision> | null;
  readonly stats = { hits: 0, misses: 0, entries: 0 };

  constructor(policies: readonly AttachedPolicy[], options: CompileOptions) {
    policies.forEach((policy, pi) => {
      policy.document.Statement.forEach((st, si) => {
        const id = this.statements.length;
        this.statements.push({
          effect: st.Effect,
          entry: Object.freeze(matchedEntry(policy, pi, si, st.Effect)),
          resourceSet: this.resourceSetFor(st.Resource ?? st.NotResource ?? [], st.Resource === undefined),
          clauseIds: compileConditionBlock(st.Condition).map((clause) => this.clauseFor(clause)),
        });
        if (st.Action) for (const p of st.Action) this.indexAction(p.toLowerCase(), id);
        else this.notAction.push({ patterns: (st.NotAction ?? []).map((p) => compileGlob(p.toLowerCase())), id });
      });
    });
    for (const s of this.slots) if (s.instants) s.instants = [...new Set(s.instants)].sort((a, b) => a - b);
    this.mark = new Int32Array(this.statements.length);
    this.resourceEpoch = new Int32Array(this.resourceSets.length);
    this.resourceHit = new Uint8Array(this.resourceSets.length);
    this.clauseEpoch = new Int32Array(this.clauses.length);
    this.clauseHit = new Uint8Array(this.clauses.length);
    const size = options.cacheSize ?? 10_000;
    this.cache = size > 0 ? new LruCache<AccessDecision>(size) : null;
  }

  private resourceSetFor(patterns: readonly string[], negated: boolean): number {
    const key = JSON.stringify([negated, patterns]);
    let id = this.resourceSetIds.get(key);
    if (id === undefined) {
      id = this.resourceSets.length;
      this.resourceSets.push({ matchers: patterns.map(compileGlob), negated });
      this.resourceSetIds.set(key, id);
    }
    return id;
  }

  private clauseFor(clause: ConditionClause): number {
    const key = JSON.stringify([clause.operator, clause.key, clause.values]);
    let id = this.clauseIds.get(key);
    if (id === undefined) {
      id = this.clauses.length;
      this.clauses.push({ clause, slot: this.slotFor(clause) });
      this.clauseIds.set(key, id);
    }
    return id;
  }

  private slotFor(clause: ConditionClause): number {
    let slot = this.slotOf.get(clause.key);
    if (slot === undefined) {
      slot = this.slots.length;
      this.slotOf.set(clause.key, slot);
      this.slots.push({ instants: [] });
    }
    const info = this.slots[slot] as SlotInfo;
    if (clause.kind !== 'date') info.instants = null;
    else if (info.instants) info.instants.push(...(clause.instants ?? []));
    return slot;
  }

  private indexAction(pattern: string, id: number): void {
    if (!hasWildcard(pattern)) {
      const list = this.exact.get(pattern);
      if (list) list.push(id);
      else this.exact.set(pattern, [id]);
      return;
    }
    const known = this.patternRefs.get(pattern);
    if (known) {
      known.ids.push(id);
      return;
    }
    const ref: PatternRef = { match: compileGlob(pattern), ids: [id] };
    this.patternRefs.set(pattern, ref);
    const colon = pattern.indexOf(':');
    const service = colon < 0 ? null : pattern.slice(0, colon);
    if (service === null || hasWildcard(service)) {
      this.anyService.push(ref);
      return;
    }
    const list = this.byService.get(service);
    if (list) list.push(ref);
    else this.byService.set(service, [ref]);
  }

  private slotOfRaw(key: string): number {
    let slot = this.rawSlot.get(key);
    if (slot === undefined) {
      slot = this.slotOf.get(key.toLowerCase()) ?? -1;
      if (this.rawSlot.size < 256) this.rawSlot.set(key, slot);
    }
    return slot;
  }

  private contextSlots(context: AccessRequest['context']): SlotValues {
    const values: SlotValues = new Array<ContextScalar | undefined>(this.slots.length);
    if (this.slots.length === 0) return values;
    for (const k of Object.keys(context)) {
      const slot = this.slotOfRaw(k);
      const v = context[k];
      if (slot >= 0 && v !== undefined) values[slot] = v;
    }
    return values;
  }

  private cacheKey(actions: readonly string[], resource: string, values: SlotValues): string {
    let key = '';
    for (const a of actions) key += `${a.length}:${a}`;
    key += `|${resource.length}:${resource}`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const instants = (this.slots[i] as SlotInfo).instants;
      if (v === undefined) key += '|-';
      else if (instants) key += `|d${timeBucket(instants, contextTime(v))}`;
      else {
        const s = String(v);
        key += `|${typeof v}${s.length}:${s}`;
      }
    }
    return key;
  }

  private addAll(ids: readonly number[], epoch: number, out: number[]): void {
    const mark = this.mark;
    for (const id of ids) {
      if (mark[id] !== epoch) {
        mark[id] = epoch;
        out.push(id);
      }
    }
  }

  private collect(actions: readonly string[], out: number[], epoch: number): void {
    for (const a of actions) {
      const exact = this.exact.get(a);
      if (exact) this.addAll(exact, epoch, out);
      const bucket = this.byService.get(serviceOf(a));
      if (bucket) for (const r of bucket) if (r.match(a)) this.addAll(r.ids, epoch, out);
      for (const r of this.anyService) if (r.match(a)) this.addAll(r.ids, epoch, out);
      for (const n of this.notAction) {
        if (this.mark[n.id] === epoch) continue;
        let excluded = false;
        for (const p of n.patterns) {
          if (p(a)) {
            excluded = true;
            break;
          }
        }
        if (!excluded) {
          this.mark[n.id] = epoch;
          out.push(n.id);
        }
      }
    }
  }

  private resourceMatches(id: number, resource: string, epoch: number): boolean {
    if (this.resourceEpoch[id] === epoch) return this.resourceHit[id] === 1;
    const set = this.resourceSets[id] as ResourceSet;
    let hit = false;
    for (const m of set.matchers) {
      if (m(resource)) {
        hit = true;
        break;
      }
    }
    const result = hit !== set.negated;
    this.resourceEpoch[id] = epoch;
    this.resourceHit[id] = result ? 1 : 0;
    return result;
  }

  private clauseHoldsOnce(id: number, values: SlotValues, epoch: number): boolean {
    if (this.clauseEpoch[id] === epoch) return this.clauseHit[id] === 1;
    const { clause, slot } = this.clauses[id] as SlottedClause;
    const result = clauseHolds(clause, values[slot]);
    this.clauseEpoch[id] = epoch;
    this.clauseHit[id] = result ? 1 : 0;
    return result;
  }

  private applies(st: CompiledStatement, resource: string, values: SlotValues, epoch: number): boolean {
    if (!this.resourceMatches(st.resourceSet, resource, epoch)) return false;
    for (const id of st.clauseIds) if (!this.clauseHoldsOnce(id, values, epoch)) return false;
    return true;
  }

  private decide(actions: readonly string[], resource: string, values: SlotValues): AccessDecision {
    const epoch = ++this.epoch;
    const candidates: number[] = [];
    this.collect(actions, candidates, epoch);
    candidates.sort((a, b) => a - b);
    const denies: MatchedStatement[] = [];
    const allows: MatchedStatement[] = [];
    for (const id of candidates) {
      const st = this.statements[id] as CompiledStatement;
      if (st.effect === 'Allow' && denies.length > 0) continue;
      if (this.applies(st, resource, values, epoch)) (st.effect === 'Deny' ? denies : allows).push(st.entry);
    }
    if (denies.length > 0) return Object.freeze({ decision: 'ExplicitDeny', matched: Object.freeze(denies) as MatchedStatement[] });
    if (allows.length > 0) return Object.freeze({ decision: 'Allow', matched: Object.freeze(allows) as MatchedStatement[] });
    return IMPLICIT_DENY;
  }

  evaluate(request: AccessRequest): AccessDecision {
    const actions = request.actions.map((a) => a.toLowerCase());
    const values = this.contextSlots(request.context);
    if (this.cache === null) return this.decide(actions, request.resource, values);
    const key = this.cacheKey(actions, request.resource, values);
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.stats.hits++;
      return hit;
    }
    this.stats.misses++;
    const result = this.decide(actions, request.resource, values);
    this.cache.set(key, result);
    this.stats.entries = this.cache.size;
    return result;
  }
}

export function compilePolicies(policies: readonly AttachedPolicy[], options: CompileOptions = {}): PolicyEvaluator {
  return new CompiledPolicySet(policies, options);
}
