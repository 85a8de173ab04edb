/**
 * Weak passwords on this host: /etc/shadow hashes tried with the system's libxcrypt against the
 * shipped dictionary, and live logins to the Redis and PostgreSQL servers found listening here.
 * Passwords and hashes stay in this process: findings name the account, the target and the fix.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDictionary, candidatesFor, type WeakDictionary } from '../../engines/weakpass/dictionary.js';
import type { WeakpassFinding } from '../../engines/weakpass/findings.js';
import { postgresFindings, redisFindings, type ServiceAuthResult } from '../../engines/weakpass/service-auth.js';
import { checkShadow } from '../../engines/weakpass/shadow-check.js';
import { parseShadow } from '../../engines/weakpass/shadow.js';
import { readProcessSnapshot } from '../../host/procfs/read-snapshot.js';
import { probePostgresAuth } from '../../host/probe/pg-auth.js';
import { probeRedisAuth } from '../../host/probe/redis-auth.js';
import { createXcryptHasher } from '../../host/probe/xcrypt.js';
import { findingId } from '../finding-id.js';
import type { PartContext, PartRunner } from '../part-types.js';
import type { PartStats, ScanFinding, ScanLevel } from '../report-types.js';

export interface WeakpassOptions {
  /** Directory holding common.txt and phrases.txt. */
  dictionaryDir: string;
  shadowPath: string;
}

export interface ServiceTarget {
  service: 'redis' | 'postgresql';
  host: string;
  port: number;
}

const LEVEL: Record<WeakpassFinding['level'], ScanLevel> = { high: 'serious', medium: 'suspicious', low: 'remind' };

function describe(f: WeakpassFinding): ScanFinding {
  const rules = f.brokenRules?.length ? ` (breaks: ${f.brokenRules.join(', ')})` : '';
  const isFile = f.target.startsWith('/');
  return {
    id: findingId('weakpass', `weakpass.${f.service}.${f.kind}`, `${f.target}\u0000${f.account}`),
    rule: `weakpass.${f.service}.${f.kind}`,
    level: LEVEL[f.level],
    title: `${f.service} account ${f.account} at ${f.target}: ${f.kind.replace(/_/g, ' ')}`,
    detail: `${f.reason}${rules}`,
    ...(isFile ? { location: { path: f.target } } : {}),
    fix: f.fix,
  };
}

/** Redis and PostgreSQL servers listening on TCP here, from the socket tables and their owners. */
export function listeningServices(): ServiceTarget[] {
  const snap = readProcessSnapshot({ selfPid: process.pid, maxFdsPerProcess: 4096 });
  const owner = new Map<number, string>();
  for (const p of snap.processes) for (const fd of p.fds) if (fd.kind === 'socket' && fd.inode !== undefined) owner.set(fd.inode, p.comm);
  const out: ServiceTarget[] = [];
  const seen = new Set<string>();
  const sockets = [...snap.inetSockets].sort((a, b) => a.proto.localeCompare(b.proto)); // tcp before tcp6
  for (const s of sockets) {
    if (s.state !== 'LISTEN' || (s.proto !== 'tcp' && s.proto !== 'tcp6')) continue;
    const comm = owner.get(s.inode);
    const service = comm === 'redis-server' ? 'redis' : comm === 'postgres' ? 'postgresql' : undefined;
    if (!service || seen.has(`${service}:${s.localPort}`)) continue;
    seen.add(`${service}:${s.localPort}`);
    const host = s.localAddress === '0.0.0.0' ? '127.0.0.1' : s.localAddress === '::' ? '::1' : s.localAddress;
    out.push({ service, host, port: s.localPort });
  }
  return out;
}

async function probe(t: ServiceTarget, dict: WeakDictionary): Promise<{ result: ServiceAuthResult; findings: WeakpassFinding[] }> {
  if (t.service === 'redis') {
    const result = await probeRedisAuth({ host: t.host, port: t.port, candidates: candidatesFor('default', dict) });
    return { result, findings: redisFindings(result, dict) };
  }
  const result = await probePostgresAuth({ host: t.host, port: t.port, role: 'postgres', candidates: candidatesFor('postgres', dict) });
  return { result, findings: postgresFindings(result) };
}

async function shadowFindings(opts: WeakpassOptions, dict: WeakDictionary, ctx: PartContext, stats: PartStats): Promise<WeakpassFinding[]> {
  const entries = parseShadow(await readFile(opts.shadowPath, 'utf8'));
  stats.accounts = entries.length;
  const crackable = entries.filter((e) => e.scheme !== 'locked');
  ctx.progress(`${opts.shadowPath}: ${entries.length} accounts, ${crackable.length} with a password set`);
  if (crackable.length === 0) return [];
  const remaining = Math.max(1000, ctx.deadline - Date.now());
  const res = await checkShadow(crackable, {
    dictionary: dict,
    hasher: createXcryptHasher(),
    now: () => performance.now(),
    // Share what is left of the part's budget between accounts, keeping time for the service probes.
    maxMillisPerAccount: Math.min(30_000, Math.floor((remaining * 0.7) / crackable.length)),
    target: opts.shadowPath,
  });
  stats.accountsChecked = res.accounts.length;
  stats.accountsStoppedByBudget = res.accounts.filter((a) => a.stoppedByBudget).length;
  return res.findings;
}

export function weakpassPart(opts: WeakpassOptions): PartRunner {
  return async (ctx) => {
    const [common, phrases] = await Promise.all([
      readFile(join(opts.dictionaryDir, 'common.txt'), 'utf8'),
      readFile(join(opts.dictionaryDir, 'phrases.txt'), 'utf8'),
    ]);
    const year = new Date().getFullYear();
    const dict = buildDictionary({ commonList: common, phraseList: phrases, years: Array.from({ length: 10 }, (_, i) => year - i) });
    const stats: PartStats = { dictionarySize: dict.shared.length, servicesProbed: 0 };
    const errors: string[] = [];
    const raw: WeakpassFinding[] = [];
    try {
      raw.push(...(await shadowFindings(opts, dict, ctx, stats)));
    } catch (e) {
      const denied = (e as NodeJS.ErrnoException).code === 'EACCES';
      errors.push(denied ? `${opts.shadowPath}: permission denied (run vigil scan as root to check system passwords)` : `${opts.shadowPath}: ${(e as Error).message}`);
    }
    for (const t of listeningServices()) {
      if (ctx.signal.aborted) break;
      ctx.progress(`probing ${t.service} at ${t.host}:${t.port}`);
      const { result, findings } = await probe(t, dict);
      stats.servicesProbed = Number(stats.servicesProbed) + 1;
      // A service that cannot be probed is noted, not a failure of the whole part.
      if (result.status === 'error') stats[`probeError:${t.service}:${t.port}`] = result.reason.slice(0, 200);
      raw.push(...findings);
    }
    return { findings: raw.map(describe), stats, ...(errors.length ? { error: errors.join('; ') } : {}) };
  };
}
