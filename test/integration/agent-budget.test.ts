import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCgroupBudget, releaseCgroup, type CgroupResult } from '../../src/agent/budget.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { agentCommand, agentIdOf, buildAgentBundle, rmrf, spawnAgent, tempDir, waitFor, type AgentProcess } from './agent-harness.js';

/** Can this machine give us a cgroup with cpu + memory control (v2, or v1 on hybrid hosts)? */
function cgroupWritable(): boolean {
  const probe = `vigil-probe-${process.pid}`;
  const candidates = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified', '/sys/fs/cgroup/cpu'];
  for (const dir of candidates) {
    try {
      if (dir.endsWith('/cpu') && statfsSync(dir).type === 0x63677270) continue;
      mkdirSync(join(dir, probe));
      rmdirSync(join(dir, probe));
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]); // utime + stime (fields 14, 15)
}

const CLK_TCK = 100;

function busyChild(): ChildProcess {
  return spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end) {}'], { stdio: 'ignore' });
}

describe.skipIf(!cgroupWritable())('agent budget: a real cgroup on this machine', () => {
  const children: ChildProcess[] = [];
  const results: Array<[number, CgroupResult]> = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const [pid, r] of results) releaseCgroup(pid, r);
  });

  it('caps a busy process at the CPU budget and sets the memory limit; cleanup removes the cgroup', async () => {
    const child = busyChild();
    children.push(child);
    const pid = child.pid as number;
    await new Promise((r) => setTimeout(r, 300));
    const name = `vigil-agent-test-${process.pid}`;
    const r = applyCgroupBudget(pid, { cpuPercent: 20, memoryMb: 64 }, { name });
    results.push([pid, r]);
    expect(r.mode, r.reason).not.toBe('none');
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(name);
    if (r.mode === 'cgroup2') {
      expect(readFileSync(join(r.paths[0] as string, 'cpu.max'), 'utf8').trim()).toBe('20000 100000');
      expect(readFileSync(join(r.paths[0] as string, 'memory.max'), 'utf8').trim()).toBe(String(64 * 1048576));
    } else {
      const [cpuDir, memDir] = r.paths as [string, string];
      expect(readFileSync(join(cpuDir, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('20000');
      expect(readFileSync(join(memDir, 'memory.limit_in_bytes'), 'utf8').trim()).toBe(String(64 * 1048576));
    }
    // The kernel enforces it: a spinning process gets ~20 % of a core, not ~100 %.
    const t0 = cpuTicks(pid);
    const w0 = Date.now();
    await new Promise((res) => setTimeout(res, 3000));
    const pct = ((cpuTicks(pid) - t0) / CLK_TCK / ((Date.now() - w0) / 1000)) * 100;
    expect(pct).toBeGreaterThan(5);
    expect(pct).toBeLessThan(35);

    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    releaseCgroup(pid, r);
    for (const p of r.paths) expect(existsSync(p)).toBe(false);
  });

  it('the memory limit is enforced: a process allocating past it is killed by the kernel, not the host', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => { const a = []; for (let i = 0; i < 40; i++) { a.push(Buffer.alloc(8 * 1048576, 1)); } console.log("survived"); }, 500)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    const pid = child.pid as number;
    const r = applyCgroupBudget(pid, { cpuPercent: 50, memoryMb: 96 }, { name: `vigil-agent-mem-${process.pid}` });
    results.push([pid, r]);
    expect(r.mode, r.reason).not.toBe('none');
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.once('exit', (c, s) => res([c, s])));
    expect(out).not.toContain('survived');
    expect(signal).toBe('SIGKILL');
    expect(code).toBeNull();
    releaseCgroup(pid, r);
  });
});

describe('agent budget end to end: self-watch reports to the server and sheds scheduled work; the daemon joins a cgroup', () => {
  let t: TestServer;
  const homes: string[] = [];
  const procs: AgentProcess[] = [];

  beforeAll(async () => {
    buildAgentBundle();
    t = await startTestServer();
    await t.server.services.agents.setLinkSettings(t.accountId, { heartbeatSec: 1, offlineWindowSec: 4 });
  });
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGTERM');
    await t?.close();
    rmrf(...homes);
  });

  async function enrolledHome(): Promise<{ home: string; agentId: string }> {
    const home = tempDir('vigil-budget-');
    homes.push(home);
    const code = (await t.server.services.installCodes.create(t.accountId, {})).CaptchaCode;
    const r = await agentCommand(['install', '--server', t.url, '--code', code, '--home', home, '--no-service']);
    expect(r.code, r.out).toBe(0);
    return { home, agentId: agentIdOf(home) };
  }

  it('over budget: an alert reaches the server, scheduled inventory waits, and the agent keeps running', async () => {
    const { home, agentId } = await enrolledHome();
    // 1 MB is below any real RSS: the first sample is over budget.
    const p = spawnAgent(['run', '--home', home, '--budget-memory-mb', '1', '--budget-interval-sec', '1']);
    procs.push(p);
    const alert = await waitFor('over-budget alert', async () => {
      const rows = await t.server.services.store.db.selectFrom('alerts').selectAll().where('uuid', '=', agentId).where('rule_id', '=', 'agent.over-budget').execute();
      return rows[0];
    }, 30_000);
    expect(alert.level).toBe('remind');
    expect(alert.details_json).toMatch(/RSS \d+ MB \(budget 1 MB\).*scheduled scans paused/);
    await waitFor('inventory postponed', () => p.output().includes('scheduled inventory postponed'), 20_000);
    expect(p.output()).toMatch(/kernel cap none \(disabled\)/);
    // Not fatal: still connected and running a few seconds later.
    await new Promise((r) => setTimeout(r, 2500));
    expect(p.child.exitCode).toBeNull();
    expect(t.server.services.agents.isConnected(agentId)).toBe(true);
  });

  it.skipIf(!cgroupWritable())('the supervised daemon runs the agent inside a capped vigil-agent cgroup and removes it on stop', async () => {
    const { home, agentId } = await enrolledHome();
    const sup = spawnAgent(['supervise', '--home', home]);
    procs.push(sup);
    await waitFor('daemon agent online', () => t.server.services.agents.isConnected(agentId), 30_000);
    const st = await waitFor('status with pid', () => {
      const s = JSON.parse(readFileSync(join(home, 'status.json'), 'utf8')) as { pid: number };
      return s.pid ? s : undefined;
    });
    const cg = readFileSync(`/proc/${st.pid}/cgroup`, 'utf8');
    expect(cg).toMatch(/\/vigil-agent$/m);
    const log = readFileSync(join(home, 'agent.log'), 'utf8');
    expect(log).toMatch(/kernel cap cgroup[12] \(/);
    const dirs = [...log.matchAll(/kernel cap cgroup[12] \(([^)]*)\)/g)];
    expect(dirs.length).toBeGreaterThan(0);
    await sup.stop('SIGTERM');
    await waitFor('agent process gone', () => !existsSync(`/proc/${st.pid}`), 10_000);
    // Our cgroup is gone again (no other agent of this machine is in it).
    const lines = cg.split('\n').filter((l) => l.endsWith('/vigil-agent'));
    for (const l of lines) {
      const [, ctrls, path] = l.split(':') as [string, string, string];
      const base = ctrls === '' ? '/sys/fs/cgroup/unified' : `/sys/fs/cgroup/${ctrls.split(',')[0]}`;
      const dir = join(base, path);
      const others = existsSync(dir) ? readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim() : '';
      if (others === '') expect(existsSync(dir)).toBe(false);
    }
  });
});
