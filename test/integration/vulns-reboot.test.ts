import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';
import { popClient } from '../helpers/sdk.js';

type Json = Record<string, unknown>;

/**
 * RebootMachine as its own task, through `vigil server --local-agent` and pop-core. The
 * host must not really reboot: the agent's reboot command is replaced (VIGIL_REBOOT_COMMAND, the
 * documented override) by one that writes a marker file.
 */
describe('reboot to finish vulnerability fixes', () => {
  let srv: LocalAgentServer;
  let dir: string;
  let marker: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-reboot-'));
    marker = join(dir, 'rebooted');
    srv = await startLocalAgentServer({ VIGIL_REBOOT_COMMAND: JSON.stringify(['/bin/sh', '-c', `echo "reboot requested" > '${marker}'`]) });
  }, 120_000);
  afterAll(async () => {
    await srv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('needs ecs:RebootInstance (not Sas full access), runs as an agent task and reports its status', async () => {
    const key = srv.createKey();
    const sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
    const ram = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret, '2015-05-01');
    const call = (c: typeof sas, a: string, p: Json = {}) => c.request(a, p, { method: 'POST' }) as Promise<Json>;
    const uuid = await until('the local agent online', async () => {
      const r = await call(sas, 'DescribeCloudCenterInstances', { PageSize: 10 });
      const i = (r.Instances as Array<{ Uuid: string; ClientStatus: string }>).find((x) => x.ClientStatus === 'online');
      return i?.Uuid;
    });

    // Nothing waits for a reboot on this host.
    expect(await call(sas, 'DescribeMachineCanReboot', { Uuid: uuid })).toMatchObject({ CanReboot: false });
    await expect(call(sas, 'DescribeMachineCanReboot', { Uuid: 'no-such-host' })).rejects.toMatchObject({ code: 'InvalidUuid' });
    expect(await call(sas, 'DescribeInstanceRebootStatus', { Uuids: uuid })).toMatchObject({ TotalCount: 0, RebootStatuses: [] });

    // A RAM user with Sas full access may not reboot hosts.
    await call(ram, 'CreateUser', { UserName: 'ops' });
    await call(ram, 'AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'AliyunYundunSASFullAccess', UserName: 'ops' });
    const opsKey = ((await call(ram, 'CreateAccessKey', { UserName: 'ops' })) as { AccessKey: { AccessKeyId: string; AccessKeySecret: string } }).AccessKey;
    const ops = popClient(srv.url, opsKey.AccessKeyId, opsKey.AccessKeySecret);
    await expect(call(ops, 'RebootMachine', { Uuid: uuid })).rejects.toMatchObject({ code: 'NoPermission' });
    expect(existsSync(marker)).toBe(false);

    // Root may; the agent runs the reboot command and the status says so.
    await call(sas, 'RebootMachine', { Uuid: uuid });
    const st = await until('the reboot task to finish', async () => {
      const r = (await call(sas, 'DescribeInstanceRebootStatus', { Uuids: uuid })) as { RebootStatuses: Array<{ Uuid: string; Status: number; Msg: string }> };
      const s = r.RebootStatuses[0];
      return s && s.Status !== 0 ? s : undefined;
    });
    expect(st).toMatchObject({ Uuid: uuid, Status: 1 });
    expect(readFileSync(marker, 'utf8')).toBe('reboot requested\n');
    await expect(call(sas, 'RebootMachine', { Uuid: 'no-such-host' })).rejects.toMatchObject({ code: 'InvalidUuid' });
  });
});
