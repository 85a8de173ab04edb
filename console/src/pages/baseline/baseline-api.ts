/** Shapes of the Sas baseline actions as the console reads them (a subset of the fields). */
export interface WarningSummary {
  RiskId: number;
  RiskName: string;
  TypeAlias: string;
  Level: string;
  CheckCount: number;
  WarningMachineCount: number;
  HighWarningCount: number;
  MediumWarningCount: number;
  LowWarningCount: number;
  LastFoundTime: string;
}

export interface WarningSummaryResponse {
  WarningSummarys: WarningSummary[];
  TotalCount: number;
}

export interface WarningMachine {
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
  InternetIp: string;
  Online: boolean;
  HighWarningCount: number;
  MediumWarningCount: number;
  LowWarningCount: number;
  PassCount: number;
}

export interface WarningMachinesResponse {
  WarningMachines: WarningMachine[];
}

export interface CheckWarning {
  CheckId: number;
  CheckWarningId: number;
  Item: string;
  Level: string;
  Reason: string;
  Status: number;
  Type: string;
  Uuid: string;
  FixStatus: number;
  ExecErrorMessage: string;
}

export interface CheckWarningsResponse {
  CheckWarnings: CheckWarning[];
}

export interface CheckWarningDetail {
  CheckWarningId: number;
  Item: string;
  Reason: string;
  Solution: string;
  Description: string;
  AutoFix: boolean;
  IgnoreReason: string;
  Targets: string[];
}

/** Sas RiskStatus codes. */
export const STATUS = { failed: 1, verifying: 2, passed: 3, ignored: 6 } as const;

export interface Strategy {
  Id: number;
  Name: string;
  CycleDays: number;
  StartTime: string;
  EndTime: string;
  RiskSubTypeName: string;
  EcsCount: number;
}

export interface StrategyResponse {
  Strategies: Strategy[];
}

export const CYCLE_DAYS = [1, 2, 3, 5, 7, 15, 30] as const;

/** Policies shipped in rules/baseline plus the built-in weak-password checks. */
export const SHIPPED_POLICIES = ['vigil_debian_essentials', 'vigil_rhel_essentials', 'vigil_redis', 'vigil_mysql', 'vigil_postgresql', 'vigil_nginx', 'vigil_vsftpd', 'vigil_rsync', 'vigil_weakpass'] as const;

/** The weak-password sources (check ids of the vigil_weakpass policy). */
export const WEAK_SOURCES = [
  { key: 'system', checkId: 990001 },
  { key: 'redis', checkId: 990002 },
  { key: 'postgresql', checkId: 990003 },
  { key: 'mysql', checkId: 990004 },
  { key: 'mongodb', checkId: 990005 },
  { key: 'memcached', checkId: 990006 },
  { key: 'elasticsearch', checkId: 990007 },
  { key: 'tomcat', checkId: 990008 },
  { key: 'rsync', checkId: 990009 },
  { key: 'svn', checkId: 990010 },
  { key: 'vsftpd', checkId: 990011 },
] as const;
