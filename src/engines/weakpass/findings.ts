/** Weak-password and unauthorized-access findings. They never carry a password or a hash. */
import type { CandidateSource } from './dictionary.js';
import type { PasswordRule } from './password-rules.js';

export type WeakpassService = 'system' | 'redis' | 'postgresql' | 'mysql' | 'mongodb' | 'memcached' | 'elasticsearch' | 'tomcat' | 'rsync' | 'svn' | 'vsftpd';
export type WeakpassKind = 'weak_password' | 'empty_password' | 'unauthorized_access' | 'trust_authentication' | 'exposed_secret_file';

export interface WeakpassFinding {
  kind: WeakpassKind;
  category: 'weak_password' | 'unauthorized_access';
  level: 'high' | 'medium' | 'low';
  service: WeakpassService;
  /** Account name (system user, database role, `default` for Redis). */
  account: string;
  /** Where: `/etc/shadow`, `127.0.0.1:6379` … */
  target: string;
  reason: string;
  /** Which dictionary part the password came from, and which rules it breaks. */
  candidateSource?: CandidateSource;
  brokenRules?: PasswordRule[];
  fix: string;
}

export function systemFix(user: string): string {
  return `Set a strong password with 'passwd ${user}' (at least 8 characters, 3 of upper/lower/digit/symbol, not in a dictionary), or lock the account with 'passwd -l ${user}' if nobody logs in with it.`;
}

export function redisFix(target: string, kind: 'no_password' | 'weak'): string {
  const base = `In /etc/redis/redis.conf set 'requirepass <long random secret>' (e.g. from 'openssl rand -base64 32'), keep 'bind 127.0.0.1 -::1' and 'protected-mode yes', then 'systemctl restart redis-server' (or 'CONFIG SET requirepass …' for a running instance at ${target}) and update the clients.`;
  return kind === 'no_password' ? `Redis at ${target} accepts commands without a password. ${base}` : base;
}

export function postgresFix(role: string): string {
  return `Replace 'trust' by 'scram-sha-256' in pg_hba.conf (use 'peer' for local sockets), set a password with ALTER USER "${role}" PASSWORD '<strong secret>', then reload ('pg_ctlcluster <version> <cluster> reload' or SELECT pg_reload_conf()).`;
}

export function mysqlFix(account: string): string {
  return `Run ALTER USER ${account} IDENTIFIED BY '<strong secret>' (or SET PASSWORD FOR ${account} = '<strong secret>'), then FLUSH PRIVILEGES.`;
}
