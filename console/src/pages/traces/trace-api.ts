/** Response shapes of the intrusion-trace actions (src/actions/traces.ts). */
export interface TraceTask {
  TaskId: string;
  Uuid: string;
  InstanceName: string;
  Status: 'Processing' | 'Success' | 'Failure' | 'Expired';
  CreateTime: number;
  FinishTime: number;
  Error: string;
  Level: string;
  SeriousCount: number;
  SuspiciousCount: number;
  InfoCount: number;
}

export interface TraceItem {
  Code: string;
  Level: 'serious' | 'suspicious' | 'info';
  Title: string;
  Explanation: string;
  Evidence: Record<string, string | number | boolean>;
}

export interface TraceSection {
  Id: string;
  Title: string;
  Level: string;
  Truncated: boolean;
  Items: TraceItem[];
}

export interface TraceReportResponse {
  Task: TraceTask;
  Report?: { Hostname: string; GeneratedAt: number; Level: string; Sections: TraceSection[]; Unreadable: string[] };
}

/** i18n key of an item code's explanation (`cron.dangerous` → `traces.code.cron_dangerous`). */
export function codeKey(code: string): string {
  return `traces.code.${code.replace(/[.-]/g, '_')}`;
}

export const LEVEL_COLORS: Record<string, string> = { serious: 'red', suspicious: 'orange', info: 'blue' };
