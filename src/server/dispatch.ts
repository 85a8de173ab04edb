import type { ActionContext, AnyAction } from '../actions/catalog-types.js';
import { defaultResource } from '../actions/catalog-types.js';
import type { Services } from '../actions/services.js';
import type { AuditDecision } from '../domain/audit/audit-types.js';
import { redactParams } from '../domain/audit/redact.js';
import { VigilError } from '../domain/errors.js';
import { timeOrderedUuid } from '../domain/time-ordered-id.js';
import type { Principal, RequestMeta } from '../domain/principal.js';

export interface CallOutcome {
  result?: Record<string, unknown>;
  error?: unknown;
  decision: AuditDecision;
}

const SERVICE_NAMES = { Sas: 'Sas', Ram: 'Ram', Actiontrail: 'Actiontrail' } as const;

/** Condition-key values of this request (RAM `acs:*` keys). */
export function conditionContext(principal: Principal, meta: RequestMeta): Record<string, string> {
  return {
    'acs:SourceIp': meta.sourceIp,
    'acs:CurrentTime': meta.now.toISOString(),
    'acs:SecureTransport': String(meta.secureTransport),
    'acs:MFAPresent': String(principal.mfa),
    'acs:UserAgent': meta.userAgent,
  };
}

/** Authorize → run. Params are already typed and validated by the caller's coercion. */
export async function runAction(
  services: Services,
  action: AnyAction,
  principal: Principal,
  meta: RequestMeta,
  coerce: () => Record<string, unknown>,
): Promise<CallOutcome> {
  const ctx: ActionContext = { principal, meta, services };
  let decision: AuditDecision = 'ImplicitDeny';
  try {
    // Deny before validating, so a caller without permission learns nothing about the params.
    const peek = safeCoerce(coerce);
    const resource = action.resource && peek.ok ? action.resource(ctx, peek.value) : defaultResource(action, principal.accountId);
    const authz = await services.authorizer.authorize(principal, action.ramActions, resource, conditionContext(principal, meta));
    decision = authz.decision;
    if (authz.decision !== 'Allow') {
      throw new VigilError('NoPermission', `You are not authorized to do this action. Action: ${action.ramActions[0]}; Resource: ${resource}.`, 403, {
        AccessDeniedDetail: {
          AuthAction: action.ramActions[0],
          AuthResource: resource,
          AuthPrincipalType: principal.kind === 'root-account' ? 'RootAccount' : 'SubUser',
          AuthPrincipalOwnerId: principal.accountId,
          AuthPrincipalDisplayName: principal.userName,
          NoPermissionType: authz.decision,
          PolicyType: authz.policyType === 'Custom' ? 'Custom' : 'AccountLevelIdentityBasedPolicy',
        },
      });
    }
    if (!peek.ok) throw peek.error;
    const result = await action.handler(ctx, peek.value);
    return { result, decision };
  } catch (error) {
    return { error, decision };
  }
}

function safeCoerce(coerce: () => Record<string, unknown>): { ok: true; value: Record<string, unknown> } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: coerce() };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface AuditInput {
  services: Services;
  action: AnyAction | undefined;
  actionName: string;
  principal: Principal | null;
  claimedAccessKeyId?: string;
  meta: RequestMeta;
  eventType: 'ApiCall' | 'ConsoleOperation';
  params: Record<string, unknown>;
  decision: AuditDecision;
  errorCode: string | null;
  errorMessage: string | null;
  latencyMs: number;
  fallbackAccountId: string;
}

/** Every call, allowed or denied, authenticated or not, becomes one audit record. */
export function recordCall(a: AuditInput): void {
  const p = a.principal;
  a.services.audit.record({
    id: timeOrderedUuid(a.meta.now.getTime()),
    accountId: p?.accountId ?? a.fallbackAccountId,
    time: a.meta.now.getTime(),
    eventName: a.actionName.slice(0, 128),
    serviceName: a.action ? SERVICE_NAMES[a.action.product] : 'Unknown',
    rw: a.action?.rw ?? 'Read',
    eventType: a.eventType,
    userType: p?.kind ?? 'anonymous',
    userName: p?.userName ?? '',
    principalId: p?.userId ?? '',
    accessKeyId: p?.accessKeyId ?? a.claimedAccessKeyId?.slice(0, 64) ?? null,
    sourceIp: a.meta.sourceIp,
    userAgent: a.meta.userAgent,
    requestId: a.meta.requestId,
    params: redactParams(a.params, a.action?.secretParams),
    errorCode: a.errorCode,
    errorMessage: a.errorMessage ? a.errorMessage.slice(0, 1000) : null,
    decision: a.decision,
    latencyMs: Math.round(a.latencyMs * 1000) / 1000,
  });
}
