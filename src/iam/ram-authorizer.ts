import type { Principal } from '../domain/principal.js';
import type { RamPoliciesService } from '../domain/ram/ram-policies-service.js';
import type { RamRevision } from '../domain/ram/ram-revision.js';
import type { Authorizer, AuthzDecision, ConditionContext } from './authorizer.js';
import { compilePolicies, type PolicyEvaluator } from './policy/index.js';

/** Other processes (replicas, the CLI) may change RAM data: cached evaluators live at most this long. */
const CACHE_TTL_MS = 5_000;
const MAX_USERS_CACHED = 10_000;

/**
 * The RAM decision on every catalog action: root is allowed everything on its own account (as in
 * Alibaba); a RAM user gets Explicit Deny > Allow > Implicit Deny over the policies attached to the
 * user and the user's groups. One compiled evaluator (with its decision cache) per user.
 */
export class RamAuthorizer implements Authorizer {
  private readonly cache = new Map<string, { at: number; revision: number; evaluator: PolicyEvaluator; policyTypes: Map<string, 'System' | 'Custom'> }>();

  constructor(
    private readonly policies: RamPoliciesService,
    private readonly revision: RamRevision,
  ) {}

  async authorize(principal: Principal, ramActions: readonly string[], resource: string, context: ConditionContext): Promise<AuthzDecision> {
    if (principal.kind === 'root-account') return { decision: 'Allow', policyType: 'Root' };
    const entry = await this.evaluatorFor(principal);
    const ctx: Record<string, string> = {};
    for (const [k, v] of Object.entries(context)) if (v !== undefined) ctx[k] = v;
    const d = entry.evaluator.evaluate({ actions: ramActions, resource, context: ctx });
    const first = d.matched[0];
    return {
      decision: d.decision,
      ...(first ? { policyType: first.policyType } : {}),
      matched: d.matched.map((m) => ({ policyName: m.policyName, statementIndex: m.statementIndex })),
    };
  }

  private async evaluatorFor(principal: Principal) {
    const now = Date.now();
    const hit = this.cache.get(principal.userId);
    if (hit && hit.revision === this.revision.value && now - hit.at < CACHE_TTL_MS) return hit;
    const attached = await this.policies.effectivePolicies(principal.accountId, principal.userId);
    const entry = { at: now, revision: this.revision.value, evaluator: compilePolicies(attached), policyTypes: new Map(attached.map((p) => [p.name, p.type])) };
    if (this.cache.size >= MAX_USERS_CACHED) this.cache.clear();
    this.cache.set(principal.userId, entry);
    return entry;
  }
}
