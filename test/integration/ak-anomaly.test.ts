import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureRootAccount } from '../../src/domain/iam/accounts-service.js';
import { loadConfig } from '../../src/server/config.js';
import { startServer } from '../../src/server/start.js';

// Anomalous AccessKey use: real pop-core calls, some of them from a second loopback address
// (127.0.0.2, chosen as the client's local address), and a RAM user without permissions probing.
// The server listens on 127.0.0.1 and sees the real source address of each connection.

interface SuspEvent {
  Id: number;
  EventSubType: string;
  AlarmEventType: string;
  Level: string;
  Count: number;
  Uuid: string;
  Desc: string;
  DetailsJson: string;
}

function evidence(e: SuspEvent): string {
  return (JSON.parse(e.DetailsJson) as { evidence?: string }).evidence ?? '';
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(['sqlite', 'postgres'] as const)('anomalous AccessKey use on %s', (dialect) => {
  let t: TestServer;
  const agents: Agent[] = [];

  beforeAll(async () => {
    t = await startTestServer({ dialect, flags: { akAnomaly: { learnCalls: 3, learnMinutes: 0, deniedBurst: 5, deniedWindowSec: 60 } } });
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) a.destroy();
    await t?.close();
  });

  const from = (address: string, id: string, secret: string) => {
    const agent = new Agent({ localAddress: address, keepAlive: false });
    agents.push(agent);
    const c = popClient(t.url, id, secret);
    return { request: (action: string, params: Record<string, unknown> = {}) => c.request(action, params, { method: 'POST', agent }) };
  };
  const cloudAlerts = async () => {
    const r = (await popClient(t.url, t.rootKey.id, t.rootKey.secret).request('DescribeSuspEvents', { PageSize: '100' }, { method: 'POST' })) as { SuspEvents: SuspEvent[] };
    return r.SuspEvents.filter((e) => e.EventSubType.startsWith('cloud-threat.'));
  };

  it('a key used from a new source IP and calling a new action raises cloud-threat alerts; known IP and actions do not', async () => {
    const home = from('127.0.0.1', t.rootKey.id, t.rootKey.secret);
    // Learning (3 calls here): the actions used meanwhile become the key's known ones, silently.
    await home.request('DescribeSuspEvents', { PageSize: '10' });
    await home.request('DescribeSummaryInfo');
    for (let i = 0; i < 3; i++) await home.request('DescribeSuspEvents', { PageSize: '10' });

    const away = from('127.0.0.2', t.rootKey.id, t.rootKey.secret);
    await away.request('DescribeSummaryInfo');
    const ip = await until('new-source-ip alert', async () => (await cloudAlerts()).find((e) => e.EventSubType === 'cloud-threat.ak-new-source-ip'));
    expect(ip.AlarmEventType).toBe('cloud-threat');
    expect(ip.Level).toBe('suspicious');
    expect(ip.Uuid).toBe('');
    expect(evidence(ip)).toContain('from 127.0.0.2');
    expect(evidence(ip)).toContain('known: 127.0.0.1');
    expect(evidence(ip)).toContain(t.rootKey.id.slice(-4));
    expect(evidence(ip)).not.toContain(t.rootKey.id);

    // Same key, same new address again: the same alert, not a new one; the known address never alerts.
    await away.request('DescribeSummaryInfo');
    await home.request('ListUsers');
    const act = await until('new-action alert', async () => (await cloudAlerts()).find((e) => e.EventSubType === 'cloud-threat.ak-new-action' && evidence(e).includes('ListUsers')));
    expect(act.Level).toBe('remind');
    expect(evidence(act)).toContain('from 127.0.0.1');
    const all = await cloudAlerts();
    const ipAlerts = all.filter((e) => e.EventSubType === 'cloud-threat.ak-new-source-ip');
    expect(ipAlerts).toHaveLength(1);
    expect(ipAlerts[0]?.Count).toBe(1);
    // DescribeSuspEvents / DescribeSummaryInfo were used before the key was learnt: no alert for them.
    expect(all.filter((e) => e.EventSubType === 'cloud-threat.ak-new-action').map((e) => evidence(e).match(/called (\w+)/)?.[1])).toEqual(['ListUsers']);
  }, 60_000);

  it('a RAM user without permissions making a burst of denied calls raises one burst alert', async () => {
    const root = from('127.0.0.1', t.rootKey.id, t.rootKey.secret);
    await root.request('CreateUser', { UserName: 'prober' });
    const k = ((await root.request('CreateAccessKey', { UserName: 'prober' })) as { AccessKey: { AccessKeyId: string; AccessKeySecret: string } }).AccessKey;
    const prober = from('127.0.0.2', k.AccessKeyId, k.AccessKeySecret);
    const denied: string[] = [];
    for (const action of ['ListUsers', 'DescribeSuspEvents', 'CreateUser', 'ListUsers', 'DescribeCloudCenterInstances', 'ListPolicies', 'ListUsers']) {
      await prober.request(action, action === 'CreateUser' ? { UserName: 'x' } : {}).catch((err: Error) => denied.push(err.message));
    }
    expect(denied).toHaveLength(7);
    expect(denied.filter((m) => !/not authorized to do this action/.test(m))).toEqual([]);
    const burst = await until('denied-burst alert', async () => (await cloudAlerts()).find((e) => e.EventSubType === 'cloud-threat.ak-denied-burst' && evidence(e).includes(k.AccessKeyId.slice(-4))));
    expect(burst.Level).toBe('suspicious');
    expect(evidence(burst)).toContain('user prober');
    expect(evidence(burst)).toContain('made 5 denied calls');
    expect(evidence(burst)).toContain('from 127.0.0.2');
    // 7 denied calls with a threshold of 5 are one burst (the window restarts after a finding).
    expect(burst.Count).toBe(1);
  }, 60_000);
});

describe('anomalous AccessKey use across a restart', () => {
  it('a restarted server knows a key\'s addresses and actions from the audit trail', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-akanomaly-'));
    const agent = new Agent({ localAddress: '127.0.0.2', keepAlive: false });
    const config = loadConfig({ env: {}, flags: { home, port: 0, logLevel: 'silent', akAnomaly: { learnCalls: 3, learnMinutes: 0 } } });
    try {
      const first = await startServer(config);
      const root = await ensureRootAccount(first.services.store.db);
      const { view, secret } = await first.services.accessKeys.create(root.accountId, root.rootUserId);
      const c1 = popClient(first.url, view.AccessKeyId, secret);
      await c1.request('DescribeSuspEvents', {}, { method: 'POST' });
      for (let i = 0; i < 4; i++) await c1.request('DescribeSummaryInfo', {}, { method: 'POST' });
      await first.close();

      const second = await startServer(config);
      try {
        const c2 = popClient(second.url, view.AccessKeyId, secret);
        // Known address and action: nothing. Without the trail's history both would look new.
        await c2.request('DescribeSummaryInfo', {}, { method: 'POST' });
        await c2.request('DescribeSummaryInfo', {}, { method: 'POST', agent });
        const ev = await until('new-source-ip alert after restart', async () => {
          const r = (await c2.request('DescribeSuspEvents', { PageSize: '100' }, { method: 'POST' })) as { SuspEvents: SuspEvent[] };
          return r.SuspEvents.find((e) => e.EventSubType === 'cloud-threat.ak-new-source-ip');
        });
        const all = ((await c2.request('DescribeSuspEvents', { PageSize: '100' }, { method: 'POST' })) as { SuspEvents: SuspEvent[] }).SuspEvents;
        expect(all.map((e) => e.EventSubType)).toEqual(['cloud-threat.ak-new-source-ip']);
        expect(evidence(ev)).toContain('from 127.0.0.2');
        expect(evidence(ev)).toContain('known: 127.0.0.1');
      } finally {
        await second.close();
      }
    } finally {
      agent.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
