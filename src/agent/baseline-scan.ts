/**
 * One baseline scan on this host: every policy file of the rule directories whose requirements
 * pass, plus the weak-password checks (shadow via libxcrypt with a time budget, Redis AUTH on the
 * local listening Redis ports, PostgreSQL trust). Produces a {@link BaselineSnapshot}; passwords
 * and hashes stay in this process.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluatePolicy, type CheckResult } from '../engines/sca/evaluate.js';
import type { HostProbe } from '../engines/sca/host-probe.js';
import { loadPolicy, type ScaCheck, type ScaPolicy } from '../engines/sca/policy.js';
import { buildDictionary, candidatesFor, type WeakDictionary } from '../engines/weakpass/dictionary.js';
import type { WeakpassFinding } from '../engines/weakpass/findings.js';
import { postgresFindings, redisFindings } from '../engines/weakpass/service-auth.js';
import { checkShadow, type PasswordHasher } from '../engines/weakpass/shadow-check.js';
import { parseShadow } from '../engines/weakpass/shadow.js';
import { listeningPorts } from '../host/inventory/ports.js';
import { createHostProbe } from '../host/probe/host-probe.js';
import { probeRedisAuth } from '../host/probe/redis-auth.js';
import { configSecretPathsFromEnv, scanConfigSecrets, type ConfigSecretPaths } from '../host/probe/config-secret-files.js';
import { probeElasticsearchOpen } from '../host/probe/elasticsearch-open.js';
import { probeMemcachedOpen } from '../host/probe/memcached-open.js';
import { probeMongoOpen } from '../host/probe/mongo-open.js';
import { mysqlFindings, openServiceFindings, type OpenService } from '../engines/weakpass/open-service-findings.js';
import type { ServiceAuthResult } from '../engines/weakpass/service-auth.js';
import { createXcryptHasher } from '../host/probe/xcrypt.js';
import { readProcessSnapshot } from '../host/procfs/read-snapshot.js';
import type { ListeningPort } from '../host/inventory/inventory-types.js';
import {
  WEAKPASS_CHECKS,
  WEAKPASS_POLICY_ID,
  type BaselineCheckResult,
  type BaselineScanParams,
  type BaselineSnapshot,
} from '../domain/baseline/baseline-types.js';

export { findRulesDir, policyDirsFromEnv } from './rules-dir.js';

export interface LoadedPolicies {
  policies: ScaPolicy[];
  errors: string[];
}

export function loadPolicies(dirs: readonly string[]): LoadedPolicies {
  const policies: ScaPolicy[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
    } catch (e) {
      errors.push(`cannot read policy directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    for (const name of names) {
      try {
        const p = loadPolicy(readFileSync(join(dir, name), 'utf8'));
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        policies.push(p);
      } catch (e) {
        errors.push(`${join(dir, name)}: ${(e as Error).message}`);
      }
    }
  }
  return { policies, errors };
}

function fixText(check: ScaCheck): { fix: string; autoFix: boolean } {
  const f = check.vigil?.fix;
  const parts = [check.remediation ?? ''];
  if (f?.kind === 'manual' && !parts[0]?.includes(f.text)) parts.push(f.text);
  return { fix: parts.filter((s) => s.length > 0).join(' '), autoFix: f?.kind === 'set_option' };
}

function toResult(policy: ScaPolicy, check: ScaCheck, r: CheckResult): BaselineCheckResult {
  return {
    policyId: policy.id,
    policyName: policy.name,
    checkId: check.id,
    title: check.title,
    category: check.vigil?.category ?? policy.vigil?.category ?? 'config_red_line',
    level: check.vigil?.level ?? policy.vigil?.level ?? 'medium',
    result: r.result,
    reason: r.reason,
    evidence: r.rules.map((e) => ({ rule: e.rule, outcome: e.outcome, reason: e.reason })),
    ...fixText(check),
  };
}

export interface ScanOptions {
  policyDirs: string[];
  /** Word lists directory (common.txt, phrases.txt); weak-password checks are skipped without it. */
  weakpassDir: string | null;
  probe?: HostProbe;
  hasher?: PasswordHasher;
  shadowPath?: string;
  /** Ports to probe; default: this host's listening sockets from /proc. */
  ports?: ListeningPort[];
  /** Per shadow account. Default 30 s (about the yescrypt candidate cap). */
  maxMillisPerAccount?: number;
  commandTimeoutMs?: number;
  now?: () => number;
  /** Service files with clear-text passwords; default: the usual locations + VIGIL_WEAKPASS_*_FILES. */
  configSecretPaths?: ConfigSecretPaths;
  /** MySQL/MariaDB unix socket for `@'localhost'` accounts (default /run/mysqld/mysqld.sock when it exists). */
  mysqlSocket?: string | null;
  /** MySQL/MariaDB accounts tried. Default root. */
  mysqlUsers?: string[];
}

const WEAKPASS_NAME = 'Vigil weak passwords and unauthorized access';

function weakpassResult(checkId: number, title: string, category: BaselineCheckResult['category'], findings: WeakpassFinding[], applicable: boolean, naReason: string, passReason: string): BaselineCheckResult {
  const failed = findings.length > 0;
  return {
    policyId: WEAKPASS_POLICY_ID,
    policyName: WEAKPASS_NAME,
    checkId,
    title,
    category: failed ? (findings[0]?.category ?? category) : category,
    level: 'high',
    result: failed ? 'failed' : applicable ? 'passed' : 'not applicable',
    reason: failed ? findings.map((f) => f.reason).join('; ') : applicable ? passReason : naReason,
    evidence: findings.map((f) => ({ rule: `${f.service} ${f.kind}`, outcome: 'found', reason: `account ${f.account} at ${f.target}` })),
    fix: [...new Set(findings.map((f) => f.fix))].join(' ') || (category === 'unauthorized_access' ? 'Require authentication with a strong password.' : 'Use strong passwords.'),
    autoFix: false,
    ...(failed ? { targets: [...new Set(findings.map((f) => f.target))] } : {}),
  };
}

function loopbackTarget(p: ListeningPort): string {
  if (p.bindIp === '0.0.0.0' || p.bindIp === '127.0.0.1' || p.bindIp.startsWith('127.')) return '127.0.0.1';
  if (p.bindIp === '::' || p.bindIp === '::1') return '::1';
  return p.bindIp;
}

function servicePorts(ports: readonly ListeningPort[], procNames: readonly string[], defaultPort: number): Array<{ host: string; port: number }> {
  const out = new Map<string, { host: string; port: number }>();
  for (const p of ports) {
    if (p.proto !== 'tcp' && p.proto !== 'tcp6') continue;
    const byName = p.procName !== undefined && procNames.includes(p.procName);
    if (!byName && !(p.procName === undefined && p.port === defaultPort)) continue;
    // One probe per port: IPv4 loopback reaches both 0.0.0.0 and 127.0.0.1 listeners.
    const host = loopbackTarget(p);
    const key = String(p.port);
    if (!out.has(key) || host === '127.0.0.1') out.set(key, { host, port: p.port });
  }
  return [...out.values()];
}

async function weakpassChecks(o: ScanOptions, dict: WeakDictionary, wanted: (id: number) => boolean, errors: string[]): Promise<BaselineCheckResult[]> {
  const out: BaselineCheckResult[] = [];
  const now = o.now ?? (() => performance.now());
  if (wanted(WEAKPASS_CHECKS.system)) {
    const shadowPath = o.shadowPath ?? '/etc/shadow';
    let text: string | null = null;
    try {
      text = readFileSync(shadowPath, 'utf8');
    } catch (e) {
      errors.push(`cannot read ${shadowPath}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (text !== null) {
      let hasher = o.hasher;
      try {
        hasher ??= createXcryptHasher();
      } catch (e) {
        errors.push(`libxcrypt unavailable: ${(e as Error).message}`);
      }
      if (hasher) {
        const res = await checkShadow(parseShadow(text), { dictionary: dict, hasher, now, maxMillisPerAccount: o.maxMillisPerAccount ?? 30_000, target: shadowPath });
        const tested = res.accounts.filter((a) => a.status !== 'locked' && a.status !== 'unsupported').length;
        out.push(weakpassResult(WEAKPASS_CHECKS.system, 'System accounts have no weak or empty passwords', 'weak_password', res.findings, tested > 0, `no account in ${shadowPath} has a password`, `${tested} account password(s) in ${shadowPath} resisted the weak-password dictionary`));
      }
    }
  }
  const ports = o.ports ?? hostListeningPorts();
  if (wanted(WEAKPASS_CHECKS.redis)) {
    const findings: WeakpassFinding[] = [];
    const targets = servicePorts(ports, ['redis-server'], 6379);
    for (const t of targets) {
      const r = await probeRedisAuth({ host: t.host, port: t.port, candidates: candidatesFor('default', dict), maxAttempts: 300 });
      if (r.status === 'error') errors.push(`redis probe ${r.target}: ${r.reason}`);
      findings.push(...redisFindings(r, dict));
    }
    out.push(weakpassResult(WEAKPASS_CHECKS.redis, 'Redis requires a strong password', 'unauthorized_access', findings, targets.length > 0, 'no Redis server listens on this host', `Redis at ${targets.map((t) => `${t.host}:${t.port}`).join(', ')} refused the dictionary`));
  }
  if (wanted(WEAKPASS_CHECKS.postgresql)) {
    const findings: WeakpassFinding[] = [];
    const targets = servicePorts(ports, ['postgres', 'postmaster'], 5432);
    // The PostgreSQL client library is loaded only on hosts that run PostgreSQL (the agent stays small).
    const { probePostgresAuth } = targets.length > 0 ? await import('../host/probe/pg-auth.js') : { probePostgresAuth: undefined };
    for (const t of targets) {
      if (!probePostgresAuth) break;
      const r = await probePostgresAuth({ host: t.host, port: t.port, role: 'postgres', candidates: candidatesFor('postgres', dict), maxAttempts: 30 });
      if (r.status === 'error') errors.push(`postgresql probe ${r.target}: ${r.reason}`);
      findings.push(...postgresFindings(r));
    }
    out.push(weakpassResult(WEAKPASS_CHECKS.postgresql, 'PostgreSQL does not trust network clients', 'unauthorized_access', findings, targets.length > 0, 'no PostgreSQL server listens on this host', `PostgreSQL at ${targets.map((t) => `${t.host}:${t.port}`).join(', ')} asked for a password`));
  }
  out.push(...(await openServiceChecks(o, ports, dict, wanted, errors)));
  if ([WEAKPASS_CHECKS.tomcat, WEAKPASS_CHECKS.rsync, WEAKPASS_CHECKS.svn, WEAKPASS_CHECKS.vsftpd].some(wanted)) {
    const res = scanConfigSecrets({ ...configSecretPathsFromEnv(), ...(o.configSecretPaths ?? {}) }, dict);
    const titles = { tomcat: 'Tomcat users (tomcat-users.xml) have strong passwords', rsync: 'rsync secrets files hold strong passwords and are mode 600', svn: 'SVN passwd users have strong passwords', vsftpd: 'vsftpd virtual users have strong passwords' } as const;
    for (const kind of ['tomcat', 'rsync', 'svn', 'vsftpd'] as const) {
      if (!wanted(WEAKPASS_CHECKS[kind])) continue;
      const files = res.files[kind];
      out.push(weakpassResult(WEAKPASS_CHECKS[kind], titles[kind], 'weak_password', res.findings[kind], files.length > 0, `no ${kind} password file found`, `${files.join(', ')}: every password passes the complexity rule`));
    }
  }
  return out;
}

const OPEN_TITLES: Record<OpenService, string> = {
  mongodb: 'MongoDB requires authentication',
  memcached: 'Memcached is not open to unauthenticated clients',
  elasticsearch: 'Elasticsearch requires authentication',
};

async function openServiceChecks(o: ScanOptions, ports: readonly ListeningPort[], dict: WeakDictionary, wanted: (id: number) => boolean, errors: string[]): Promise<BaselineCheckResult[]> {
  const out: BaselineCheckResult[] = [];
  if (wanted(WEAKPASS_CHECKS.mysql)) {
    const findings: WeakpassFinding[] = [];
    const targets = servicePorts(ports, ['mysqld', 'mariadbd'], 3306);
    const socket = o.mysqlSocket === undefined ? (existsSync('/run/mysqld/mysqld.sock') ? '/run/mysqld/mysqld.sock' : null) : o.mysqlSocket;
    const ways = targets.length > 0 ? [...targets.map((t) => ({ host: t.host, port: t.port })), ...(socket ? [{ host: '127.0.0.1', port: 0, socketPath: socket }] : [])] : [];
    // mysql2 (with its character-set tables, ~1 MB of code) is loaded only on hosts that run MySQL.
    const { probeMysqlAuth } = ways.length > 0 ? await import('../host/probe/mysql-auth.js') : { probeMysqlAuth: undefined };
    for (const way of ways) {
      if (!probeMysqlAuth) break;
      for (const user of o.mysqlUsers ?? ['root']) {
        const r = await probeMysqlAuth({ ...way, user, candidates: candidatesFor(user, dict), maxAttempts: 100, minIntervalMs: 20 });
        if (r.status === 'error') errors.push(`mysql probe ${r.target}: ${r.reason}`);
        findings.push(...mysqlFindings(r, user, dict));
      }
    }
    out.push(weakpassResult(WEAKPASS_CHECKS.mysql, 'MySQL/MariaDB accounts have strong passwords', 'weak_password', findings, targets.length > 0, 'no MySQL/MariaDB server listens on this host', `MySQL/MariaDB at ${targets.map((t) => `${t.host}:${t.port}`).join(', ')} refused empty and dictionary passwords`));
  }
  const open: Array<[OpenService, Array<{ host: string; port: number }>, (t: { host: string; port: number }) => Promise<ServiceAuthResult>]> = [
    ['mongodb', servicePorts(ports, ['mongod', 'mongos'], 27017), (t) => probeMongoOpen(t)],
    ['memcached', servicePorts(ports, ['memcached'], 11211), (t) => probeMemcachedOpen(t)],
    ['elasticsearch', servicePorts(ports, ['java', 'elasticsearch', 'opensearch'], 9200).filter((t) => t.port === 9200 || t.port === 9201), (t) => probeElasticsearchOpen(t)],
  ];
  for (const [service, targets, probe] of open) {
    if (!wanted(WEAKPASS_CHECKS[service])) continue;
    const findings: WeakpassFinding[] = [];
    for (const t of targets) {
      const r = await probe(t);
      if (r.status === 'error') errors.push(`${service} probe ${r.target}: ${r.reason}`);
      findings.push(...openServiceFindings(service, r));
    }
    out.push(weakpassResult(WEAKPASS_CHECKS[service], OPEN_TITLES[service], 'unauthorized_access', findings, targets.length > 0, `no ${service} server listens on this host`, `${targets.map((t) => `${t.host}:${t.port}`).join(', ')} asked for credentials`));
  }
  return out;
}

function hostListeningPorts(): ListeningPort[] {
  const snap = readProcessSnapshot();
  return listeningPorts(snap.processes, snap.inetSockets);
}

function readDictionary(dir: string, now: Date): WeakDictionary {
  const year = now.getFullYear();
  return buildDictionary({
    commonList: readFileSync(join(dir, 'common.txt'), 'utf8'),
    phraseList: readFileSync(join(dir, 'phrases.txt'), 'utf8'),
    years: Array.from({ length: 10 }, (_v, i) => year - i),
  });
}

export async function runBaselineScan(o: ScanOptions, params: BaselineScanParams = {}): Promise<BaselineSnapshot> {
  const started = Date.now();
  const limited = (params.policyIds?.length ?? 0) > 0 || (params.checkIds?.length ?? 0) > 0;
  const policyWanted = (id: string) => !params.policyIds?.length || params.policyIds.includes(id);
  const checkIds = params.checkIds?.length ? params.checkIds : undefined;
  const { policies, errors } = loadPolicies(o.policyDirs);
  if (policies.length === 0 && errors.length > 0) throw new Error(`no baseline policy could be loaded: ${errors.join('; ')}`);
  const probe = o.probe ?? createHostProbe();
  const snapshot: BaselineSnapshot = { scannedAt: started, durationMs: 0, policies: [], results: [], errors };
  if (limited) snapshot.scope = { ...(params.policyIds?.length ? { policyIds: params.policyIds } : {}), ...(checkIds ? { checkIds } : {}) };
  for (const policy of policies) {
    if (!policyWanted(policy.id)) continue;
    if (checkIds && !policy.checks.some((c) => checkIds.includes(c.id))) continue;
    try {
      const res = await evaluatePolicy(policy, probe, { commandTimeoutMs: o.commandTimeoutMs ?? 15_000, ...(checkIds ? { onlyCheckIds: checkIds } : {}) });
      snapshot.policies.push({ policyId: policy.id, name: policy.name, requirementsMet: res.requirementsMet, ...(res.requirementsReason ? { reason: res.requirementsReason } : {}) });
      if (!res.requirementsMet) continue;
      const byId = new Map(policy.checks.map((c) => [c.id, c]));
      for (const r of res.checks) {
        const check = byId.get(r.id);
        if (check) snapshot.results.push(toResult(policy, check, r));
      }
    } catch (e) {
      errors.push(`policy ${policy.id}: ${(e as Error).message}`);
    }
  }
  const weakIds: number[] = Object.values(WEAKPASS_CHECKS);
  if (policyWanted(WEAKPASS_POLICY_ID) && (!checkIds || checkIds.some((id) => weakIds.includes(id)))) {
    if (!o.weakpassDir) errors.push('weak-password word lists (rules/weakpass) not found; weak-password checks skipped');
    else {
      const dict = readDictionary(o.weakpassDir, new Date(started));
      const results = await weakpassChecks(o, dict, (id) => !checkIds || checkIds.includes(id), errors);
      snapshot.policies.push({ policyId: WEAKPASS_POLICY_ID, name: WEAKPASS_NAME, requirementsMet: true });
      snapshot.results.push(...results);
    }
  }
  snapshot.durationMs = Date.now() - started;
  return snapshot;
}
