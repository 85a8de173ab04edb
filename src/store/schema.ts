import type { Generated } from 'kysely';

/** Every table carries `account_id`: the schema is tenant-ready even though one install has one root account. */
export interface AccountsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UsersTable {
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
  accounts: AccountsTable;
  users: UsersTable;
  access_keys: AccessKeysTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  agents: AgentsTable;
  settings: SettingsTable;
}
