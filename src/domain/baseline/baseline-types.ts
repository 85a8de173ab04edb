/**
 * The `baseline` snapshot an agent sends after a scan (full or limited to some checks). Shared by
 * the agent (producer) and the server (ingest). It never carries a password or a password hash:
 * weak-password results name the account and the dictionary part only, and SCA evidence lines are
 * masked after password-like keys.
 */
export const BASELINE_SNAPSHOT_KIND = 'baseline';
/** Runs the shipped policies and weak-password checks; params {@link BaselineScanParams}. */
export const BASELINE_SCAN_TASK = 'baseline.scan';
/** Applies a check's declared safe fix (set_option) with a backup; params {@link BaselineFixParams}. */
export const BASELINE_FIX_TASK = 'baseline.fix';
/** Restores the file a fix changed from its backup; params {@link BaselineRollbackParams}. */
export const BASELINE_ROLLBACK_TASK = 'baseline.rollback';

/** Policy id of the agent's built-in weak-password / unauthorized-access checks. */
export const WEAKPASS_POLICY_ID = 'vigil_weakpass';
export const WEAKPASS_CHECKS = {
  system: 990001,
  redis: 990002,
  postgresql: 990003,
  mysql: 990004,
  mongodb: 990005,
  memcached: 990006,
  elasticsearch: 990007,
  tomcat: 990008,
  rsync: 990009,
  svn: 990010,
  vsftpd: 990011,
} as const;

export type BaselineCategory = 'weak_password' | 'unauthorized_access' | 'config_red_line' | 'historical_vulnerability';
export type BaselineLevel = 'high' | 'medium' | 'low';
export type BaselineResult = 'passed' | 'failed' | 'not applicable';

export interface BaselineEvidence {
  rule: string;
  outcome: string;
  reason: string;
}

export interface BaselineCheckResult {
  policyId: string;
  policyName: string;
  checkId: number;
  title: string;
  category: BaselineCategory;
  level: BaselineLevel;
  result: BaselineResult;
  reason: string;
  evidence: BaselineEvidence[];
  /** Remediation text for a human. */
  fix: string;
  /** The check declares a fix the agent may apply by itself (FixCheckWarnings). */
  autoFix: boolean;
  /** `ip:port` of the services a live probe found open (exposure join). */
  targets?: string[];
}

export interface BaselinePolicySummary {
  policyId: string;
  name: string;
  requirementsMet: boolean;
  reason?: string;
}

export interface BaselineSnapshot {
  scannedAt: number;
  durationMs: number;
  /** Set when the scan was limited (verify); the server then only updates these checks. */
  scope?: BaselineScanParams;
  policies: BaselinePolicySummary[];
  results: BaselineCheckResult[];
  errors: string[];
}

export interface BaselineScanParams {
  policyIds?: string[];
  checkIds?: number[];
}

export interface BaselineFixParams {
  policyId: string;
  checkId: number;
}

export interface BaselineFixOutcome {
  policyId: string;
  checkId: number;
  file: string;
  backupId: string;
  /** Result of re-running the check after the change. */
  verified: BaselineResult;
  reason: string;
}

export interface BaselineRollbackParams {
  backupId: string;
}
