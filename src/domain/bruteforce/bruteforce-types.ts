/**
 * What the server and the agent exchange for brute-force defence and abnormal-login
 * detection. Imported by the agent bundle: no server-only imports here.
 */

/** Server → agent: the effective rules and login settings of this host (replaces the previous). */
export const BRUTEFORCE_CONFIG_TASK = 'bruteforce.config';
/** Server → agent: lift a block now (DisableBruteForceRecord). Params `{ ip }`. */
export const BRUTEFORCE_UNBLOCK_TASK = 'bruteforce.unblock';
/** Server → agent: the addresses blocked right now. */
export const BRUTEFORCE_LIST_TASK = 'bruteforce.list';

/** Agent → server event kinds. */
export const BRUTEFORCE_BLOCK_EVENT = 'bruteforce.block';
export const BRUTEFORCE_UNBLOCK_EVENT = 'bruteforce.unblock';

export type AgentAuthService = 'sshd' | 'vsftpd' | 'mysql' | 'pam';

export interface AgentBruteForceRule {
  /** Server rule id (decimal string). */
  id: string;
  name: string;
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
  /** Services counted; all when absent. */
  services?: AgentAuthService[];
  /** Sources (IPs/CIDRs) this rule never blocks (Sas `SourceIp`). */
  allowlist?: string[];
}

export interface AgentLoginConfig {
  /** login_common_ip: logins from other addresses alert. Empty = not restricted. */
  commonIps: string[];
  /** login_common_time: `HH:MM[:SS]` windows, local time of the host; logins outside all alert. */
  commonTimes: { start: string; end: string }[];
  /** login_common_account: logins of other accounts alert. */
  commonAccounts: string[];
}

export interface AgentBruteForceConfig {
  /** Server time the config was computed; an older config never replaces a newer one. */
  version: number;
  rules: AgentBruteForceRule[];
  login: AgentLoginConfig;
}

/** `data` of a `bruteforce.block` event. */
export interface BlockEventData {
  ip: string;
  ruleId: string;
  ruleName: string;
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
  /** Epoch ms the block lapses. */
  expiresAtMs: number;
  backend: string;
  users: string[];
  services: string[];
  /** Set when the firewall refused: the block did not happen. */
  error?: string;
}

/** `data` of a `bruteforce.unblock` event. */
export interface UnblockEventData {
  ip: string;
  reason: 'expired' | 'manual' | 'restart';
}

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 32).map((x) => x.slice(0, 128)) : []);

/** Validates an agent's block event (agents are not trusted to send sane sizes); null when it is not one. */
export function parseBlockEvent(data: unknown): BlockEventData | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const ip = str(d.ip, 64);
  const expiresAtMs = int(d.expiresAtMs);
  if (!ip || expiresAtMs === undefined) return null;
  const error = str(d.error, 1024);
  return {
    ip,
    ruleId: str(d.ruleId, 64) ?? '',
    ruleName: str(d.ruleName, 128) ?? '',
    failures: int(d.failures) ?? 0,
    windowSeconds: int(d.windowSeconds) ?? 0,
    blockSeconds: int(d.blockSeconds) ?? 0,
    expiresAtMs,
    backend: str(d.backend, 16) ?? '',
    users: strs(d.users),
    services: strs(d.services),
    ...(error ? { error } : {}),
  };
}

export function parseUnblockEvent(data: unknown): UnblockEventData | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const ip = str(d.ip, 64);
  const reason = d.reason === 'manual' || d.reason === 'restart' ? d.reason : 'expired';
  return ip ? { ip, reason } : null;
}

/** Validates a pushed config on the agent side; throws with the reason. */
export function parseAgentConfig(params: unknown): AgentBruteForceConfig {
  if (typeof params !== 'object' || params === null) throw new Error('bruteforce.config needs an object');
  const p = params as Record<string, unknown>;
  const version = int(p.version);
  if (version === undefined) throw new Error('bruteforce.config needs a version');
  const rules: AgentBruteForceRule[] = [];
  for (const r of Array.isArray(p.rules) ? p.rules.slice(0, 100) : []) {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const id = str(o.id, 64);
    const failures = int(o.failures);
    const windowSeconds = int(o.windowSeconds);
    const blockSeconds = int(o.blockSeconds);
    if (!id || failures === undefined || windowSeconds === undefined || blockSeconds === undefined) throw new Error('bruteforce.config: a rule needs id, failures, windowSeconds, blockSeconds');
    const services = strs(o.services).filter((s): s is AgentAuthService => ['sshd', 'vsftpd', 'mysql', 'pam'].includes(s));
    const allowlist = strs(o.allowlist);
    rules.push({ id, name: str(o.name, 128) ?? id, failures, windowSeconds, blockSeconds, ...(services.length ? { services } : {}), ...(allowlist.length ? { allowlist } : {}) });
  }
  const l = (typeof p.login === 'object' && p.login !== null ? p.login : {}) as Record<string, unknown>;
  const commonTimes = (Array.isArray(l.commonTimes) ? l.commonTimes.slice(0, 32) : []).flatMap((t) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    const start = str(o.start, 8);
    const end = str(o.end, 8);
    return start && end ? [{ start, end }] : [];
  });
  return { version, rules, login: { commonIps: strs(l.commonIps), commonTimes, commonAccounts: strs(l.commonAccounts) } };
}
