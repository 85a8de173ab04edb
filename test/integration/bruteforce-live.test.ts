/**
 * Brute-force defence end to end, all real: Debian's sshd on a spare loopback port with
 * a temp config, logging to a file (`sshd -E`) that the agent of `vigil server --local-agent` tails;
 * wrong passwords from 127.0.0.2 (ssh2 client bound to that source); the rule is created with
 * CreateAntiBruteForceRule through pop-core; the agent blocks 127.0.0.2 in its own nftables table
 * (and, in a second run, with the iptables fallback, its own chain)
 * (a dedicated name, deleted afterwards), 127.0.0.1 keeps working, the block lifts after the rule's
 * duration; a key login from 127.0.0.2 afterwards raises the serious success-after-failures alert and
 * an abnormal-login alert (not a usual login IP); DisableBruteForceRecord lifts a block on demand.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './agent-harness.js';
import { execRunner, IPT_CHAIN, IptablesBackend } from '../../src/respond/block/index.js';
import { popClient } from '../helpers/sdk.js';
import { startLocalAgentServer, type LocalAgentServer } from '../helpers/local-agent-server.js';

const SSHD = '/usr/sbin/sshd';
const BACKENDS = ['nftables', 'iptables'] as const;
type Backend = (typeof BACKENDS)[number];
const runs = (argv: string[]): boolean => spawnSync(argv[0] as string, argv.slice(1)).status === 0;
const haveTools = (b: Backend): boolean => existsSync(SSHD) && (b === 'nftables' ? runs(['nft', '--version']) : runs(['iptables', '-w', '-L', '-n']));
const TABLE = `vigil_t${randomBytes(3).toString('hex')}`;
let backend: Backend = 'nftables';
/** iptables-nft creates `ip filter` / `ip6 filter`; tables this test brought into being go again if left empty. */
let filterTablesBefore: string[] = [];
const FILTER_TABLES = ['ip', 'ip6'].map((f) => [f, 'filter'] as const);
function dropFilterTablesIfEmpty(): void {
  for (const [family, name] of FILTER_TABLES) {
    if (filterTablesBefore.includes(family)) continue;
    const r = spawnSync('nft', ['-j', 'list', 'table', family, name], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const items = (JSON.parse(r.stdout) as { nftables: Record<string, unknown>[] }).nftables;
    if (!items.some((i) => 'rule' in i || 'set' in i)) spawnSync('nft', ['delete', 'table', family, name]);
  }
}
const ATTACKER = '127.0.0.2';

let dir = '';
let sshd: ChildProcess | null = null;
let sshdLog = '';
let port = 0;
let vigil: LocalAgentServer | null = null;
let sas: ReturnType<typeof popClient>;
let uuid = '';
let clientKey = '';

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** TCP connect from `source` to sshd; true when the SSH banner arrives within 1.5 s. */
function reachable(source: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: source });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1_500);
    s.once('data', (b: Buffer) => done(b.toString().startsWith('SSH-2.0')));
    s.once('error', () => done(false));
  });
}

/** One SSH login attempt from `source`; resolves with 'ok' or the error message. */
function login(source: string, auth: { password: string } | { privateKey: string }): Promise<string> {
  return new Promise((resolve) => {
    const c = new Client();
    const t = setTimeout(() => (c.end(), resolve('timeout')), 10_000);
    c.on('ready', () => (clearTimeout(t), c.end(), resolve('ok')));
    c.on('error', (e) => (clearTimeout(t), resolve(e.message)));
    c.connect({ host: '127.0.0.1', port, username: 'root', localAddress: source, readyTimeout: 8_000, tryKeyboard: false, ...auth });
  });
}

/** What the firewall holds: the nft set of the test's table, or the iptables chain. */
function firewall(): string {
  const r = backend === 'nftables' ? spawnSync('nft', ['list', 'set', 'inet', TABLE, 'block4'], { encoding: 'utf8' }) : spawnSync('iptables', ['-w', '-S', IPT_CHAIN], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

async function call<T>(action: string, params: Record<string, unknown>): Promise<T> {
  return (await sas.request(action, params, { method: 'POST' })) as T;
}

interface SuspEvent {
  RuleId: string;
  Level: string;
  Count: number;
  Desc: string;
  DetailsJson: string;
}
async function alerts(ruleId: string): Promise<SuspEvent[]> {
  const r = await call<{ SuspEvents: SuspEvent[] }>('DescribeSuspEvents', { CurrentPage: '1', PageSize: '100' });
  return r.SuspEvents.filter((e) => e.RuleId === ruleId && e.Desc.includes(ATTACKER));
}
interface Machine {
  BlockIp: string;
  Status: number;
  Uuid: string;
  Reason: string;
  Backend: string;
  BlockExpireDate: number;
}
async function records(): Promise<Machine[]> {
  return (await call<{ MachineList: Machine[] }>('DescribeBruteForceRecords', { BlockIp: ATTACKER })).MachineList;
}

async function setUp(): Promise<void> {
  filterTablesBefore = FILTER_TABLES.filter(([f, n]) => runs(['nft', 'list', 'table', f, n])).map(([f]) => f);
  dir = mkdtempSync(join(tmpdir(), 'vigil-bf-live-'));
  chmodSync(dir, 0o755);
  port = await freePort();
  sshdLog = join(dir, 'sshd.log');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  clientKey = readFileSync(join(dir, 'client_key'), 'utf8');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'MaxAuthTries 6',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true }); // privilege-separation directory Debian's sshd expects
  sshd = spawn(SSHD, ['-D', '-f', join(dir, 'sshd_config'), '-E', sshdLog], { stdio: 'ignore' });
  await until('sshd listening', () => existsSync(sshdLog) && readFileSync(sshdLog, 'utf8').includes('Server listening'), 10_000);

  vigil = await startLocalAgentServer({
    // The agent tails sshd's own log file (bare messages, stamped by the agent).
    VIGIL_AUTHLOG_FILES: `sshd:${sshdLog}`,
    VIGIL_AUTHLOG_JOURNAL: '0',
    // The default allowlist holds all of 127/8; this test makes 127.0.0.2 blockable on purpose.
    VIGIL_BRUTEFORCE_ALLOWLIST: '127.0.0.1',
    VIGIL_BLOCK_ALLOW_LOOPBACK: '1',
    VIGIL_BLOCK_BACKEND: backend,
    VIGIL_NFT_TABLE: TABLE,
  });
  const key = vigil.createKey();
  sas = popClient(vigil.url, key.AccessKeyId, key.AccessKeySecret);
  await until('agent online', async () => ((await sas.request('DescribeSummaryInfo', {})).AegisClientOnlineCount === 1 ? true : undefined), 60_000);
  uuid = (JSON.parse(readFileSync(join(vigil.home, 'local-agent', 'agent.json'), 'utf8')) as { agentId: string }).agentId;
}

async function tearDown(): Promise<void> {
  if (sshd?.pid !== undefined && sshd.exitCode === null) sshd.kill('SIGTERM');
  await vigil?.stop();
  if (backend === 'nftables') spawnSync('nft', ['delete', 'table', 'inet', TABLE]);
  else {
    await new IptablesBackend(execRunner()).teardown();
    dropFilterTablesIfEmpty();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  sshd = null;
  vigil = null;
  dir = '';
}

describe.each(BACKENDS.filter(haveTools))('brute force against a real sshd → %s block → alert (vigil server --local-agent)', (b) => {
  beforeAll(async () => {
    backend = b;
    await setUp();
  }, 120_000);
  afterAll(tearDown);

  it('blocks 127.0.0.2 after 3 wrong passwords, keeps 127.0.0.1 working, and lifts the block after the duration', async () => {
    expect(await reachable(ATTACKER)).toBe(true);
    const created = await call<{ CreateAntiBruteForceRule: { RuleId: number } }>('CreateAntiBruteForceRule', {
      Name: 'live-test',
      FailCount: 3,
      Span: 60,
      ForbiddenTime: 8,
      TimeUnit: 'second',
      UuidList: [uuid],
      ProtocolType: JSON.stringify({ Ssh: 'on', Rdp: 'off', SqlServer: 'off' }),
    });
    const ruleId = created.CreateAntiBruteForceRule.RuleId;
    const rules = await call<{ Rules: { Id: number; FailCount: number; ForbiddenTimeSeconds: number; UuidList: string[] }[] }>('DescribeAntiBruteForceRules', {});
    expect(rules.Rules.find((r) => r.Id === ruleId)).toMatchObject({ FailCount: 3, ForbiddenTimeSeconds: 8, UuidList: [uuid] });
    // The rule reaches the agent as a config task (persisted in its home).
    const agentCfg = join(vigil?.home ?? '', 'local-agent', 'bruteforce', 'config.json');
    await until('rule on the agent', () => existsSync(agentCfg) && readFileSync(agentCfg, 'utf8').includes('"live-test"'), 15_000);

    for (let i = 0; i < 3; i++) expect(await login(ATTACKER, { password: `wrong-${i}` })).toMatch(/authentication methods failed/);
    expect(readFileSync(sshdLog, 'utf8')).toContain(`Failed password for root from ${ATTACKER}`);

    await until('127.0.0.2 in the firewall', () => firewall().includes(ATTACKER), 15_000);
    const blockedAt = Date.now();
    if (backend === 'nftables') expect(spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }).stdout).toContain(`table inet ${TABLE}`);
    else expect(spawnSync('iptables', ['-w', '-S', 'INPUT'], { encoding: 'utf8' }).stdout).toContain(`-j ${IPT_CHAIN}`);
    expect(await reachable(ATTACKER)).toBe(false);
    expect(await reachable('127.0.0.1')).toBe(true);

    const rec = await until('block record', async () => (await records()).find((m) => m.Status === 1));
    expect(rec).toMatchObject({ BlockIp: ATTACKER, Uuid: uuid, Backend: backend });
    expect(rec.Reason).toContain('3 failed logins');
    const [alert] = await until('brute-force alert', async () => ((await alerts('bruteforce.threshold')).length > 0 ? alerts('bruteforce.threshold') : undefined));
    expect(alert?.Desc).toMatch(/3 failed logins \(sshd\) in 60 s from 127\.0\.0\.2.*blocked for 8 s \((nftables|iptables)\)/);
    expect(alert?.Desc).toContain(`(${backend})`);

    // Lifted by the kernel timeout (nftables) or the agent's ledger sweep (iptables has no timeouts), and reported.
    await until('block lifted', async () => !firewall().includes(ATTACKER) && (await reachable(ATTACKER)), 20_000);
    expect(Date.now() - blockedAt).toBeGreaterThan(5_000);
    await until('record lifted', async () => (await records()).some((m) => m.Status === 0));
  }, 120_000);

  it('a key login from the attacker after the failures raises the serious alert, and an abnormal-login alert', async () => {
    await call('ModifyLoginBaseConfig', { Type: 'login_common_ip', Config: JSON.stringify({ ip: '10.0.0.1' }), Target: JSON.stringify([{ target: uuid, targetType: 'uuid', flag: 'add' }]) });
    const cfgs = await call<{ BaseConfigs: { Ip: string; UuidCount: number }[] }>('DescribeLoginBaseConfigs', { Type: 'login_common_ip' });
    expect(cfgs.BaseConfigs).toEqual([expect.objectContaining({ Ip: '10.0.0.1', UuidCount: 1 })]);
    const agentCfg = join(vigil?.home ?? '', 'local-agent', 'bruteforce', 'config.json');
    await until('login config on the agent', () => readFileSync(agentCfg, 'utf8').includes('10.0.0.1'), 15_000);

    expect(await login(ATTACKER, { privateKey: clientKey })).toBe('ok');
    const saf = await until('success-after-failures alert', async () => (await alerts('bruteforce.success-after-failures'))[0]);
    expect(saf.Level).toBe('serious');
    expect(saf.Desc).toContain('root logged in from 127.0.0.2 after 3 failed logins');
    const abnormal = await until('abnormal-login alert', async () => (await alerts('login.not-allowlisted'))[0]);
    expect(abnormal.Level).toBe('serious');
    expect(abnormal.Desc).toContain('not one of the host');
  }, 60_000);

  it('DisableBruteForceRecord lifts a longer block on demand', async () => {
    const rules = await call<{ Rules: { Id: number }[] }>('DescribeAntiBruteForceRules', { Name: 'live-test' });
    const id = rules.Rules[0]?.Id;
    await call('ModifyAntiBruteForceRule', { Id: id, ForbiddenTime: 600, TimeUnit: 'second' });
    const agentCfg = join(vigil?.home ?? '', 'local-agent', 'bruteforce', 'config.json');
    await until('modified rule on the agent', () => readFileSync(agentCfg, 'utf8').includes('"blockSeconds":600'), 15_000);
    for (let i = 0; i < 3; i++) await login(ATTACKER, { password: `again-${i}` });
    await until('blocked again', () => firewall().includes(ATTACKER), 15_000);
    await until('record blocking', async () => (await records()).find((m) => m.Status === 1 && m.BlockExpireDate > Date.now() + 300_000));
    await call('DisableBruteForceRecord', { BlockIp: ATTACKER, Uuid: uuid });
    expect(firewall()).not.toContain(ATTACKER);
    expect(await reachable(ATTACKER)).toBe(true);
    expect((await records()).every((m) => m.Status === 0)).toBe(true);
    await call('DeleteAntiBruteForceRule', { Ids: [id] });
    expect((await call<{ Rules: unknown[] }>('DescribeAntiBruteForceRules', {})).Rules).toEqual([]);
  }, 60_000);
});
