export type AuditDecision = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny' | 'NotAuthenticated';

export interface AuditRecord {
  id: string;
  accountId: string;
  time: number;
  eventName: string;
  serviceName: string;
  rw: 'Read' | 'Write';
  eventType: 'ApiCall' | 'ConsoleOperation';
  userType: string;
  userName: string;
  principalId: string;
  accessKeyId: string | null;
  sourceIp: string;
  userAgent: string;
  requestId: string;
  params: Record<string, unknown>;
  errorCode: string | null;
  errorMessage: string | null;
  decision: AuditDecision;
  latencyMs: number;
}

/** The ActionTrail event shape that `LookupEvents` returns. */
export interface TrailEvent {
  eventId: string;
  eventName: string;
  eventTime: string;
  eventType: 'ApiCall' | 'ConsoleOperation';
  eventRW: 'Read' | 'Write';
  eventSource: string;
  eventVersion: string;
  serviceName: string;
  sourceIpAddress: string;
  userAgent: string;
  requestId: string;
  requestParameters: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  userIdentity: { type: string; principalId: string; accountId: string; userName: string; accessKeyId?: string };
  additionalEventData: { LatencyMs: number; Decision: AuditDecision };
}

export interface LookupQuery {
  accountId: string;
  startTime: number;
  endTime: number;
  attributes: Array<{ key: string; value: string }>;
  maxResults: number;
  nextToken?: string;
}
