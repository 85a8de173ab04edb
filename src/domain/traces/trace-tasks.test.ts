import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../../store/db.js';
import { AgentTaskStore } from '../agents/agent-tasks.js';
import { TraceInvestigations, TRACES_TASK } from './trace-tasks.js';
import { TRACES_TASK_KIND } from '../../agent/traces-feature.js';

// A real SQLite store; the hub is replaced by the task store it writes to (no agent connected).
let dir = '';
let store: Store;
let tasks: AgentTaskStore;
let inv: TraceInvestigations;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-trace-tasks-'));
  store = openStore({ sqlitePath: join(dir, 'v.db') });
  await migrateToLatest(store);
  tasks = new AgentTaskStore(store.db);
  inv = new TraceInvestigations(store.db, { enqueueTask: (acc, agent, kind, params, ttl = 3_600_000) => tasks.create(acc, agent, kind, params, ttl) });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TraceInvestigations', () => {
  it('keeps one investigation per host running, stores the report and lists it per account', async () => {
    const id = await inv.create('acc1', 'host-a');
    expect(await inv.create('acc1', 'host-a')).toBe(id); // still queued: same task
    const other = await inv.create('acc1', 'host-b');
    expect(other).not.toBe(id);
    await expect(inv.create('acc1', 'host-a', 0)).rejects.toThrow(/RecentHours/);

    const report = { hostname: 'a', generatedAtMs: 1, level: 'serious', counts: { serious: 2, suspicious: 1, info: 0 }, sections: [], cleanup: [], unreadable: [] };
    expect(await tasks.finish('host-a', id, true, report, undefined)).toBe(true);
    const got = await inv.get('acc1', id);
    expect(got.task).toMatchObject({ status: 'Success', level: 'serious', counts: { serious: 2, suspicious: 1, info: 0 } });
    expect(got.report?.hostname).toBe('a');
    const next = await inv.create('acc1', 'host-a'); // the first one is done: a new investigation
    expect(next).not.toBe(id);

    await tasks.finish('host-b', other, false, null, 'collector crashed');
    expect((await inv.get('acc1', other)).task).toMatchObject({ status: 'Failure', error: 'collector crashed' });
    expect((await inv.list('acc1', 'host-a', 0, 10)).total).toBe(2);
    expect((await inv.list('acc1', undefined, 0, 10)).total).toBe(3);
    await expect(inv.get('acc2', id)).rejects.toThrow(/No intrusion-trace task/); // other account
    const foreign = await tasks.create('acc1', 'host-a', 'ping', {}, 1000);
    await expect(inv.get('acc1', foreign)).rejects.toThrow(/No intrusion-trace task/); // not a trace task
    expect(TRACES_TASK).toBe(TRACES_TASK_KIND); // server and agent agree on the kind
  });
});
