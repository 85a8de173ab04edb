/**
 * Reference evaluator: a direct reading of the rules, statement by statement, with no index and
 * no cache. compilePolicies() is the fast path; tests hold the two equal.
 *
 * Rules (API-COMPAT.md §4): a statement applies when one of the request's action aliases matches
 * its Action (case-insensitive wildcards) or is not excluded by its NotAction, its Resource /
 * NotResource matches the ARN (case-sensitive wildcards) and every condition clause holds.
 * Any applying Deny → ExplicitDeny; else any applying Allow → Allow; else ImplicitDeny.
 */
import { clauseHolds, compileConditionBlock, normalizeContext } from './conditions.js';
import { globMatch } from './glob.js';
import type {
  AccessDecision,
  AccessRequest,
  AttachedPolicy,
  ContextScalar,
  Effect,
  MatchedStatement,
  PolicyStatement,
} from './types.js';

export function matchedEntry(policy: AttachedPolicy, policyIndex: number, statementIndex: number, effect: Effect): MatchedStatement {
  const m: MatchedStatement = { policyName: policy.name, policyType: policy.type, policyIndex, statementIndex, effect };
  if (policy.version !== undefined) m.policyVersion = policy.version;
  return m;
}

function anyMatch(patterns: readonly string[], input: string, fold: boolean): boolean {
  return patterns.some((p) => globMatch(fold ? p.toLowerCase() : p, input));
}

function statementApplies(
  st: PolicyStatement,
  actions: readonly string[],
  resource: string,
  context: ReadonlyMap<string, ContextScalar>,
): boolean {
  const actionHit = st.Action
    ? actions.some((a) => anyMatch(st.Action ?? [], a, true))
    : actions.some((a) => !anyMatch(st.NotAction ?? [], a, true));
  if (!actionHit) return false;
  const resourceHit = st.Resource ? anyMatch(st.Resource, resource, false) : !anyMatch(st.NotResource ?? [], resource, false);
  if (!resourceHit) return false;
  return compileConditionBlock(st.Condition).every((c) => clauseHolds(c, context.get(c.key)));
}

export function evaluate(request: AccessRequest, policies: readonly AttachedPolicy[]): AccessDecision {
  const actions = request.actions.map((a) => a.toLowerCase());
  const context = normalizeContext(request.context);
  const denies: MatchedStatement[] = [];
  const allows: MatchedStatement[] = [];
  policies.forEach((policy, pi) => {
    policy.document.Statement.forEach((st, si) => {
      if (!statementApplies(st, actions, request.resource, context)) return;
      (st.Effect === 'Deny' ? denies : allows).push(matchedEntry(policy, pi, si, st.Effect));
    });
  });
  if (denies.length > 0) return { decision: 'ExplicitDeny', matched: denies };
  if (allows.length > 0) return { decision: 'Allow', matched: allows };
  return { decision: 'ImplicitDeny', matched: [] };
}
