/** Sas vulnerability status codes (API-COMPAT §3 DescribeVulList). */
export const VUL_STATUS = {
  unfixed: 1,
  fixFailed: 2,
  rollbackFailed: 3,
  fixing: 4,
  rollingBack: 5,
  verifying: 6,
  fixed: 7,
  fixedNeedsReboot: 8,
  rolledBack: 9,
  ignored: 10,
  rolledBackNeedsReboot: 11,
  notFound: 12,
  expired: 20,
} as const;

/** Statuses that still need handling (Dealed = n). */
export const OPEN_STATUSES: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 11];
/** Handled (Dealed = y): fixed, ignored, rolled back, expired. */
export const HANDLED_STATUSES: readonly number[] = [7, 9, 10, 12, 20];
