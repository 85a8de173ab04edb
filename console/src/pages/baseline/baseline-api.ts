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
