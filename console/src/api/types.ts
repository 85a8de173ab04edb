/** Response shapes of the actions the console uses (docs/console-api.md). */

export interface SessionInfo {
  UserName: string;
  AccountId: string;
  CsrfToken: string;
  IsRoot: boolean;
}

export interface SummaryInfo {
  RequestId: string;
  AegisClientOfflineCount: number;
  AegisClientOnlineCount: number;
  SecurityScore: number;
  Success: boolean;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyItem {
  AccessKeyId: string;
  Status: AccessKeyStatus;
  CreateDate: string;
  LastUsedDate?: string;
}

export interface ListAccessKeysResponse {
  RequestId: string;
  AccessKeys: { AccessKey: AccessKeyItem[] };
}

export interface CreateAccessKeyResponse {
  RequestId: string;
  AccessKey: { AccessKeyId: string; AccessKeySecret: string; Status: AccessKeyStatus; CreateDate: string };
}

export type AuditDecision = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny' | 'NotAuthenticated';

export interface AuditEvent {
  eventId: string;
  eventName: string;
  eventTime: string;
  eventType: 'ApiCall' | 'ConsoleOperation';
  eventRW: 'Read' | 'Write';
  eventSource: string;
  serviceName: string;
  sourceIpAddress: string;
  userAgent: string;
  requestId: string;
  requestParameters: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  userIdentity: {
    type: 'root-account' | 'ram-user';
    principalId: string;
    accountId: string;
    userName: string;
    accessKeyId?: string;
  };
  additionalEventData: { LatencyMs: number; Decision: AuditDecision };
}

export interface LookupAttribute {
  Key: 'EventName' | 'UserName' | 'AccessKeyId' | 'ServiceName' | 'EventRW' | 'EventId' | 'ErrorCode';
  Value: string;
}

export interface LookupEventsParams {
  StartTime?: string;
  EndTime?: string;
  LookupAttribute?: LookupAttribute[];
  MaxResults?: number;
  NextToken?: string;
}

export interface LookupEventsResponse {
  RequestId: string;
  StartTime: string;
  EndTime: string;
  NextToken?: string;
  Events: AuditEvent[];
}
