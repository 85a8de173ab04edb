/** Response shapes of the alert actions the page calls (src/actions/alerts.ts). */
export type AlertLevel = 'serious' | 'suspicious' | 'remind';

export interface SuspEvent {
  Id: number;
  Uuid: string;
  Name: string;
  Level: AlertLevel;
  EventStatus: number;
  Count: number;
  RuleId: string;
  OccurrenceTimeStamp: number;
  LastTimeStamp: number;
  InstanceName: string;
  IntranetIp: string;
  Desc: string;
  SupportOperateCode: string;
  OperateErrorCode: string;
  OperateMsg: string;
  MarkMisRules: string;
  DetailsJson: string;
}

export interface SuspEventList {
  TotalCount: number;
  SuspEvents: SuspEvent[];
}

export interface AlertDetails {
  pid?: number;
  exe?: string;
  cmdline?: string[];
  uid?: number;
  processChain?: { pid: number; comm: string; cmdline: string[] }[];
  fds?: { fd: number; target: string }[];
  peer?: { proto: string; remoteAddress: string; remotePort: number; localPort: number } | null;
  via?: { pid: number; comm: string; link: string; resource: string }[];
  file?: { path: string } | null;
  evidence?: string;
}

export function detailsOf(e: SuspEvent): AlertDetails {
  try {
    return JSON.parse(e.DetailsJson) as AlertDetails;
  } catch {
    return {};
  }
}

/** Sas EventStatus codes the page shows. */
export const STATUS_CODES = [1, 2, 8, 16, 32, 64] as const;

export const WHITELIST_FIELDS = ['cmdline', 'exe', 'comm', 'peerIp', 'peerPort', 'parentCmdline', 'filePath', 'uid', 'name'] as const;
export const WHITELIST_OPERATES = ['contains', 'notContains', 'regex', 'strEqual', 'strNotEqual'] as const;

export type HandleCode = 'kill_process' | 'quara' | 'kill_and_quara' | 'block_ip' | 'clean_persistence' | 'ignore' | 'manual_handled' | 'advance_mark_mis_info';

export function supports(e: SuspEvent, code: HandleCode): boolean {
  return e.SupportOperateCode.split(',').includes(code);
}
