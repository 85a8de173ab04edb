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
