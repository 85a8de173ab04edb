/**
 * RAM policy language (pure): parse + validate documents, evaluate requests.
 * Gateways should use compilePolicies() per principal (indexed, cached); evaluate() is the plain
 * reference reading of the rules, kept for tests and one-off checks ("simulate access" screens).
 */
export { parsePolicyDocument, MAX_POLICY_DOCUMENT_LENGTH, type ParsePolicyOptions } from './validate.js';
export { evaluate } from './evaluate.js';
export { compilePolicies, type CompileOptions, type PolicyEvaluator } from './compile.js';
export { SYSTEM_POLICIES, findSystemPolicy, type SystemPolicy } from './system-policies.js';
export { SUPPLIED_CONDITION_KEYS } from './conditions.js';
export type {
  AccessDecision,
  AccessRequest,
  AttachedPolicy,
  ConditionBlock,
  ConditionContext,
  ConditionOperator,
  Decision,
  Effect,
  MatchedStatement,
  ParsePolicyResult,
  PolicyDocument,
  PolicyError,
  PolicyErrorCode,
  PolicyStatement,
  PolicyType,
  PolicyWarning,
} from './types.js';
