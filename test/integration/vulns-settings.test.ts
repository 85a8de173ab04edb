import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Whitelist, scan settings and the .xlsx export through the real Sas SDK, on both databases.
type Json = Record<string, unknown>;
type Client = ReturnType<typeof popClient>;
const call = (c: Client, action: string, params: Json = {}) => c.request(action, params, { method: 'POST' }) as Promise<Json>;

const HOST_A = 'e1e1e1e1-0000-4000-8000-00000000000a';
const HOST_B = 'e1e1e1e1-0000-4000-8000-00000000000b';

const inventory = (hostname: string, ip: string, bindIp: string) => ({
  hostname,
  os: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: '6.1.0-28-amd64', arch: 'x86_64' },
  interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:01', ips: [ip] }],
  ports: [{ proto: 'tcp', bindIp, port: 443, pid: 10, procName: 'nginx' }],
  software: [
    { source: 'dpkg', name: 'libssl3', version: '3.0.11-1~deb12u2', arch: 'amd64', sourceName: 'openssl' },
    { source: 'dpkg', name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'amd64', sourceName: 'zlib' },
  ],
});

const record = (id: string, pkg: string, fixed: string, vector: string) => ({
  id,
  modified: '2026-02-01T00:00:00Z',
  summary: `${pkg} - security update`,
  aliases: [`CVE-2026-${id.slice(4, 8)}`],
  severity: [{ type: 'CVSS_V3', score: vector }],
  affected: [{ package: { ecosystem: 'Debian:12', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
});

type Rec = { Name: string; Uuid: string; Status: number; Necessity: string };
const names = async (c: Client) => ((await call(c, 'DescribeVulList', { Type: 'cve', PageSize: 100 })).VulRecords as Rec[]).map((r) => `${r.Name}@${r.Uuid.slice(-1)}`).sort();

describe.each(['sqlite', 'postgres'] as const)('vulnerability settings on %s', (dialect) => {
  let t: TestServer;
  let c: Client;
  let dir: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    dir = mkdtempSync(join(tmpdir(), 'vigil-vulset-'));
    // DSA-9301: network, critical → asap on the exposed host B; DSA-9302: local, low → nntf.
    writeFileSync(join(dir, 'a.json'), JSON.stringify(record('DSA-9301-1', 'openssl', '3.0.15-1~deb12u1', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(record('DSA-9302-1', 'zlib', '1:1.2.13.dfsg-1+deb12u1', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N')));
    await t.server.services.assets.ingestInventory(t.accountId, HOST_A, inventory('host-a', '10.0.0.10', '127.0.0.1'));
    await t.server.services.assets.ingestInventory(t.accountId, HOST_B, inventory('host-b', '10.0.0.11', '0.0.0.0'));
    const r = await t.server.services.vulns.importPath(dir);
    expect(r.imported).toBe(2);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('whitelists an advisory for one host, then all hosts, and brings it back when removed', async () => {
    expect(await names(c)).toEqual(['DSA-9301-1@a', 'DSA-9301-1@b', 'DSA-9302-1@a', 'DSA-9302-1@b']);
    const created = await call(c, 'ModifyCreateVulWhitelist', {
      Whitelist: JSON.stringify([{ Name: 'DSA-9301-1', Type: 'cve', AliasName: 'openssl - security update' }]),
      Reason: 'accepted risk on the test host',
      TargetInfo: JSON.stringify({ type: 'Uuid', uuids: [HOST_A], groupIds: [] }),
    });
    const id = Number((created.VulWhitelistList as Array<{ Id: string }>)[0]?.Id);
    expect(id).toBeGreaterThan(0);
    expect(await names(c)).toEqual(['DSA-9301-1@b', 'DSA-9302-1@a', 'DSA-9302-1@b']);
    const wl = await call(c, 'DescribeVulWhitelist', {});
    expect(wl.VulWhitelists).toEqual([expect.objectContaining({ Id: String(id), Name: 'DSA-9301-1', Reason: 'accepted risk on the test host', TargetInfo: JSON.stringify({ type: 'Uuid', uuids: [HOST_A], groupIds: [] }) })]);
    // Whitelisted findings are not "fixed": nothing handled appears.
    expect((await call(c, 'DescribeVulList', { Type: 'cve', Dealed: 'y' })).TotalCount).toBe(0);

    await call(c, 'ModifyVulWhitelistTarget', { Id: id, TargetInfo: '' });
    expect(await names(c)).toEqual(['DSA-9302-1@a', 'DSA-9302-1@b']);

    await call(c, 'DeleteVulWhitelist', { Id: String(id) });
    const back = (await call(c, 'DescribeVulList', { Type: 'cve', Name: 'DSA-9301-1' })).VulRecords as Rec[];
    expect(back.map((r) => r.Status)).toEqual([1, 1]);
    expect((await call(c, 'DescribeVulWhitelist', {})).TotalCount).toBe(0);
  });

  it('refuses bad whitelist input with a clear error and keeps serving', async () => {
    await expect(call(c, 'ModifyCreateVulWhitelist', { Whitelist: 'not json' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(call(c, 'ModifyCreateVulWhitelist', { Whitelist: '[{"Name":"DSA-9301-1"}]', TargetInfo: '{"type":"Host"}' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(call(c, 'ModifyVulWhitelistTarget', { Id: 999 })).rejects.toMatchObject({ code: 'WhitelistNotFound' });
    expect((await names(c)).length).toBe(4);
  });

  it('applies scan levels, scan mode and per-type and per-host switches', async () => {
    const recs = (await call(c, 'DescribeVulList', { Type: 'cve', PageSize: 100 })).VulRecords as Rec[];
    const asap = recs.filter((r) => r.Necessity === 'asap').map((r) => `${r.Name}@${r.Uuid.slice(-1)}`);
    expect(asap.length).toBeGreaterThan(0);
    expect(recs.some((r) => r.Necessity !== 'asap')).toBe(true);

    await call(c, 'ModifyVulConfig', { Type: 'vulLevel', Config: 'asap' });
    expect(await names(c)).toEqual(asap.sort());
    const cfg = await call(c, 'DescribeVulConfig', { Type: 'vulLevel' });
    expect(cfg.TargetConfigs).toEqual([{ Type: 'vulLevel', Config: 'asap', OverAllConfig: 'asap' }]);
    await call(c, 'ModifyVulConfig', { Type: 'vulLevel', Config: 'later,asap,nntf' });
    expect((await names(c)).length).toBe(4);
    await expect(call(c, 'ModifyVulConfig', { Type: 'vulLevel', Config: 'urgent' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(call(c, 'ModifyVulConfig', { Type: 'nope', Config: 'on' })).rejects.toMatchObject({ code: 'InvalidParameter' });

    await call(c, 'ModifyVulConfig', { Type: 'scanMode', Config: 'real' });
    expect(await names(c)).toEqual(asap.sort());
    await call(c, 'ModifyVulConfig', { Type: 'scanMode', Config: 'all' });

    await call(c, 'ModifyVulConfig', { Type: 'cve', Config: 'off' });
    expect((await call(c, 'DescribeVulList', { Type: 'cve' })).TotalCount).toBe(0);
    expect((await call(c, 'DescribeGroupedVul', { Type: 'cve' })).TotalCount).toBe(0);
    await call(c, 'ModifyVulConfig', { Type: 'cve', Config: 'on' });

    await call(c, 'ModifyVulTargetConfig', { Uuid: HOST_A, Type: 'cve', Config: 'off' });
    expect(await names(c)).toEqual(['DSA-9301-1@b', 'DSA-9302-1@b']);
    const tc = await call(c, 'DescribeVulTargetConfig', { Uuid: HOST_A, Type: 'cve' });
    expect(tc.TargetConfigs).toEqual([{ Type: 'cve', Config: 'off', OverAllConfig: 'on' }]);
    await call(c, 'ModifyVulTargetConfig', { Uuid: HOST_A, Type: 'cve', Config: 'on' });
    expect((await names(c)).length).toBe(4);
    await expect(call(c, 'ModifyVulTargetConfig', { Uuid: 'no-such-host', Type: 'cve', Config: 'off' })).rejects.toMatchObject({ code: 'InvalidUuid' });
    await call(c, 'ModifyVulConfig', { Type: 'scanCycle', Config: '3days' });
    expect((await call(c, 'DescribeVulConfig', { Type: 'scanCycle' })).TargetConfigs).toEqual([{ Type: 'scanCycle', Config: '3days', OverAllConfig: '3days' }]);
  });

  it('exports the list as a real .xlsx (ExportVul + DescribeVulExportInfo, the asset export jobs)', async () => {
    const started = (await call(c, 'ExportVul', { Type: 'cve', Uuids: HOST_B })) as { Id: number; FileName: string };
    expect(started.FileName).toMatch(/^vul_cve_.*\.xlsx$/);
    await t.server.services.assetExports.idle();
    const info = await call(c, 'DescribeVulExportInfo', { ExportId: started.Id });
    expect(info).toMatchObject({ ExportStatus: 'success', Progress: 100, CurrentCount: 2, TotalCount: 2 });
    const res = await fetch(`${t.url}${String(info.Link)}`);
    expect(res.status).toBe(200);
    const file = join(dir, 'out.xlsx');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    execFileSync('unzip', ['-tq', file]);
    const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString('utf8');
    expect(sheet).toContain('DSA-9301-1');
    expect(sheet).toContain('DSA-9302-1');
    expect(sheet).toContain('libssl3 3.0.11-1~deb12u2');
    expect(sheet).not.toContain(HOST_A);
    await expect(call(c, 'DescribeVulExportInfo', { ExportId: 9999 })).rejects.toMatchObject({ code: 'ExportNotExist' });
  });
});
