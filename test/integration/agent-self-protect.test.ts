import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { agentCommand, agentIdOf, buildAgentBundle, rmrf, tempDir, waitFor } from './agent-harness.js';

// Self-protection (SPEC) of an installed agent under its supervisor (this machine has no
// systemd): its files changed, the agent killed, its supervisor killed. The agent runs from its own
// copy of the bundle, since the test modifies it.
describe('agent self-protection: tampered files and kills are alerted', () => {
  let t: TestServer;
  let home: string;
  let agentId: string;
  let copyDir: string;
  let program: string;
  const sups: ChildProcess[] = [];
  const pids = new Set<number>();

  const kill = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // gone
    }
  };
  const startSupervisor = () => {
    const c = spawn(process.execPath, [program, 'supervise', '--home', home], { detached: true, stdio: 'ignore' });
    sups.push(c);
    return c;
  };
  const agentPid = () => (JSON.parse(readFileSync(join(home, 'status.json'), 'utf8')) as { pid: number }).pid;
  const alerts = async () =>
    (await t.server.services.store.db.selectFrom('alerts').selectAll().where('uuid', '=', agentId).where('rule_id', 'in', ['agent.tamper', 'agent.killed']).execute()).map((r) => ({
      rule: r.rule_id,
      aggKey: r.agg_key,
      count: r.count,
      level: r.level,
      evidence: (JSON.parse(r.details_json) as { evidence?: string }).evidence ?? '',
      path: (JSON.parse(r.details_json) as { file?: { path: string } }).file?.path,
    }));
  const online = async (notPid?: number) => {
    const pid = await waitFor('agent online', () => {
      const p = agentPid();
      return p && p !== notPid && t.server.services.agents.isConnected(agentId) ? p : undefined;
    }, 40_000);
    pids.add(pid);
    return pid;
  };

  beforeAll(async () => {
    buildAgentBundle();
    t = await startTestServer();
    await t.server.services.agents.setLinkSettings(t.accountId, { heartbeatSec: 1, offlineWindowSec: 4 });
    home = tempDir('vigil-selfprotect-');
    // Beside the real bundle, so its node_modules resolve as for the installed one.
    copyDir = join(import.meta.dirname, '../../dist/agent', `selfprotect-${process.pid}`);
    mkdirSync(copyDir, { recursive: true });
    program = join(copyDir, 'vigil-agent.mjs');
    copyFileSync(join(import.meta.dirname, '../../dist/agent/vigil-agent.mjs'), program);
    const code = (await t.server.services.installCodes.create(t.accountId, {})).CaptchaCode;
    const r = await agentCommand(['install', '--server', t.url, '--code', code, '--home', home, '--no-service']);
    expect(r.code, r.out).toBe(0);
    agentId = agentIdOf(home);
  });
  afterAll(async () => {
    for (const s of sups) kill(s.pid as number, 'SIGKILL');
    for (const p of pids) kill(p, 'SIGKILL');
    await t?.close();
    rmrf(home, copyDir);
  });

  it('a changed program file and a loosened credential are alerted while the agent runs', async () => {
    startSupervisor();
    await online();
    appendFileSync(program, '\n// appended by an intruder\n');
    chmodSync(join(home, 'agent.json'), 0o644);
    const found = await waitFor('tamper alerts', async () => {
      const a = (await alerts()).filter((x) => x.rule === 'agent.tamper');
      return a.length >= 2 ? a : undefined;
    }, 20_000);
    expect(found.find((a) => a.path === program)).toMatchObject({ level: 'serious', evidence: expect.stringMatching(/was modified \(sha256/) });
    expect(found.find((a) => a.path === join(home, 'agent.json'))).toMatchObject({ evidence: expect.stringMatching(/mode changed 0600 → 0644/) });
    // Put back: that is a change too (seen before the next test kills the agent).
    chmodSync(join(home, 'agent.json'), 0o600);
    await waitFor('mode restored alert', async () => (await alerts()).find((a) => /mode changed 0644 → 0600/.test(a.evidence)), 20_000);
  });

  it('SIGKILL: the agent its supervisor starts again reports how its predecessor ended', async () => {
    const first = agentPid();
    kill(first, 'SIGKILL');
    await online(first);
    const a = await waitFor('killed alert', async () => (await alerts()).find((x) => x.rule === 'agent.killed' && x.aggKey === 'previous-run'), 20_000);
    expect(a.level).toBe('suspicious');
    expect(a.evidence).toContain(`the agent (pid ${first}, running since`);
    expect(a.evidence).toContain('was killed by SIGKILL');
  });

  it('a SIGTERM its supervisor did not send is reported by the agent before it exits, once', async () => {
    const before = agentPid();
    kill(before, 'SIGTERM');
    const a = await waitFor('signal alert', async () => (await alerts()).find((x) => x.aggKey === 'signal|SIGTERM'), 20_000);
    expect(a.evidence).toBe('the agent received SIGTERM, not sent by its supervisor; its service manager starts it again');
    await online(before);
    await new Promise((r) => setTimeout(r, 1500));
    // Reported at the signal: the next run does not report the same end again.
    expect((await alerts()).find((x) => x.aggKey === 'previous-run')?.count).toBe(1);
  });

  it('a clean stop through the supervisor is no alert, now or at the next start', async () => {
    const countBefore = (await alerts()).length;
    const sup = sups.at(-1) as ChildProcess;
    const pid = agentPid();
    kill(sup.pid as number, 'SIGTERM');
    await waitFor('agent stopped', () => !existsSync(`/proc/${pid}`), 15_000);
    expect((JSON.parse(readFileSync(join(home, 'run-state.json'), 'utf8')) as { clean: boolean; stoppedBy: string }).stoppedBy).toBe('SIGTERM from its supervisor');
    startSupervisor();
    await online(pid);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await alerts()).length).toBe(countBefore);
    expect((await alerts()).find((x) => x.aggKey === 'previous-run')?.count).toBe(1);
  });

  it('a program changed while the agent was stopped is reported by the next agent at start', async () => {
    const sup = sups.at(-1) as ChildProcess;
    const pid = agentPid();
    kill(sup.pid as number, 'SIGTERM');
    await waitFor('agent stopped', () => !existsSync(`/proc/${pid}`), 15_000);
    appendFileSync(program, '\n// swapped while stopped\n');
    startSupervisor();
    await online(pid);
    const a = await waitFor('tamper alert at start', async () => (await alerts()).find((x) => x.rule === 'agent.tamper' && x.path === program && /while no agent was running/.test(x.evidence)), 20_000);
    expect(a.level).toBe('serious');
  });

  it('a killed supervisor is reported by the agent it leaves behind', async () => {
    const sup = sups.at(-1) as ChildProcess;
    kill(sup.pid as number, 'SIGKILL');
    const a = await waitFor('supervisor alert', async () => (await alerts()).find((x) => x.aggKey === 'supervisor'), 20_000);
    expect(a.evidence).toContain(`the agent's supervisor (pid ${sup.pid}) is gone`);
  });
});
