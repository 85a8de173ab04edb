import type { LookupAttribute, LookupEventsParams } from '../../api/types.js';

/** Page size asked of LookupEvents (its maximum). */
export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilterValues {
  eventName?: string;
  userName?: string;
  /** Start and end of the time range, ISO 8601. */
  startTime?: string;
  endTime?: string;
}

/** Maps the console's filters (and a continuation token) to LookupEvents parameters. */
export function buildLookupParams(filters: AuditFilterValues, nextToken?: string): LookupEventsParams {
  const attributes: LookupAttribute[] = [];
  const eventName = filters.eventName?.trim();
  const userName = filters.userName?.trim();
  if (eventName) attributes.push({ Key: 'EventName', Value: eventName });
  if (userName) attributes.push({ Key: 'UserName', Value: userName });
  const params: LookupEventsParams = { MaxResults: AUDIT_PAGE_SIZE };
  if (attributes.length > 0) params.LookupAttribute = attributes;
  if (filters.startTime) params.StartTime = filters.startTime;
  if (filters.endTime) params.EndTime = filters.endTime;
  if (nextToken) params.NextToken = nextToken;
  return params;
}
