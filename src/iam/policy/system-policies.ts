/**
 * Security Center's system policies.
 *
 * VIGIL'S WORKING MODEL, NOT ALIBABA'S TEXT: Alibaba documents the names
 * AliyunYundunSASFullAccess and AliyunYundunSASReadOnlyAccess but publishes no JSON bodies
 * (API-COMPAT.md §4). The bodies below follow the closest documented siblings
 * (AliyunYundunAegisReadOnlyAccess = yundun-aegis Get/Describe/Query/List;
 * AliyunServiceRolePolicyForSasSecllm = yundun-sas Get/Check/Describe/List). Under this model
 * ReadOnly does not grant ExportRecord, Modify*, Handle*, Create* or PauseClient.
 */
import type { AttachedPolicy, PolicyDocument } from './types.js';

export interface SystemPolicy extends AttachedPolicy {
  type: 'System';
  description: string;
}

const FULL_ACCESS: PolicyDocument = {
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: ['yundun-sas:*', 'yundun-aegis:*'], Resource: ['*'] }],
};

const READ_ONLY_ACCESS: PolicyDocument = {
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'yundun-sas:Describe*',
        'yundun-sas:Get*',
        'yundun-sas:List*',
        'yundun-sas:Query*',
        'yundun-sas:Check*',
        'yundun-aegis:Describe*',
        'yundun-aegis:Get*',
        'yundun-aegis:List*',
        'yundun-aegis:Query*',
      ],
      Resource: ['*'],
    },
  ],
};

export const SYSTEM_POLICIES: readonly SystemPolicy[] = Object.freeze([
  {
    name: 'AliyunYundunSASFullAccess',
    type: 'System',
    description: 'Full access to Security Center (Vigil working model of the Alibaba system policy)',
    document: FULL_ACCESS,
  },
  {
    name: 'AliyunYundunSASReadOnlyAccess',
    type: 'System',
    description: 'Read-only access to Security Center (Vigil working model of the Alibaba system policy)',
    document: READ_ONLY_ACCESS,
  },
]);

export function findSystemPolicy(name: string): SystemPolicy | undefined {
  return SYSTEM_POLICIES.find((p) => p.name === name);
}
