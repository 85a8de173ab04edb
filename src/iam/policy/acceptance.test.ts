/**
 * SPEC.md "Acceptance policies" P1–P5, pasted verbatim, over every RAM action that SPEC.md's
 * "Action naming from the seed" paragraph names plus a handful of others. Each policy must grant
 * exactly what it describes. Both evaluators (reference and compiled) are checked.
 */
import { describe, expect, it } from 'vitest';
import { compilePolicies } from './compile.js';
import { evaluate } from './evaluate.js';
import { findSystemPolicy } from './system-policies.js';
import type { AttachedPolicy, ConditionContext } from './types.js';
import { parsePolicyDocument } from './validate.js';
import { P1, P2, P3, P4, P5 } from '../../../test/fixtures/acceptance-policies.js';

const SEED_SAS = [
  'DescribeCloudCenterInstances', 'DescribeFieldStatistics', 'DescribeCriteria', 'ModifyPushAllTask',
  'DescribeDomainCount', 'DeleteGroup', 'DescribeSearchCondition', 'DescribeImageStatistics',
  'DescribeGroupedTags', 'DescribeCloudProductFieldStatistics', 'DescribeAllGroups',
  'CreateOrUpdateAssetGroup', 'DescribeInstanceStatistics', 'PauseClient', 'ModifyTagWithUuid',
  'RefreshAssets', 'ExportRecord', 'DescribeExportInfo', 'DescribeDomainList', 'DescribeDomainDetail',
  'DeleteTagWithUuid', 'ModifyAssetImportant', 'DescribeVulWhitelist', 'ModifyVulTargetConfig',
];
const SEED_AEGIS = [
  'DescribeAssetDetailByUuid', 'DescribeConcernNecessity', 'DescribeVulList', 'DescribeImageVulList',
  'ExportVul', 'DescribeVulExportInfo', 'OperateVul', 'ModifyStartVulScan', 'FixCheckWarnings',
  'IgnoreHcCheckWarnings', 'ValidateHcWarnings',
];
const OTHERS = [
  'yundun-sas:HandleSecurityEvents', 'yundun-sas:CreateServiceLinkedRole', 'yundun-sas:DeleteLoginBaseConfig',
  'yundun-sas:ModifyAccessKeyLeakDeal', 'yundun-sas:DescribeAccesskeyLeakList', 'yundun-sas:GetSuspiciousStatistics',
  'yundun-sas:ListCheckResult', 'yundun-sas:QueryGroupIdByGroupName', 'yundun-sas:CheckQuaraFileId',
  'yundun-aegis:GetFileProtectEvent', 'yundun-aegis:CheckQuaraFileId', 'yundun-aegis:ListUuidsByWebPathId',
  'threatdetection:DescribeSuspEvents', 'ram:CreateUser', 'ram:AttachPolicyToUser',
  'ecs:RebootInstance', 'ecs:CreateSnapshot', 'ecs:DescribeInstances', 'ecs:DeleteInstance',
];

/** One API action = its RAM aliases; the seed names ModifyOperateVul under both services. */
const API_ACTIONS: Record<string, string[]> = { ModifyOperateVul: ['yundun-sas:ModifyOperateVul', 'yundun-aegis:ModifyOperateVul'] };
for (const a of SEED_SAS) API_ACTIONS[`yundun-sas:${a}`] = [`yundun-sas:${a}`];
for (const a of SEED_AEGIS) API_ACTIONS[`yundun-aegis:${a}`] = [`yundun-aegis:${a}`];
for (const a of OTHERS) API_ACTIONS[a] = [a];

/** The gateway's resource for Security Center calls (API-COMPAT.md §4). */
const RESOURCE = 'acs:yundun-sas::1234567890123456:*';
const BASE_CONTEXT: ConditionContext = {
  'acs:SourceIp': '192.0.2.10',
  'acs:CurrentTime': '2026-03-01T10:00:00Z',
  'acs:SecureTransport': true,
  'acs:UserAgent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2',
};

function custom(name: string, text: string): AttachedPolicy {
  const r = parsePolicyDocument(text);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  expect(r.warnings.filter((w) => !w.message.includes('not supplied'))).toEqual([]);
  return { name, type: 'Custom', version: 'v1', document: r.document };
}

function readOnly(): AttachedPolicy {
  const p = findSystemPolicy('AliyunYundunSASReadOnlyAccess');
  if (!p) throw new Error('missing system policy');
  return p;
}

function allowedSet(policies: AttachedPolicy[], context: ConditionContext, resource = RESOURCE): string[] {
  const compiled = compilePolicies(policies);
  const out: string[] = [];
  for (const [api, actions] of Object.entries(API_ACTIONS)) {
    const request = { actions, resource, context };
    const ref = evaluate(request, policies);
    expect(compiled.evaluate(request)).toEqual(ref);
    if (ref.decision === 'Allow') out.push(api);
    else expect(ref.decision).toBe('ImplicitDeny');
  }
  return out.sort();
}

describe('acceptance policies P1–P5 (SPEC.md, verbatim)', () => {
  it('the action list covers every action named in the seed paragraph', () => {
    expect(Object.keys(API_ACTIONS)).toHaveLength(SEED_SAS.length + SEED_AEGIS.length + OTHERS.length + 1);
  });

  it('P1 asset center read-only allows precisely its three actions', () => {
    expect(allowedSet([custom('P1', P1)], BASE_CONTEXT)).toEqual(
      ['yundun-sas:DescribeCloudCenterInstances', 'yundun-sas:DescribeCriteria', 'yundun-sas:DescribeFieldStatistics'],
    );
  });

  it('P2 run security checks allows only ModifyPushAllTask', () => {
    expect(allowedSet([custom('P2', P2)], BASE_CONTEXT)).toEqual(['yundun-sas:ModifyPushAllTask']);
  });

  it('P3 vulnerability read-only allows the vulnerability list and the whitelist', () => {
    expect(allowedSet([custom('P3', P3)], BASE_CONTEXT)).toEqual(['yundun-aegis:DescribeVulList', 'yundun-sas:DescribeVulWhitelist']);
  });

  it('P4 fix vulnerabilities allows only OperateVul', () => {
    expect(allowedSet([custom('P4', P4)], BASE_CONTEXT)).toEqual(['yundun-aegis:OperateVul']);
  });

  const P5_WITHOUT_MFA = [
    // every Describe* in the list (ReadOnly for yundun-sas/yundun-aegis, P5 for ecs)
    'ecs:DescribeInstances',
    'yundun-aegis:DescribeAssetDetailByUuid', 'yundun-aegis:DescribeConcernNecessity', 'yundun-aegis:DescribeImageVulList',
    'yundun-aegis:DescribeVulExportInfo', 'yundun-aegis:DescribeVulList',
    'yundun-sas:DescribeAccesskeyLeakList', 'yundun-sas:DescribeAllGroups', 'yundun-sas:DescribeCloudCenterInstances',
    'yundun-sas:DescribeCloudProductFieldStatistics', 'yundun-sas:DescribeCriteria', 'yundun-sas:DescribeDomainCount',
    'yundun-sas:DescribeDomainDetail', 'yundun-sas:DescribeDomainList', 'yundun-sas:DescribeExportInfo',
    'yundun-sas:DescribeFieldStatistics', 'yundun-sas:DescribeGroupedTags', 'yundun-sas:DescribeImageStatistics',
    'yundun-sas:DescribeInstanceStatistics', 'yundun-sas:DescribeSearchCondition', 'yundun-sas:DescribeVulWhitelist',
    // ReadOnly's other read verbs (yundun-aegis has no Check* in the working model)
    'yundun-sas:GetSuspiciousStatistics', 'yundun-sas:ListCheckResult', 'yundun-sas:QueryGroupIdByGroupName',
    'yundun-sas:CheckQuaraFileId', 'yundun-aegis:GetFileProtectEvent', 'yundun-aegis:ListUuidsByWebPathId',
    // vulnerability fixing and the three baseline actions
    'yundun-aegis:OperateVul', 'yundun-aegis:ModifyStartVulScan',
    'yundun-aegis:FixCheckWarnings', 'yundun-aegis:IgnoreHcCheckWarnings', 'yundun-aegis:ValidateHcWarnings',
    // the seven asset actions
    'yundun-sas:ModifyPushAllTask', 'yundun-sas:DeleteTagWithUuid', 'yundun-sas:ModifyTagWithUuid',
    'yundun-sas:CreateOrUpdateAssetGroup', 'yundun-sas:DeleteGroup', 'yundun-sas:ModifyAssetImportant',
    'yundun-sas:RefreshAssets',
  ].sort();

  it('P5 + ReadOnly without MFA: reads, vulnerability and baseline fixes, the seven asset actions; no reboot', () => {
    const policies = [custom('P5', P5), readOnly()];
    expect(allowedSet(policies, BASE_CONTEXT)).toEqual(P5_WITHOUT_MFA);
    expect(allowedSet(policies, { ...BASE_CONTEXT, 'acs:MFAPresent': false })).toEqual(P5_WITHOUT_MFA);
  });

  it('P5 + ReadOnly with MFA present adds exactly ecs:RebootInstance', () => {
    const policies = [custom('P5', P5), readOnly()];
    expect(allowedSet(policies, { ...BASE_CONTEXT, 'acs:MFAPresent': true })).toEqual(
      [...P5_WITHOUT_MFA, 'ecs:RebootInstance'].sort(),
    );
  });

  it('P5 reports the deciding statement for a reboot with MFA', () => {
    const policies = [custom('P5', P5), readOnly()];
    const d = evaluate({ actions: ['ecs:RebootInstance'], resource: RESOURCE, context: { 'acs:MFAPresent': true } }, policies);
    expect(d).toEqual({
      decision: 'Allow',
      matched: [{ policyName: 'P5', policyType: 'Custom', policyVersion: 'v1', policyIndex: 0, statementIndex: 2, effect: 'Allow' }],
    });
  });

  it('P5 on an ECS-style ARN: "ecs:*" on acs:ecs:*:*:* grants every ECS action, MFA or not', () => {
    // Documented quirk of the seed policy: the gateway must not build acs:ecs ARNs for Vigil's
    // agent operations, or statement 4 grants a reboot without MFA.
    const ecsArn = 'acs:ecs:cn-hangzhou:1234567890123456:instance/i-bp1';
    const allowed = allowedSet([custom('P5', P5)], BASE_CONTEXT, ecsArn).filter((a) => a.startsWith('ecs:'));
    expect(allowed).toEqual(['ecs:CreateSnapshot', 'ecs:DeleteInstance', 'ecs:DescribeInstances', 'ecs:RebootInstance']);
  });

  it('ModifyOperateVul is granted through either alias and denied through either', () => {
    const allowSas = custom('a', '{"Version":"1","Statement":[{"Effect":"Allow","Action":"yundun-sas:ModifyOperateVul","Resource":"*"}]}');
    const allowAegis = custom('b', '{"Version":"1","Statement":[{"Effect":"Allow","Action":"yundun-aegis:ModifyOperateVul","Resource":"*"}]}');
    const denyAegis = custom('c', '{"Version":"1","Statement":[{"Effect":"Deny","Action":"yundun-aegis:Modify*","Resource":"*"}]}');
    expect(allowedSet([allowSas], BASE_CONTEXT)).toEqual(['ModifyOperateVul']);
    expect(allowedSet([allowAegis], BASE_CONTEXT)).toEqual(['ModifyOperateVul']);
    const request = { actions: API_ACTIONS['ModifyOperateVul'] ?? [], resource: RESOURCE, context: BASE_CONTEXT };
    expect(evaluate(request, [allowSas, denyAegis]).decision).toBe('ExplicitDeny');
  });

  it('FullAccess grants every yundun-sas / yundun-aegis action and nothing else', () => {
    const full = findSystemPolicy('AliyunYundunSASFullAccess');
    if (!full) throw new Error('missing system policy');
    const expected = Object.keys(API_ACTIONS).filter((a) => a.startsWith('yundun-') || a === 'ModifyOperateVul');
    expect(allowedSet([full], BASE_CONTEXT)).toEqual(expected.sort());
  });

  it('ReadOnly alone denies ExportRecord, Modify*, Handle*, Create* and PauseClient', () => {
    const allowed = allowedSet([readOnly()], BASE_CONTEXT);
    for (const a of [
      'yundun-sas:ExportRecord', 'yundun-sas:ModifyPushAllTask', 'yundun-sas:HandleSecurityEvents',
      'yundun-sas:CreateServiceLinkedRole', 'yundun-sas:PauseClient', 'ModifyOperateVul', 'yundun-aegis:ExportVul',
    ]) {
      expect(allowed).not.toContain(a);
    }
    expect(allowed).toContain('yundun-sas:CheckQuaraFileId');
    expect(allowed).not.toContain('yundun-aegis:CheckQuaraFileId');
  });
});
