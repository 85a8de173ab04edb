/** Response shapes of the brute-force and login-settings actions (src/actions/bruteforce.ts). */
export interface BfRule {
  Id: number;
  Name: string;
  FailCount: number;
  Span: number;
  SpanSeconds: number;
  ForbiddenTime: number;
  ForbiddenTimeSeconds: number;
  DefaultRule: boolean;
  MachineCount: number;
  UuidList: string[];
  SourceIp: string;
  ProtocolType: { Ssh: string; Rdp: string; SqlServer: string };
}

export interface BlockRecord {
  Id: number;
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
  BlockIp: string;
  Status: number;
  Reason: string;
  ErrorCode: string;
  BlockExpireDate: number;
  BlockTime: number;
  RuleName: string;
  Backend: string;
}

export interface LoginBaseConfig {
  Id: number;
  Ip: string;
  StartTime: string;
  EndTime: string;
  Account: string;
  Location: string;
  UuidCount: number;
  Targets: { Target: string; TargetType: string; Flag: string }[];
}

export interface Host {
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
}

export const LOGIN_TYPES = ['login_common_ip', 'login_common_time', 'login_common_account'] as const;
export type LoginType = (typeof LOGIN_TYPES)[number];

/** Sas Config JSON of a login base config row (what DeleteLoginBaseConfig identifies it by). */
export function configOf(type: LoginType, c: Pick<LoginBaseConfig, 'Ip' | 'StartTime' | 'EndTime' | 'Account'>): string {
  if (type === 'login_common_ip') return JSON.stringify({ ip: c.Ip });
  if (type === 'login_common_time') return JSON.stringify({ startTime: c.StartTime, endTime: c.EndTime });
  return JSON.stringify({ account: c.Account });
}

/** "90 s" / "15 min" / "6 h" for a duration in seconds. */
export function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
