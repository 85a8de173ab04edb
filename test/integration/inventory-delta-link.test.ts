import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll } from '../../src/agent/enroll.js';
import { EventQueue } from '../../src/agent/event-queue.js';
import { startInventory } from '../../src/agent/inventory-feature.js';
import { AgentLink } from '../../src/agent/link.js';
import { runTask } from '../../src/agent/task-handlers.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function waitFor<T>(what: string, f: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A real agent link + the real inventory feature (this machine's inventory) against a real server. */
describe('inventory deltas over the agent link', () => {
  let t: TestServer;
  let dir: string;
  let link: AgentLink;
  let inv: ReturnType<typeof startInventory>;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect: 'sqlite' });
    dir = mkdtempSync(join(tmpdir(), 'vigil-invdelta-'));
    const pop = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const code = (await pop.request('AddInstallCode', { VendorName: 'IDC' }, { method: 'POST' })).CaptchaCode as string;
    const cred = await enroll(t.url, code, { proxy: null }, { hostname: 'delta-host', os: 'linux', kernel: '6.1', arch: 'x86_64', ips: ['10.9.8.7'], machineId: randomUUID().replace(/-/g, '') });
    agentId = cred.agentId;
    const l: AgentLink = new AgentLink({
      cred: { server: t.url, agentId, agentSecret: cred.agentSecret, enrolledAt: Date.now() },
      dial: { proxy: null },
      queue: new EventQueue(join(dir, 'q'), { maxEvents: 100, maxBytes: 100_000 }),
      facts: () => ({ hostname: 'delta-host', os: 'linux', kernel: '6.1', arch: 'x86_64', ips: [] }),
      agentVersion: 'test',
      heartbeatSec: 30,
      maxBackoffMs: 2_000,
      log: () => undefined,
      onConfig: () => undefined,
      onTask: (task) => {
        void runTask(task.kind, task.params, { paused: false, status: () => ({}) }).then((r) =>
          l.send(r.ok ? { type: 'result', id: randomUUID(), taskId: task.id, ok: true, data: r.data } : { type: 'result', id: randomUUID(), taskId: task.id, ok: false, error: r.error }),
        );
      },
    });
    link = l;
    link.start();
    await waitFor('link up', async () => link.state.connected);
    inv = startInventory(link, () => undefined, { scheduleMs: 3_600_000 });
  }, 60_000);
  afterAll(async () => {
    inv?.stop();
    link?.stop();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const instance = () => t.server.services.store.db.selectFrom('asset_instances').select(['inventory_hash', 'last_inventory_at']).where('uuid', '=', agentId).executeTakeFirst();

  it('sends a full snapshot first, then deltas the server applies; a stale base gets a full snapshot requested', async () => {
    const first = await inv.collectNow();
    expect(first).toMatchObject({ sent: true, mode: 'full' });
    const s1 = await waitFor('first inventory stored', async () => {
      const i = await instance();
      return i && i.inventory_hash !== '' ? i : undefined;
    });
    const items = await t.server.services.store.db.selectFrom('asset_items').select(({ fn }) => fn.countAll<number>().as('n')).where('uuid', '=', agentId).executeTakeFirstOrThrow();
    expect(Number(items.n)).toBeGreaterThan(0);

    const second = await inv.collectNow();
    expect(second).toMatchObject({ sent: true, mode: 'delta' });
    await waitFor('delta applied', async () => {
      const i = await instance();
      return i && Number(i.last_inventory_at) > Number(s1.last_inventory_at) && i.inventory_hash !== '' ? i : undefined;
    });

    // The delta was applied as such: no full snapshot was asked for.
    const tasks = () => t.server.services.store.db.selectFrom('agent_tasks').select(['kind', 'params_json']).where('agent_id', '=', agentId).where('kind', '=', 'inventory.collect').execute();
    expect(await tasks()).toEqual([]);

    // The server loses its base (as after a failed ingest): the next delta is refused and a full snapshot is asked for.
    await t.server.services.store.db.updateTable('asset_instances').set({ inventory_hash: 'stale' }).where('uuid', '=', agentId).execute();
    expect(await inv.collectNow()).toMatchObject({ mode: 'delta' });
    const healed = await waitFor('full snapshot requested and stored', async () => {
      const i = await instance();
      return i && i.inventory_hash !== 'stale' && i.inventory_hash !== '' ? i : undefined;
    });
    expect(healed.inventory_hash).toMatch(/^[0-9a-f]{40}$/);
    const asked = await tasks();
    expect(asked).toHaveLength(1);
    expect(JSON.parse(asked[0]?.params_json ?? '{}')).toEqual({ full: true });
  }, 90_000);
});
