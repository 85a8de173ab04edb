import type { Generated } from 'kysely';

/** Every table carries `account_id`: the schema is tenant-ready even though one install has one root account. */
export interface AccountsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UsersTable {
  comments: Generated<string>;
  email: Generated<string>;
  id: string;
  account_id: string;
  user_name: string;
  display_name: string;
  is_root: number;
  password_hash: string | null;
  mfa_secret_enc: string | null;
  mfa_enabled: number;
  failed_logins: number;
  locked_until: number | null;
  last_login_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface AccessKeysTable {
  id: string;
  account_id: string;
  user_id: string;
  secret_enc: string;
  status: 'Active' | 'Inactive';
  created_at: number;
  last_used_at: number | null;
}

export interface SessionsTable {
  id_hash: string;
  account_id: string;
  user_id: string;
  csrf_token: string;
  mfa: number;
  source_ip: string;
  created_at: number;
  expires_at: number;
}

export interface AuditEventsTable {
  id: string;
  account_id: string;
  event_time: number;
  event_name: string;
  service_name: string;
  event_rw: 'Read' | 'Write';
  event_type: 'ApiCall' | 'ConsoleOperation';
  user_type: string;
  user_name: string;
  principal_id: string;
  access_key_id: string | null;
  source_ip: string;
  user_agent: string;
  request_id: string;
  params_json: string;
  error_code: string | null;
  error_message: string | null;
  decision: string;
  latency_ms: number;
}

export interface AgentsTable {
  id: string;
  account_id: string;
  hostname: string;
  status: string;
  paused: number;
  last_heartbeat_at: number | null;
  created_at: number;
  // Added by migration 0002-agents.
  secret_enc: string | null;
  machine_id: string | null;
  os: string | null;
  kernel: string | null;
  arch: string | null;
  ips_json: string | null;
  agent_version: string | null;
  group_id: number | null;
  vendor_name: string | null;
  install_code: string | null;
  last_ip: string | null;
  last_event_seq: number | null;
  dropped_events: number | null;
  connected: number | null;
}

export interface SettingsTable {
  account_id: string;
  key: string;
  value_json: string;
  updated_at: number;
}

export interface AuditCursorTable {
  seq: Generated<number>;
}

export interface Database {
  vul_advisories: VulAdvisoriesTable;
  vul_affected: VulAffectedTable;
  vul_kev: VulKevTable;
  vul_meta: VulMetaTable;
  vul_findings: VulFindingsTable;
  vul_host_state: VulHostStateTable;
  vul_host_names: VulHostNamesTable;
  vul_whitelist: VulWhitelistTable;
  vul_settings: VulSettingsTable;
  ram_groups: RamGroupsTable;
  ram_group_members: RamGroupMembersTable;
  ram_policies: RamPoliciesTable;
  ram_policy_versions: RamPolicyVersionsTable;
  ram_attachments: RamAttachmentsTable;
  accounts: AccountsTable;
  users: UsersTable;
  access_keys: AccessKeysTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  agents: AgentsTable;
  settings: SettingsTable;
  agent_install_codes: AgentInstallCodesTable;
  agent_tasks: AgentTasksTable;
  asset_instances: AssetInstancesTable;
  asset_items: AssetItemsTable;
  asset_groups: AssetGroupsTable;
  asset_tags: AssetTagsTable;
  asset_instance_tags: AssetInstanceTagsTable;
  asset_exports: AssetExportsTable;
  baseline_risks: BaselineRisksTable;
  baseline_checks: BaselineChecksTable;
  baseline_warnings: BaselineWarningsTable;
  baseline_strategies: BaselineStrategiesTable;
  baseline_strategy_targets: BaselineStrategyTargetsTable;
  leak_sources: LeakSourcesTable;
  ak_leaks: AkLeaksTable;
  webshell_findings: WebshellFindingsTable;
  alerts: AlertsTable;
  alert_whitelist: AlertWhitelistTable;
  alert_operations: AlertOperationsTable;
  alert_quara_files: AlertQuaraFilesTable;
}

export interface AgentInstallCodesTable {
  code: string;
  account_id: string;
  expires_at: number;
  group_id: number | null;
  vendor_name: string;
  os: string;
  only_image: number;
  enrolled: number;
  created_at: number;
}

export interface AgentTasksTable {
  id: string;
  account_id: string;
  agent_id: string;
  kind: string;
  params_json: string;
  status: 'queued' | 'delivered' | 'done' | 'failed' | 'expired';
  result_json: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

export interface RamGroupsTable {
  id: string;
  account_id: string;
  group_name: string;
  comments: string;
  created_at: number;
  updated_at: number;
}

export interface RamGroupMembersTable {
  account_id: string;
  group_id: string;
  user_id: string;
  joined_at: number;
}

export interface RamPoliciesTable {
  id: string;
  account_id: string;
  policy_name: string;
  description: string;
  default_version: string;
  next_version: number;
  created_at: number;
  updated_at: number;
}

export interface RamPolicyVersionsTable {
  account_id: string;
  policy_id: string;
  version_id: string;
  document: string;
  created_at: number;
}

export interface RamAttachmentsTable {
  account_id: string;
  principal_type: 'User' | 'Group';
  principal_id: string;
  policy_type: 'System' | 'Custom';
  policy_name: string;
  attached_at: number;
}

/** One host of the asset center; `uuid` is the agent id. */
export interface AssetInstancesTable {
  account_id: string;
  uuid: string;
  instance_name: string;
  hostname: string;
  intranet_ip: string;
  internet_ip: string;
  /** Comma-separated, searched with LIKE. */
  ips: string;
  macs: string;
  os: string;
  os_name: string;
  kernel: string;
  arch: string;
  cpu_info: string;
  cores: number;
  mem_mb: number;
  group_id: number | null;
  /** 0 test, 1 general, 2 important (Sas ImportantCode). */
  importance: number;
  vendor: number;
  vendor_name: string;
  region_id: string;
  counts_json: string;
  warnings_json: string;
  last_inventory_at: number;
  created_at: number;
  updated_at: number;
  /** The agent's content hash of the last inventory stored ('' when unknown): the base a delta must match. */
  inventory_hash: Generated<string>;
}

/** One inventory item of a host; `kind` = process | port | account | software | cron | service | module | middleware. */
export interface AssetItemsTable {
  account_id: string;
  uuid: string;
  kind: string;
  name: string;
  version: string;
  user_name: string;
  port: number | null;
  pid: number | null;
  path: string;
  detail: string;
  ts: number | null;
  flag: number;
  data_json: string;
  /** Stable identity of the item within its host (hash); '' for rows written before issue 2. */
  item_key: Generated<string>;
  /** Hash of the row's content: a changed hash means the row is updated. */
  item_hash: Generated<string>;
}

export interface AssetGroupsTable {
  account_id: string;
  id: number;
  name: string;
  is_default: number;
  created_at: number;
}

export interface AssetTagsTable {
  account_id: string;
  id: number;
  name: string;
  created_at: number;
}

export interface AssetInstanceTagsTable {
  account_id: string;
  uuid: string;
  tag_id: number;
}

export interface AssetExportsTable {
  account_id: string;
  id: number;
  export_type: string;
  file_name: string;
  status: string;
  progress: number;
  total_count: number;
  current_count: number;
  file_path: string | null;
  /** Random capability in the download Link (like a pre-signed URL); expires with `expires_at`. */
  token: string;
  expires_at: number;
  message: string;
  created_at: number;
}

/** A directory or git repository scanned for leaked credentials (src/domain/leaks). */
export interface LeakSourcesTable {
  id: string;
  account_id: string;
  kind: 'dir' | 'git';
  location: string;
  name: string;
  interval_minutes: number;
  last_scan_at: number | null;
  last_status: string;
  last_message: string;
  created_at: number;
}

/** A leaked credential found in a source; deduplicated by (secret hash, location). */
export interface AkLeaksTable {
  id: number;
  account_id: string;
  source_id: string;
  dedup_key: string;
  secret_hash: string;
  rule_id: string;
  provider: string;
  key_id: string | null;
  file: string;
  line: number;
  commit_id: string | null;
  author: string | null;
  commit_date: string | null;
  excerpt: string;
  owner_user_id: string | null;
  status: 'pending' | 'whitelisted' | 'disabled' | 'manual';
  deal_type: string | null;
  deal_at: number | null;
  remark: string;
  created_at: number;
  updated_at: number;
}

/** A webshell an agent found in a web root (task scan or file watcher). */
export interface WebshellFindingsTable {
  id: string;
  account_id: string;
  agent_id: string;
  path: string;
  sha256: string;
  rule: string;
  confidence: string;
  evidence: string;
  scan_trigger: string;
  first_seen_at: number;
  last_seen_at: number;
}

/** One aggregated security alert: same account, host, rule and aggregation key. */
export interface AlertsTable {
  id: number;
  account_id: string;
  uuid: string;
  rule_id: string;
  /** sha256 of rule id + aggregation key (Sas UniqueInfo). */
  unique_info: string;
  agg_key: string;
  name: string;
  level: string;
  /** Sas EventStatus: 1 pending, 2 ignored, 4 confirmed, 8 false positive, 16 handling, 32 handled, 64 expired. */
  status: number;
  count: number;
  first_time: number;
  last_time: number;
  details_json: string;
  notes_json: string;
  operate_error_code: string;
  operate_msg: string;
  operate_time: number | null;
  mark_mis_rules: string;
  updated_at: number;
}

export interface AlertWhitelistTable {
  account_id: string;
  id: number;
  rule_id: string;
  field: string;
  operate: string;
  field_value: string;
  /** An agent uuid, or `ALL`. */
  scope_uuid: string;
  created_at: number;
}

export interface AlertOperationsTable {
  id: number;
  account_id: string;
  operation_code: string;
  alert_ids: string;
  status: string;
  message: string;
  created_at: number;
  finished_at: number | null;
}

export interface AlertQuaraFilesTable {
  id: number;
  account_id: string;
  uuid: string;
  alert_id: number;
  quara_id: string;
  path: string;
  sha256: string;
  status: string;
  message: string;
  created_at: number;
  updated_at: number;
}

// Vulnerability management (0006-vulns).
export interface VulAdvisoriesTable {
  id: string;
  modified: string;
  published: string;
  withdrawn: number;
  aliases_json: string;
  cves_json: string;
  summary: string;
  severity: string;
  cvss_json: string;
  cvss_vector: string;
  cvss_score10: number;
  references_json: string;
  record_json: string;
  imported_at: number;
}

export interface VulAffectedTable {
  advisory_id: string;
  seq: number;
  ecosystem: string;
  ecosystem_key: string;
  package: string;
  ranges_json: string;
}

export interface VulKevTable {
  cve_id: string;
  name: string;
  date_added: string;
  ransomware: number;
}

export interface VulMetaTable {
  meta_key: string;
  value: string;
}

export interface VulFindingsTable {
  account_id: string;
  uuid: string;
  advisory_id: string;
  package: string;
  id: number;
  advisory_package: string;
  installed_version: string;
  fixed_version: string;
  ecosystem: string;
  status: number;
  necessity: string;
  necessity_json: string;
  tags: string;
  kernel: number;
  first_ts: number;
  last_ts: number;
  modify_ts: number;
  repair_ts: number | null;
  reason: string;
  result_code: string;
  result_message: string;
}

export interface VulHostStateTable {
  account_id: string;
  uuid: string;
  inventory_at: number;
  db_version: number;
  ecosystem: string;
  evaluated_at: number;
}

/** 0034-vul-host-names: names a host's OS packages are looked up by (incremental re-evaluation). */
export interface VulHostNamesTable {
  account_id: string;
  uuid: string;
  eco_key: string;
  name: string;
}

/** 0017-vul-settings: uuid '' holds the account-wide value. */
export interface VulSettingsTable {
  account_id: string;
  uuid: string;
  type: string;
  config: string;
  updated_at: number;
}

export interface VulWhitelistTable {
  account_id: string;
  id: number;
  name: string;
  alias_name: string;
  reason: string;
  target_info: string;
  created_at: number;
}

export interface BaselineRisksTable {
  account_id: string;
  risk_id: number;
  policy_id: string;
  name: string;
  created_at: number;
}

export interface BaselineChecksTable {
  account_id: string;
  risk_id: number;
  check_id: number;
  title: string;
  category: string;
  level: string;
  fix_text: string;
  auto_fix: number;
}

export interface BaselineWarningsTable {
  account_id: string;
  id: number;
  uuid: string;
  risk_id: number;
  check_id: number;
  /** 1 failed, 2 verifying, 3 passed, 6 ignored. */
  status: number;
  result: string;
  reason: string;
  evidence_json: string;
  /** Comma-separated ip:port of services a live probe found open. */
  targets: string;
  ignore_reason: string;
  /** 0 none, 1 fixing, 2 fixed, 3 fix failed, 4 rolled back. */
  fix_status: number;
  fix_message: string;
  backup_id: string;
  first_seen: number;
  last_seen: number;
  last_handled: number;
}

export interface BaselineStrategiesTable {
  account_id: string;
  id: number;
  name: string;
  custom_type: string;
  cycle_days: number;
  cycle_start_time: number;
  start_time: string;
  end_time: string;
  /** Comma-separated policy ids; empty = every policy. */
  policy_ids: string;
  target_type: string;
  created_at: number;
  updated_at: number;
}

export interface BaselineStrategyTargetsTable {
  account_id: string;
  strategy_id: number;
  /** `uuid` or `groupId`. */
  target_type: string;
  target: string;
}
