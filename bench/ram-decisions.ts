/**
 * RAM decision throughput: one principal with 10 custom policies × 20 statements (wildcard
 * actions, ARN globs, IpAddress/NotIpAddress v4+v6, Bool, Date, StringLike conditions), measured
 * on one core with the decision cache off ("cold") and on. `acs:CurrentTime` advances on every
 * request, so the cached figure also shows that time does not defeat the cache.
 *
 * Run: node --import tsx bench/ram-decisions.ts [--quick] [--only=reference|cold|cached] (for profiling)
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { compilePolicies, evaluate, parsePolicyDocument } from '../src/iam/policy/index.js';
import type { AccessRequest, AttachedPolicy, PolicyEvaluator } from '../src/iam/policy/index.js';

/** Deterministic PRNG (mulberry32) so every run measures the same workload. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = rng(20260301);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const VERBS = ['Describe', 'Get', 'List', 'Query', 'Modify', 'Create', 'Delete', 'Handle', 'Export', 'Operate', 'Check'];
const NOUNS = ['CloudCenterInstances', 'FieldStatistics', 'VulList', 'VulWhitelist', 'SecurityEvents', 'Record',
  'AssetGroup', 'TagWithUuid', 'PushAllTask', 'CheckWarnings', 'SuspEvents', 'AccessKeyLeakDeal', 'BackupPolicy',
  'StrategyTarget', 'ImageVulList', 'ExportInfo'];
const SERVICES = ['yundun-sas', 'yundun-aegis'];
const ACTIONS: string[] = [];
for (const s of SERVICES) for (const v of VERBS) for (const n of NOUNS) ACTIONS.push(`${s}:${v}${n}`);
ACTIONS.push('ecs:RebootInstance', 'ecs:CreateSnapshot', 'ecs:DescribeInstances', 'ram:CreateUser');

const ACTION_PATTERNS = ['yundun-sas:Describe*', 'yundun-aegis:Describe*', 'yundun-sas:*Vul*', 'yundun-aegis:Get*',
  '*:List*', 'yundun-sas:Modify?ushAllTask', 'ecs:*', 'yundun-*:Query*', 'yundun-sas:Export*', 'yundun-aegis:*Warnings'];
const RESOURCES = ['*', 'acs:yundun-sas:*:*:*', 'acs:yundun-sas::1234567890123456:*', 'acs:ecs:*:*:instance/*',
  'acs:yundun-*:*:1234567890123456:*'];
const CONDITIONS: Record<string, unknown>[] = [
  { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32', '172.16.5.4'] } },
  { NotIpAddress: { 'acs:SourceIp': ['203.0.113.0/24', '2001:db8:bad::/48'] } },
  { Bool: { 'acs:MFAPresent': 'true' } },
  { Bool: { 'acs:SecureTransport': true } },
  { DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' }, DateGreaterThan: { 'acs:CurrentTime': '2020-01-01T00:00:00+08:00' } },
  { StringLike: { 'acs:UserAgent': ['AlibabaCloud*', '*vigil-cli*'] } },
  { StringNotEqualsIgnoreCase: { 'acs:UserAgent': 'curl/8.0' }, IpAddress: { 'acs:SourceIp': '::ffff:10.0.0.0/104' } },
];

/** Deny statements guard: wrong network, no TLS, outside the validity window. */
const DENY_CONDITIONS: Record<string, unknown>[] = [
  { NotIpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32', '172.16.0.0/12'] } },
  { Bool: { 'acs:SecureTransport': false } },
  { DateGreaterThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' } },
];

function statement(): Record<string, unknown> {
  const n = 1 + Math.floor(rand() * 4);
  const actions = Array.from({ length: n }, () => (rand() < 0.5 ? pick(ACTIONS) : pick(ACTION_PATTERNS)));
  const deny = rand() < 0.08;
  const st: Record<string, unknown> = { Effect: deny ? 'Deny' : 'Allow' };
  st[rand() < 0.05 ? 'NotAction' : 'Action'] = actions;
  st['Resource'] = rand() < 0.6 ? '*' : [pick(RESOURCES), pick(RESOURCES)];
  if (deny || rand() < 0.6) st['Condition'] = pick(deny ? DENY_CONDITIONS : CONDITIONS);
  return st;
}

function buildPolicies(): AttachedPolicy[] {
  const out: AttachedPolicy[] = [];
  for (let p = 0; p < 10; p++) {
    const text = JSON.stringify({ Version: '1', Statement: Array.from({ length: 20 }, statement) });
    const r = parsePolicyDocument(text);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    out.push({ name: `bench-${p}`, type: 'Custom', version: 'v1', document: r.document });
  }
  return out;
}

const IPS = [...Array.from({ length: 30 }, (_, i) => `10.1.${i}.${i * 7 % 250}`), '203.0.113.9', '198.51.100.4',
  '2001:db8::17', '2001:db8:bad::1', '::ffff:10.9.8.7', '172.16.5.4'];
const AGENTS = ['AlibabaCloud (linux; x64) Node.js/v20', 'vigil-console', 'Mozilla/5.0 vigil-cli/0.1', 'curl/8.0'];

/**
 * `distinct` request shapes (action × source IP × user agent × MFA × TLS), replayed in a fixed
 * shuffled order with the clock advancing one second per request: a principal calls a bounded set
 * of actions from a few addresses, but the time is new on every call.
 */
function buildRequests(count: number, distinct: number): AccessRequest[] {
  const shapes = Array.from({ length: distinct }, () => {
    const a = pick(ACTIONS);
    const alias = a.replace(/^yundun-(sas|aegis)/, (_m, s: string) => `yundun-${s === 'sas' ? 'aegis' : 'sas'}`);
    return {
      actions: a.endsWith('VulList') ? [a, alias] : [a],
      resource: a.startsWith('ecs:') ? 'acs:ecs:cn-hangzhou:1234567890123456:instance/i-1' : 'acs:yundun-sas::1234567890123456:*',
      ip: pick(IPS),
      secure: rand() < 0.9,
      mfa: rand() < 0.5,
      agent: pick(AGENTS),
    };
  });
  const base = Date.parse('2026-03-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const s = pick(shapes);
    return {
      actions: s.actions,
      resource: s.resource,
      context: {
        'acs:SourceIp': s.ip,
        'acs:CurrentTime': new Date(base + i * 1000).toISOString(),
        'acs:SecureTransport': s.secure,
        'acs:MFAPresent': s.mfa,
        'acs:UserAgent': s.agent,
      },
    };
  });
}

/** Rates by wall clock and by this process's CPU time (the machine may be shared; CPU time is the one-core figure). */
function measure(label: string, total: number, requests: AccessRequest[], run: (r: AccessRequest) => unknown): void {
  for (let i = 0; i < Math.min(total, 20_000); i++) run(requests[i % requests.length] as AccessRequest);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i++) run(requests[i % requests.length] as AccessRequest);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1e6;
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(13);
  console.log(`| ${label.padEnd(32)} | ${String(total).padStart(9)} | ${wall.toFixed(2).padStart(6)} | ${cpu.toFixed(2).padStart(6)} | ${fmt(total / wall)} | ${fmt(total / cpu)} |`);
}

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const wanted = (mode: string): boolean => only === undefined || only === mode;
const policies = buildPolicies();
const statements = policies.reduce((n, p) => n + p.document.Statement.length, 0);
const DISTINCT = 2_000;
const requests = buildRequests(100_000, DISTINCT);

// Equality check first: a fast wrong answer is worthless.
const check = compilePolicies(policies);
const decisions = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
for (const r of requests.slice(0, 5_000)) {
  const d = check.evaluate(r);
  decisions[d.decision]++;
  if (JSON.stringify(d) !== JSON.stringify(evaluate(r, policies))) throw new Error('compiled != reference');
}

console.log(
  `${new Date().toISOString()} · node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} cores · load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
);
console.log(`RAM decisions: ${policies.length} policies × ${statements / policies.length} statements; ${DISTINCT} distinct request shapes, acs:CurrentTime +1 s per request`);
console.log(`decision mix over 5,000 requests: ${JSON.stringify(decisions)}`);
console.log('| mode                             | decisions | wall s |  cpu s |  per wall s  |  per cpu s   |');
console.log('|----------------------------------|-----------|--------|--------|--------------|--------------|');
if (wanted('reference')) measure('reference evaluate() (no index)', quick ? 5_000 : 50_000, requests, (r) => evaluate(r, policies));
const cold = compilePolicies(policies, { cacheSize: 0 });
if (wanted('cold')) measure('compiled, cache off (cold)', quick ? 50_000 : 500_000, requests, (r) => cold.evaluate(r));
const warm: PolicyEvaluator = compilePolicies(policies, { cacheSize: 10_000 });
if (wanted('cached')) measure('compiled, LRU cache 10k', quick ? 200_000 : 2_000_000, requests, (r) => warm.evaluate(r));
const { hits, misses } = warm.stats;
if (hits + misses > 0)
console.log(`cache hit rate ${((hits / (hits + misses)) * 100).toFixed(1)}% (${warm.stats.entries} entries)`);
