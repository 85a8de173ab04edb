import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventBatch } from '../../src/server/agent-hub.js';
import { popClient } from '../helpers/sdk.js';
import { agentCommand, agentIdOf, buildAgentBundle, freePort, rmrf, spawnAgent, startVigil, tempDir, waitFor, type AgentProcess, type Vigil } from './agent-harness.js';

/**
 * End to end on this machine: a real server, the real agent bundle as a child process, enrollment
 * with an install code made through @alicloud/pop-core, tasks, PauseClient, a server restart with
 * events buffered by the agent meanwhile (none lost, none duplicated), and offline after the window.
 */
describe('agent link end to end', () => {
  const serverHome = tempDir('vigil-srv-');
  const agentHome = tempDir('vigil-agent-');
  let port = 0;
  let vigil: Vigil | undefined;
  let agent: AgentProcess | undefined;
  const received: AgentEventBatch[] = [];

  const listen = (v: Vigil) => v.server.services.agents.on('events', (b) => received.push(b));
  const client = () => popClient((vigil as Vigil).url, (vigil as Vigil).key.id, (vigil as Vigil).key.secret);
  const markers = (prefix: string) => received.flatMap((b) => b.events).filter((e) => (e.data as { marker?: string } | null)?.marker?.startsWith(prefix));

  beforeAll(async () => {
    buildAgentBundle();
    port = await freePort();
    vigil = await startVigil(serverHome, port);
    await vigil.server.services.agents.setLinkSettings(vigil.accountId, { heartbeatSec: 1, offlineWindowSec: 4 });
    listen(vigil);
  });

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await vigil?.server.close();
    rmrf(serverHome, agentHome);
  });

  it('enrolls, goes online, answers tasks, pauses, survives a server restart and goes offline', async ({ onTestFailed }) => {
    onTestFailed(() => console.log(`agent output:\n${agent?.output() ?? ''}`));
    const c = client();
    const created = await c.request('AddInstallCode', { VendorName: 'IDC', Os: 'linux' }, { method: 'POST' });
    const code = created.CaptchaCode as string;
    expect(code).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(created.Data).toBe(code);

    agent = spawnAgent(['run', '--server', (vigil as Vigil).url, '--code', code, '--home', agentHome, '--max-backoff', '2000']);
    await waitFor('agent online', async () => Number((await c.request('DescribeSummaryInfo', {}, { method: 'POST' })).AegisClientOnlineCount) === 1, 30_000);
    const agentId = agentIdOf(agentHome);
    const hub = (vigil as Vigil).server.services.agents;
    const accountId = (vigil as Vigil).accountId;

    // Tasks: server → agent with a result.
    const pong = (await hub.sendTask(accountId, agentId, 'ping', {}, { timeoutMs: 10_000 })) as { pong: boolean };
    expect(pong.pong).toBe(true);
    const payload = { hello: 'agent', n: [1, 2, 3], nested: { ok: true } };
    expect(await hub.sendTask(accountId, agentId, 'echo', payload, { timeoutMs: 10_000 })).toEqual(payload);
    await expect(hub.sendTask(accountId, agentId, 'no-such-kind', {}, { timeoutMs: 10_000 })).rejects.toThrow(/unknown task kind/);

    // PauseClient (Sas: Value 0 disables protection, 1 enables it): the agent gets a config push.
    const agentPaused = async () => ((await hub.sendTask(accountId, agentId, 'status', {}, { timeoutMs: 10_000 })) as { paused: boolean }).paused;
    await c.request('PauseClient', { Uuids: agentId, Value: '0' }, { method: 'POST' });
    expect((await hub.registry.status(accountId, agentId))?.paused).toBe(true);
    await waitFor('agent paused', agentPaused);
    // Paused agents keep their heartbeats: still online.
    expect(Number((await c.request('DescribeSummaryInfo', {}, { method: 'POST' })).AegisClientOnlineCount)).toBe(1);
    await c.request('PauseClient', { Uuids: agentId, Value: '1' }, { method: 'POST' });
    await waitFor('agent resumed', async () => !(await agentPaused()));
    await expect(c.request('PauseClient', { Uuids: '00000000-0000-4000-8000-000000000000', Value: '0' }, { method: 'POST' })).rejects.toThrow(/Unknown agent uuid/);

    // Events while online.
    for (let i = 0; i < 3; i++) expect((await agentCommand(['emit', '--home', agentHome, '--kind', 'test.marker', '--data', JSON.stringify({ marker: `online-${i}` })])).code).toBe(0);
    await waitFor('online events', () => markers('online-').length === 3);

    // Server down: the agent buffers on disk; the server comes back on the same port and home.
    await (vigil as Vigil).server.close();
    for (let i = 0; i < 5; i++) expect((await agentCommand(['emit', '--home', agentHome, '--kind', 'test.marker', '--data', JSON.stringify({ marker: `offline-${i}` })])).code).toBe(0);
    await waitFor('events buffered on disk', async () => {
      const st = await agentCommand(['status', '--home', agentHome, '--json']);
      const link = (JSON.parse(st.out) as { link: { queue: { pending: number }; connected: boolean } }).link;
      return link.queue.pending === 5 && !link.connected;
    });
    vigil = await startVigil(serverHome, port, {}, (vigil as Vigil).key);
    listen(vigil);
    await waitFor('buffered events delivered', () => markers('offline-').length >= 5, 30_000);
    await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would arrive in this time
    const all = received.flatMap((b) => b.events);
    expect(markers('offline-').map((e) => (e.data as { marker: string }).marker).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `offline-${i}`));
    const seqs = all.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Every sequence number from 1 to the last one, once: nothing lost, nothing duplicated. Besides
    // the 8 markers the agent's real detectors may report (other tests run shells on this host).
    expect(seqs.length).toBeGreaterThanOrEqual(8);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

    // Agent stopped → offline after the window; a task issued meanwhile is delivered on reconnect.
    const hub2 = (vigil as Vigil).server.services.agents;
    await waitFor('online after restart', () => hub2.isConnected(agentId));
    await (agent as AgentProcess).stop('SIGTERM');
    await waitFor('offline after the window', async () => (await hub2.registry.status(accountId, agentId))?.status === 'offline', 15_000);
    const late = hub2.sendTask(accountId, agentId, 'echo', { late: true }, { timeoutMs: 30_000 });
    agent = spawnAgent(['run', '--home', agentHome, '--max-backoff', '2000']);
    expect(await late).toEqual({ late: true });
    await waitFor('online again', async () => (await hub2.registry.status(accountId, agentId))?.status === 'online');
  });
});
