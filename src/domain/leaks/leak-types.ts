import type { LeakSourceKind } from './source-scan.js';

export type LeakStatus = 'pending' | 'whitelisted' | 'disabled' | 'manual';
/** ModifyAccessKeyLeakDeal `Type` values (Sas): disable the key, whitelist the finding, handled by hand. */
export type LeakDealType = 'disable' | 'add-whitelist' | 'manual';

export const DEAL_STATUS: Record<LeakDealType, LeakStatus> = { disable: 'disabled', 'add-whitelist': 'whitelisted', manual: 'manual' };

export interface LeakSourceView {
  Id: string;
  Kind: LeakSourceKind;
  Location: string;
  Name: string;
  IntervalMinutes: number;
  LastScanTime?: number;
  LastScanStatus: string;
  LastScanMessage: string;
  CreateTime: number;
}

export interface LeakRecord {
  id: number;
  sourceId: string;
  sourceKind: LeakSourceKind | '';
  sourceLocation: string;
  sourceName: string;
  ruleId: string;
  provider: string;
  keyId: string | null;
  file: string;
  line: number;
  commit: string | null;
  author: string | null;
  commitDate: string | null;
  excerpt: string;
  ownerUserId: string | null;
  ownerUserName: string | null;
  /** 1 when the key is one of this account's AccessKeys and is active. */
  tokenValid: number;
  status: LeakStatus;
  dealType: string | null;
  dealAt: number | null;
  remark: string;
  createdAt: number;
  updatedAt: number;
}

export interface LeakListQuery {
  page: number;
  pageSize: number;
  /** `pending`, `deal` (any handled state) or one of the LeakStatus values. */
  status?: string;
  query?: string;
  startTs?: number;
}

export interface ScanOutcome {
  sourceId: string;
  found: number;
  added: number;
  truncated: boolean;
  message: string;
}
