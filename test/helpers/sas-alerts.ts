/** Handling alerts through the Sas API as a console user would: HandleSecurityEvents, then its task status. */
import type { popClient } from './sdk.js';
import { until } from './local-agent-server.js';

type Sas = ReturnType<typeof popClient>;

export interface SuspEvent {
  Id: number;
  Level: string;
  EventStatus: number;
  Count: number;
  RuleId: string;
  OperateErrorCode: string;
  OperateMsg: string;
  SupportOperateCode: string;
  Desc: string;
  DetailsJson: string;
  Details: Array<{ NameDisplay: string; Value: string }>;
}

/** Pending and handled alerts, newest first (one page of 100). */
export async function suspEvents(sas: Sas, params: Record<string, unknown> = {}): Promise<SuspEvent[]> {
  const r = (await sas.request('DescribeSuspEvents', { CurrentPage: '1', PageSize: '100', ...params }, { method: 'POST' })) as { SuspEvents: SuspEvent[] };
  return r.SuspEvents;
}

/** HandleSecurityEvents on one alert; returns the operation's TaskId. */
export async function handleAlert(sas: Sas, id: number, code: string, extra: Record<string, unknown> = {}): Promise<number> {
  const r = (await sas.request('HandleSecurityEvents', { OperationCode: code, SecurityEventIds: [String(id)], ...extra }, { method: 'POST' })) as {
    HandleSecurityEventsResponse: { TaskId: number };
  };
  return r.HandleSecurityEventsResponse.TaskId;
}

/** Waits for the operation's result on the alert: `Success` or `Failure`. */
export async function operationResult(sas: Sas, taskId: number, id: number): Promise<string> {
  return until('operation result', async () => {
    const r = (await sas.request('DescribeSecurityEventOperationStatus', { TaskId: taskId, SecurityEventIds: [String(id)] }, { method: 'POST' })) as {
      SecurityEventOperationStatusResponse: { TaskStatus: string };
    };
    const s = r.SecurityEventOperationStatusResponse.TaskStatus;
    return s === 'Processing' ? undefined : s;
  });
}
