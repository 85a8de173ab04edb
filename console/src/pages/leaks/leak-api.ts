/** Response shapes of the leak actions the page calls (src/actions/leaks.ts). */
export type LeakStatus = 'pending' | 'whitelisted' | 'disabled' | 'manual';
export type LeakDealType = 'disable' | 'add-whitelist' | 'manual';

export interface LeakSource {
  Id: string;
  Kind: 'dir' | 'git';
  Location: string;
  Name: string;
  IntervalMinutes: number;
  LastScanTime?: number;
  LastScanStatus: string;
  LastScanMessage: string;
  CreateTime: number;
}

export interface LeakItem {
  Id: number;
  AccesskeyId: string;
  Asset: string;
  InstanceName: string;
  Source: string;
  TokenValid: number;
  Type: string;
  UserName: string;
  DealTime: string;
  DealType: string;
  GmtModified: number;
  Status: LeakStatus;
  Provider: string;
  File: string;
  Line: number;
  Commit: string;
  Author: string;
  OwnerUserName: string;
}

export interface LeakListResponse {
  TotalCount: number;
  AkLeakCount: number;
  AccessKeyLeakList: LeakItem[];
}

export interface LeakDetail extends Omit<LeakItem, 'Id' | 'InstanceName' | 'UserName' | 'GmtModified'> {
  Code: string;
  Remark: string;
  GmtCreate: string;
  Github: { RepoUrl: string; FileUrl: string; User: string; FileUpdateTime: string };
}

/** A leak can be disabled only when it is one of this account's own keys and still active. */
export function canDisable(l: Pick<LeakItem, 'OwnerUserName' | 'TokenValid'>): boolean {
  return l.OwnerUserName !== '' && l.TokenValid === 1;
}
