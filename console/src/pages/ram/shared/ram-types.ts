/** Response shapes of the RAM 2015-05-01 actions the access-control pages use (src/actions/ram-*.ts). */

export interface RamUser {
  UserId: string;
  UserName: string;
  DisplayName: string;
  Email: string;
  Comments: string;
  CreateDate: string;
  UpdateDate: string;
  LastLoginDate?: string;
  MFAEnabled: boolean;
  HasLoginProfile: boolean;
}

export interface RamGroup {
  GroupId: string;
  GroupName: string;
  Comments: string;
  CreateDate: string;
  UpdateDate: string;
}

export type PolicyType = 'System' | 'Custom';

export interface RamPolicy {
  PolicyName: string;
  PolicyType: PolicyType;
  Description: string;
  DefaultVersion: string;
  CreateDate?: string;
  UpdateDate?: string;
  AttachmentCount: number;
}

export interface AttachedPolicy extends RamPolicy {
  AttachDate: string;
}

export interface PolicyVersion {
  VersionId: string;
  IsDefaultVersion: boolean;
  PolicyDocument: string;
  CreateDate: string;
}

export interface GroupMember {
  UserName: string;
  DisplayName: string;
  JoinDate: string;
}

/** One validation error of a refused policy document (`PolicyErrors` of MalformedPolicyDocument). */
export interface PolicyErrorItem {
  code: string;
  path: string;
  message: string;
}

/** An accepted policy document's warning (e.g. an action Vigil does not know). */
export interface PolicyWarningItem {
  Path: string;
  Message: string;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  ActionName: string;
  Decision: Decision;
  MatchedStatements: Array<{ PolicyIndex: number; StatementIndex: number; PolicyName: string; PolicyType: string; Effect: string }>;
}

export interface ListUsersResponse {
  Users: { User: RamUser[] };
}
export interface GetUserResponse {
  User: RamUser;
}
export interface ListGroupsResponse {
  Groups: { Group: RamGroup[] };
}
export interface ListPoliciesResponse {
  Policies: { Policy: RamPolicy[] };
}
export interface ListAttachedPoliciesResponse {
  Policies: { Policy: AttachedPolicy[] };
}
export interface ListUsersForGroupResponse {
  Users: { User: GroupMember[] };
}
export interface GetPolicyResponse {
  Policy: RamPolicy;
  DefaultPolicyVersion: PolicyVersion;
}
export interface ListPolicyVersionsResponse {
  PolicyVersions: { PolicyVersion: PolicyVersion[] };
}
export interface CreateVirtualMFADeviceResponse {
  VirtualMFADevice: { SerialNumber: string; Base32StringSeed: string; QRCodeUri: string };
}
export interface SimulateResponse {
  EvaluationResults: EvaluationResult[];
}
