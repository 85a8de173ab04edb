/**
 * Types of the RAM policy language as Vigil models it (API-COMPAT.md §4, SPEC.md ).
 * A PolicyDocument here is the validated, normalised form: every Action/Resource list is an
 * array, condition values are arrays. The original JSON text is what the store keeps.
 */

export type Effect = 'Allow' | 'Deny';

export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'IpAddress',
  'NotIpAddress',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export type ConditionScalar = string | number | boolean;

/** key → values (OR). Objects have a null prototype: keys come from user input. */
export type ConditionKeyValues = Record<string, ConditionScalar[]>;

/** operator → keys (AND); operators AND. */
export type ConditionBlock = Partial<Record<ConditionOperator, ConditionKeyValues>>;

export interface PolicyStatement {
  Effect: Effect;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '1';
  Statement: PolicyStatement[];
}

export type PolicyType = 'System' | 'Custom';

export interface AttachedPolicy {
  name: string;
  type: PolicyType;
  version?: string;
  document: PolicyDocument;
}

export type PolicyErrorCode =
  | 'TooLarge'
  | 'Syntax'
  | 'TooDeep'
  | 'DuplicateKey'
  | 'WrongType'
  | 'InvalidValue'
  | 'MissingElement'
  | 'UnknownElement'
  | 'UnknownOperator';

export interface PolicyError {
  code: PolicyErrorCode;
  /** Where, e.g. `Statement[2].Condition.IpAddress["acs:SourceIp"]`; `(document)` for the whole. */
  path: string;
  /** Full sentence for the user, starting with the path. */
  message: string;
}

export interface PolicyWarning {
  path: string;
  message: string;
}

export type ParsePolicyResult =
  | { ok: true; document: PolicyDocument; warnings: PolicyWarning[] }
  | { ok: false; errors: PolicyError[] };

export type ContextScalar = string | number | boolean;

/**
 * Request context for conditions. Key names are matched case-insensitively. Values:
 * `acs:SourceIp` an IPv4/IPv6 address (the TCP peer), `acs:CurrentTime` an ISO 8601 string or
 * epoch milliseconds, `acs:SecureTransport`/`acs:MFAPresent` booleans, `acs:UserAgent` a string.
 */
export interface ConditionContext {
  readonly 'acs:SourceIp'?: string;
  readonly 'acs:CurrentTime'?: string | number;
  readonly 'acs:SecureTransport'?: boolean;
  readonly 'acs:MFAPresent'?: boolean;
  readonly 'acs:UserAgent'?: string;
  readonly [key: string]: ContextScalar | undefined;
}

export interface AccessRequest {
  /** Aliases of one API action, e.g. ['yundun-sas:ModifyOperateVul', 'yundun-aegis:ModifyOperateVul']. */
  actions: readonly string[];
  /** ARN of the resource, e.g. `acs:yundun-sas::1234567890:*`. */
  resource: string;
  context: ConditionContext;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface MatchedStatement {
  policyName: string;
  policyType: PolicyType;
  policyVersion?: string;
  policyIndex: number;
  statementIndex: number;
  effect: Effect;
}

export interface AccessDecision {
  decision: Decision;
  /** The statements that decided it (all matching Denies, or all matching Allows), in policy order. */
  matched: MatchedStatement[];
}
