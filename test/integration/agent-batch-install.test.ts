import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { agentCommand, agentIdOf, buildAgentBundle, freePort, rmrf, tempDir, waitFor } from './agent-harness.js';
import { startSshd, type TestSshd } from './sshd-harness.js';
import { BatchInstallService } from '../../src/domain/agents/batch-install.js';
import { BatchTaskStore } from '../../src/domain/agents/batch-task-store.js';
import { runSshCommand } from '../../src/host/ssh/ssh-run.js';
import { migrateToLatest, openStore } from '../../src/store/db.js';

type HostRow = { Host: string; Port: number; User: string; State: string; Result: string; ExitCode: number; Message: string; OutputTail: string; HostKeySha256: string };
type TaskRow = { Finished: boolean; Total: number; Succeeded: number; Failed: number; Pending: number; Running: number; Hosts: HostRow[] };

describe('batch install over SSH against a real sshd on loopback', () => {
  let t: TestServer;
  let sshd: TestSshd;
  const home = tempDir('vigil-batch-home-');
  const prefix = tempDir('vigil-batch-prefix-');

  beforeAll(async () => {
    buildAgentBundle();
    t = await startTestServer();
    // The installer's paths come from the authorized key's environment= options (test-only sshd config).
    sshd = await startSshd({ VIGIL_HOME: home, VIGIL_PREFIX: prefix, VIGIL_AGENT_FLAGS: '--no-boot', PATH: process.env.PATH ?? '/usr/bin:/bin' });
  });

  afterAll(async () => {
    if (existsSync(join(home, 'agent.pid')) || existsSync(join(home, 'agent.json'))) await agentCommand(['uninstall', '--home', home]);
    await sshd?.stop();
    await t?.close();
    rmrf(home, prefix);
  });

  async function runTask(c: ReturnType<typeof popClient>, params: Record<string, unknown>): Promise<{ taskId: string; code: string; task: TaskRow }> {
    const created = await c.request('CreateBatchInstallTask', params, { method: 'POST' });
    const taskId = created.TaskId as string;
    const task = await waitFor(
      'batch install finished',
      async () => {
        const r = (await c.request('DescribeBatchInstallTask', { TaskId: taskId }, { method: 'POST' })).Task as TaskRow;
        return r.Finished ? r : undefined;
      },
      120_000,
      300,
    );
    return { taskId, code: created.CaptchaCode as string, task };
  }

  it('installs on the host with the right key and reports auth, connect and host-key failures per host', async () => {
    const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const closed = await freePort();
    const hosts = [
      { Host: '127.0.0.1', Port: sshd.port, User: 'root', PrivateKey: sshd.clientKey, HostKeySha256: sshd.hostKeySha256 },
      { Host: '127.0.0.1', Port: sshd.port, User: 'root', PrivateKey: sshd.wrongKey },
      { Host: '127.0.0.1', Port: closed, User: 'root', PrivateKey: sshd.clientKey },
      { Host: '127.0.0.1', Port: sshd.port, User: 'root', PrivateKey: sshd.clientKey, HostKeySha256: `SHA256:${'A'.repeat(43)}` },
    ];
    const { code, task } = await runTask(c, { Hosts: JSON.stringify(hosts), ServerUrl: t.url, Parallelism: 2 });
    expect(code).toMatch(/^[A-Za-z0-9]{4,64}$/);
    const [ok, wrongKey, refused, badHostKey] = task.Hosts;
    expect(ok, JSON.stringify(ok) + sshd.log()).toMatchObject({ State: 'succeeded', Result: 'ok', ExitCode: 0, HostKeySha256: sshd.hostKeySha256 });
    expect(ok?.OutputTail).toMatch(/enrolled as agent [0-9a-f-]{36}/);
    expect(wrongKey).toMatchObject({ State: 'failed', Result: 'auth_failed', ExitCode: -1 });
    expect(refused).toMatchObject({ State: 'failed', Result: 'connect_failed' });
    expect(refused?.Message).toMatch(/ECONNREFUSED/);
    expect(badHostKey).toMatchObject({ State: 'failed', Result: 'host_key_mismatch', HostKeySha256: sshd.hostKeySha256 });
    expect(task).toMatchObject({ Total: 4, Succeeded: 1, Failed: 3, Pending: 0, Running: 0 });

    // The real installer ran through sshd and enrolled this machine's agent into the temp VIGIL_HOME.
    const agentId = agentIdOf(home);
    await waitFor('batch-installed agent online', () => t.server.services.agents.isConnected(agentId), 30_000);
    const status = await t.server.services.agents.registry.status(t.accountId, agentId);
    expect(status).toMatchObject({ agentId });

    // Credentials are never stored: neither the audit trail nor the task view holds the key.
    const keyLine = sshd.clientKey.split('\n')[2] ?? '';
    expect(keyLine.length).toBeGreaterThan(20);
    await t.server.services.audit.flush();
    const audit = await t.server.services.store.db.selectFrom('audit_events').select('params_json').where('event_name', '=', 'CreateBatchInstallTask').execute();
    expect(audit.length).toBe(1);
    expect(audit[0]?.params_json).not.toContain(keyLine);
    expect(audit[0]?.params_json).toContain(t.url);
    const listed = JSON.stringify(await c.request('DescribeBatchInstallTasks', {}, { method: 'POST' }));
    expect(listed).not.toContain(keyLine);
    expect(JSON.stringify(task)).not.toContain(keyLine);
  });

  it('reports the installer exit code and output tail when the code was deleted', async () => {
    const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const code = (await t.server.services.installCodes.create(t.accountId, {})).CaptchaCode;
    const created = await c.request('CreateBatchInstallTask', {
      Hosts: JSON.stringify([{ Host: '127.0.0.1', Port: sshd.port, PrivateKey: sshd.clientKey }]),
      ServerUrl: t.url,
      CaptchaCode: code,
      Downloader: 'wget',
    }, { method: 'POST' });
    expect(created.CaptchaCode).toBe(code);
    // A code deleted after the task was created: the installer on the host explains and exits 1.
    await t.server.services.installCodes.remove(t.accountId, code);
    const task = await waitFor('task done', async () => {
      const r = (await c.request('DescribeBatchInstallTask', { TaskId: created.TaskId as string }, { method: 'POST' })).Task as TaskRow;
      return r.Finished ? r : undefined;
    }, 60_000, 300);
    expect(task.Hosts[0]).toMatchObject({ State: 'failed', Result: 'script_failed', ExitCode: 1 });
    expect(task.Hosts[0]?.OutputTail).toMatch(/does not exist or was deleted/);
  });

  it('keeps tasks in the database: a server restart shows hosts it cut short as interrupted, finished tasks as they were', async () => {
    const dir = tempDir('vigil-batch-store-');
    const store = openStore({ sqlitePath: join(dir, 'v.db') });
    // A "server" that accepts the installer's download and never answers: the host stays running.
    const held: Socket[] = [];
    const stall = createServer((s) => held.push(s));
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    const stallUrl = `http://127.0.0.1:${(stall.address() as { port: number }).port}`;
    try {
      await migrateToLatest(store);
      const before = new BatchInstallService(runSshCommand, 60_000, new BatchTaskStore(store.db));
      const done = await before.create('acct-1', { serverUrl: t.url, code: 'deleted-code', downloader: 'curl', parallelism: 1, hosts: [{ host: '127.0.0.1', port: sshd.port, user: 'root', privateKey: sshd.wrongKey }] });
      await before.wait(done.taskId);
      const running = await before.create('acct-1', { serverUrl: stallUrl, code: 'any', downloader: 'curl', parallelism: 1, hosts: [{ host: '127.0.0.1', port: sshd.port, user: 'root', privateKey: sshd.clientKey }, { host: '127.0.0.1', port: sshd.port, user: 'root', privateKey: sshd.clientKey }] });
      await waitFor('host running', async () => (held.length > 0 ? true : undefined), 30_000, 100);
      expect((await before.get('acct-1', running.taskId)).hosts.map((h) => h.state)).toEqual(['running', 'pending']);

      // The restart: a new service over the same database (the old one's memory is gone).
      const after = new BatchInstallService(runSshCommand, 60_000, new BatchTaskStore(store.db));
      const cut = await after.get('acct-1', running.taskId);
      expect(cut.finishedAt).toBeGreaterThan(0);
      expect(cut.hosts.map((h) => [h.state, h.result])).toEqual([['failed', 'interrupted'], ['failed', 'interrupted']]);
      expect(cut.hosts[0]?.message).toMatch(/start a new batch/);
      const kept = await after.get('acct-1', done.taskId);
      expect(kept.hosts[0]).toMatchObject({ state: 'failed', result: 'auth_failed' });
      expect((await after.list('acct-1')).map((x) => x.taskId)).toEqual([running.taskId, done.taskId]);
      // Another account sees neither; no credential was ever written.
      expect(await after.list('acct-2')).toEqual([]);
      await expect(after.get('acct-2', done.taskId)).rejects.toThrow(/does not exist/);
      const raw = JSON.stringify(await store.db.selectFrom('batch_install_tasks' as never).selectAll().execute());
      expect(raw).not.toContain('PRIVATE KEY');
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => stall.close(r));
      await store.close();
      rmrf(dir);
    }
  });

  it('rejects bad input with a clear error', async () => {
    const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const call = (p: Record<string, unknown>) => c.request('CreateBatchInstallTask', { ServerUrl: t.url, ...p }, { method: 'POST' });
    await expect(call({ Hosts: 'not json' })).rejects.toThrow(/Hosts is not valid JSON/);
    await expect(call({ Hosts: JSON.stringify([{ Host: '127.0.0.1' }]) })).rejects.toThrow(/needs a Password or a PrivateKey/);
    await expect(call({ Hosts: JSON.stringify([{ Host: 'a b', Password: 'x' }]) })).rejects.toThrow(/host name or IP/);
    await expect(call({ Hosts: JSON.stringify([{ Host: 'h', Password: 'x' }]), ServerUrl: 'ftp://files.example' })).rejects.toThrow(/ServerUrl must be/);
    await expect(call({ Hosts: JSON.stringify([{ Host: 'h', Password: 'x' }]), CaptchaCode: 'nosuchcode' })).rejects.toThrow(/does not exist/);
    await expect(c.request('DescribeBatchInstallTask', { TaskId: 'nope' }, { method: 'POST' })).rejects.toThrow(/does not exist/);
  });
});
