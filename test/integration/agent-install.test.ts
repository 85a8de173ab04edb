import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { agentCommand, agentIdOf, buildAgentBundle, rmrf, spawnAgent, tempDir, waitFor, type AgentProcess } from './agent-harness.js';

const run = promisify(execFile);

/** `curl -fsSL <url> | bash` exactly as the console shows it, with the agent's paths in temp dirs. */
async function curlPipeBash(url: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('bash', ['-c', `curl -fsSL '${url}' | bash`], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

beforeAll(() => buildAgentBundle());

describe.each(['sqlite', 'postgres'] as const)('install codes on %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('AddInstallCode / DescribeInstallCodes / DeleteInstallCode with Sas field types', async () => {
    const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const expires = Date.now() + 3_600_000;
    const added = await c.request('AddInstallCode', { ExpiredDate: expires, GroupId: 7, VendorName: 'AWS', Os: 'linux', OnlyImage: true }, { method: 'POST' });
    const code = added.CaptchaCode as string;
    const list = (await c.request('DescribeInstallCodes', {}, { method: 'POST' })).InstallCodes as Array<Record<string, unknown>>;
    const row = list.find((r) => r.CaptchaCode === code);
    expect(row).toEqual({ CaptchaCode: code, ExpiredDate: expires, GroupId: 7, GroupName: '7', Os: 'linux', VendorName: 'AWS', OnlyImage: true });
    await expect(c.request('AddInstallCode', { VendorName: 'Nowhere' }, { method: 'POST' })).rejects.toThrow(/VendorName must be one of/);
    await expect(c.request('AddInstallCode', { ExpiredDate: Date.now() - 1000 }, { method: 'POST' })).rejects.toThrow(/future time/);
    await c.request('DeleteInstallCode', { CaptchaCode: code }, { method: 'POST' });
    expect(((await c.request('DescribeInstallCodes', {}, { method: 'POST' })).InstallCodes as unknown[]).length).toBe(list.length - 1);
    await expect(c.request('DeleteInstallCode', { CaptchaCode: code }, { method: 'POST' })).rejects.toThrow(/does not exist/);
  });

  it('refuses expired, deleted and Windows codes with a readable reason, in the script and at enrollment', async () => {
    const svc = t.server.services.installCodes;
    const expired = (await svc.create(t.accountId, { expiredDate: Date.now() + 300 })).CaptchaCode;
    const deleted = (await svc.create(t.accountId, {})).CaptchaCode;
    await svc.remove(t.accountId, deleted);
    const windows = (await svc.create(t.accountId, { os: 'windows' })).CaptchaCode;
    await new Promise((r) => setTimeout(r, 400));
    const cases: Array<[string, number, RegExp]> = [
      [expired, 410, /expired at .*create a new install command/],
      [deleted, 404, /does not exist or was deleted/],
      [windows, 400, /Windows; Vigil agents run on Linux only/],
      ['bad code!', 400, /malformed/],
    ];
    for (const [code, status, reason] of cases) {
      const enroll = await fetch(`${t.url}/agent/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, hostFacts: { hostname: 'h' } }) });
      expect(enroll.status).toBe(status);
      expect(((await enroll.json()) as { Message: string }).Message).toMatch(reason);
      const script = await fetch(`${t.url}/agent/install.sh?code=${encodeURIComponent(code)}`);
      expect(script.status).toBe(200);
      const body = await script.text();
      expect(body).not.toContain('vigil-agent.mjs');
      const ran = await run('bash', ['-c', body]).then(
        () => ({ code: 0, err: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, err: e.stderr }),
      );
      expect(ran.code).toBe(1);
      expect(ran.err).toMatch(reason);
    }
    expect(await t.server.services.agents.registry.list(t.accountId)).toEqual([]);
  });

  it('enrolls with a valid code and the link accepts the credential (HMAC) on this store', async () => {
    const home = tempDir('vigil-agent-db-');
    try {
      const code = (await t.server.services.installCodes.create(t.accountId, { groupId: 3, vendorName: 'ALIYUN' })).CaptchaCode;
      const r = await agentCommand(['install', '--server', t.url, '--code', code, '--home', home, '--no-service']);
      expect(r.code).toBe(0);
      const agentId = agentIdOf(home);
      const doctor = await agentCommand(['doctor', '--home', home]);
      expect(doctor.out).toMatch(new RegExp(`\\[OK\\s*\\] credential\\s+the server accepted agent ${agentId}`));
      const st = await t.server.services.agents.registry.status(t.accountId, agentId);
      expect(st).toMatchObject({ agentId, groupId: 3, vendorName: 'ALIYUN', paused: false });
    } finally {
      rmrf(home);
    }
  });
});

describe('install script end to end (no systemd here: supervised daemon)', () => {
  let t: TestServer;
  const dirs: string[] = [];
  const procs: AgentProcess[] = [];
  beforeAll(async () => {
    t = await startTestServer();
    await t.server.services.agents.setLinkSettings(t.accountId, { heartbeatSec: 1, offlineWindowSec: 4 });
  });
  afterAll(async () => {
    for (const d of dirs) if (existsSync(join(d, 'agent.pid'))) await agentCommand(['uninstall', '--home', d]);
    for (const p of procs) await p.stop('SIGKILL');
    await t?.close();
    rmrf(...dirs);
  });

  it('curl … | bash enrolls, starts a supervised agent that restarts after a crash; uninstall stops it', async () => {
    const home = tempDir('vigil-agent-home-');
    const prefix = tempDir('vigil-agent-prefix-');
    dirs.push(home, prefix);
    const code = (await t.server.services.installCodes.create(t.accountId, { vendorName: 'IDC' })).CaptchaCode;
    const res = await curlPipeBash(`${t.url}/agent/install.sh?code=${code}`, { VIGIL_HOME: home, VIGIL_PREFIX: prefix, VIGIL_AGENT_FLAGS: '--no-boot' });
    expect(res.out).toMatch(/enrolled as agent [0-9a-f-]{36}/);
    expect(res.out).toMatch(/no systemd: agent running under its own supervisor/);
    expect(res.code).toBe(0);
    expect(existsSync(join(prefix, 'vigil-agent.mjs'))).toBe(true);
    // The rules the single-file program needs were installed beside it.
    expect(res.out).toMatch(/rules: \d+ files in /);
    expect(existsSync(join(prefix, 'rules/baseline/vigil-debian-essentials.yml'))).toBe(true);
    expect(existsSync(join(prefix, 'rules/mining/miner-iocs.txt'))).toBe(true);
    const agentId = agentIdOf(home);
    const hub = t.server.services.agents;
    await waitFor('installed agent online', () => hub.isConnected(agentId), 30_000);

    const status = JSON.parse((await agentCommand(['status', '--home', home, '--json'])).out) as { enrolled: boolean; service: string; link: { pid: number } };
    expect(status.enrolled).toBe(true);
    expect(status.service).toMatch(/^daemon \(supervisor pid \d+\)$/);
    // Its first inventory ran in a collection child that left the executable hashes in the home, root-only.
    const hashes = join(home, 'exe-hashes.json');
    await waitFor('executable hash cache written', () => existsSync(hashes), 30_000);
    expect(statSync(hashes).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(hashes, 'utf8')) as { entries: unknown[] }).entries.length).toBeGreaterThan(0);

    // Running the install command again upgrades in place: the new program is announced (no
    // tampering alert), the running supervisor is stopped cleanly and one new agent runs it.
    const supervisorBefore = Number(readFileSync(join(home, 'agent.pid'), 'utf8'));
    // A newer build: the served script, downloading a changed bundle (curl reads file:// too).
    const newer = join(prefix, 'newer-build.mjs');
    writeFileSync(newer, readFileSync(join(prefix, 'vigil-agent.mjs'), 'utf8') + '\n// a newer build\n');
    const script = (await (await fetch(`${t.url}/agent/install.sh?code=${code}`)).text()).replace('"$VIGIL_SERVER/agent/vigil-agent.mjs"', `"file://${newer}"`);
    expect(script).toContain(`file://${newer}`);
    const again = await run('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '', VIGIL_HOME: home, VIGIL_PREFIX: prefix, VIGIL_AGENT_FLAGS: '--no-boot' }, timeout: 60_000 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: (e.stdout ?? '') + (e.stderr ?? '') }),
    );
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain(`stopped the running agent supervisor (pid ${supervisorBefore})`);
    expect(existsSync(`/proc/${supervisorBefore}/status`) && !/State:\s+Z/.test(readFileSync(`/proc/${supervisorBefore}/status`, 'utf8'))).toBe(false);
    const upgraded = await waitFor('upgraded agent online', () => {
      const st = JSON.parse(readFileSync(join(home, 'status.json'), 'utf8')) as { pid: number; connected: boolean };
      return st.pid !== status.link.pid && st.connected && hub.isConnected(agentId) ? st : undefined;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const selfAlerts = await t.server.services.store.db.selectFrom('alerts').select(['rule_id', 'details_json']).where('uuid', '=', agentId).where('rule_id', 'like', 'agent.%').execute();
    expect(selfAlerts).toEqual([]);
    const agentLog = readFileSync(join(home, 'agent.log'), 'utf8');
    expect(agentLog, agentLog.split('\n').filter((l) => /self-protection|supervisor|exited/.test(l)).join('\n')).toMatch(/replaced by an announced update/);
    expect(existsSync(join(home, 'program-update.json'))).toBe(false);
    // Both runs found their rules (the first baseline scan runs a few seconds after start).
    expect(agentLog).not.toMatch(/miner indicators not loaded|baseline policies not found/);

    // The agent process dies: its supervisor starts a new one, which reconnects.
    const firstPid = upgraded.pid;
    process.kill(firstPid, 'SIGKILL');
    await waitFor('restarted by the supervisor', async () => {
      const st = JSON.parse(readFileSync(join(home, 'status.json'), 'utf8')) as { pid: number; connected: boolean };
      return st.pid !== firstPid && st.connected && hub.isConnected(agentId);
    }, 30_000);

    const un = await agentCommand(['uninstall', '--home', home]);
    expect(un.code).toBe(0);
    expect(un.out).toMatch(/stopped the agent supervisor/);
    expect(existsSync(join(home, 'agent.json'))).toBe(false);
    expect(existsSync(hashes)).toBe(false);
    expect(existsSync(join(prefix, 'vigil-agent.mjs'))).toBe(false);
    expect(existsSync(join(prefix, 'rules'))).toBe(false);
    await waitFor('agent gone', () => !hub.isConnected(agentId));
  });

  it('image mode installs files only and enrolls at first start', async () => {
    const home = tempDir('vigil-agent-image-');
    const prefix = tempDir('vigil-agent-prefix-');
    dirs.push(home, prefix);
    const code = (await t.server.services.installCodes.create(t.accountId, { onlyImage: true })).CaptchaCode;
    const before = (await t.server.services.agents.registry.list(t.accountId)).length;
    const res = await curlPipeBash(`${t.url}/agent/install.sh?code=${code}`, { VIGIL_HOME: home, VIGIL_PREFIX: prefix, VIGIL_AGENT_FLAGS: '--no-boot' });
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/image mode/);
    expect(existsSync(join(home, 'pending-enroll.json'))).toBe(true);
    expect(existsSync(join(home, 'agent.json'))).toBe(false);
    expect((await t.server.services.agents.registry.list(t.accountId)).length).toBe(before);

    // "Next boot": the service starts `run --home` with no flags.
    const p = spawnAgent(['run', '--home', home]);
    procs.push(p);
    await waitFor('image agent enrolled and online', () => existsSync(join(home, 'agent.json')) && t.server.services.agents.isConnected(agentIdOf(home)), 30_000);
    expect(existsSync(join(home, 'pending-enroll.json'))).toBe(false);
  });

  it('an expired code makes `run` exit with the reason', async () => {
    const home = tempDir('vigil-agent-exp-');
    dirs.push(home);
    const code = (await t.server.services.installCodes.create(t.accountId, { expiredDate: Date.now() + 200 })).CaptchaCode;
    await new Promise((r) => setTimeout(r, 300));
    const r = await agentCommand(['run', '--server', t.url, '--code', code, '--home', home]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/enrollment refused: The install code expired/);
    expect(existsSync(join(home, 'agent.json'))).toBe(false);
  });
});
