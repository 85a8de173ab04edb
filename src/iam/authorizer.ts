import type { Principal } from '../domain/principal.js';

export type ConditionContext = Record<string, string | undefined>;

export interface AuthzDecision {
  decision: 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';
  policyType?: 'System' | 'Custom' | 'Root';
  /** Which policy/statement decided, for the audit trail and AccessDeniedDetail. */
  matched?: Array<{ policyName: string; statementIndex: number }>;
}

/** The seam every catalog action passes through before its handler runs. */
export interface Authorizer {
  authorize(principal: Principal, ramActions: readonly string[], resource: string, context: ConditionContext): Promise<AuthzDecision>;
}

/**
 * Root holds every permission on its own account (as in Alibaba RAM); everyone else is denied
 * until policies are attached. The RAM evaluator replaces the deny branch.
 */
export const rootOnlyAuthorizer: Authorizer = {
  async authorize(principal) {
    if (principal.kind === 'root-account') return { decision: 'Allow', policyType: 'Root' };
    return { decision: 'ImplicitDeny' };
  },
};
