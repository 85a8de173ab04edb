import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sharedDataDir } from '../helpers/shared-data.js';

type Json = Record<string, unknown>;
type Client = ReturnType<typeof popClient>;
const call = (c: Client, action: string, params: Json = {}) => c.request(action, params, { method: 'POST' }) as Promise<Json>;

const ALMA_TARBALL = join(sharedDataDir(), 'vuln/almalinux-osv/almalinux-osv-database.tar.gz');
const KEV_JSON = join(sharedDataDir(), 'vuln/kev/known_exploited_vulnerabilities.json');

const ALMA_HOST = 'a1a1a1a1-0000-4000-8000-000000000001';
const ALMA_OLD_KERNEL_HOST = 'a1a1a1a1-0000-4000-8000-000000000002';
const DEB_HOST = 'd1d1d1d1-0000-4000-8000-000000000003';

/**
 * AlmaLinux 9 host. Expected from the advisory files (advisories/almalinux9):
 * - sudo 1.9.5p2-10.el9_3: ALSA-2025:9978 (fixed 1.9.5p2-10.el9_6.1), ALSA-2026:12310 (…-15.el9_7),
 *   ALSA-2026:19220 (1.9.17p2-3.el9_8); not ALSA-2023:0282 (…-7.el9_1.1) nor ALSA-2024:0811 (fixed = installed).
 * - openssl-libs 1:3.5.1-7.el9_7: ALSA-2026:19218, ALSA-2026:22312, ALSA-2026:25239 (3.5.5-x);
 *   not ALSA-2026:1473 (fixed = installed) nor ALSA-2025:21255 (3.5.1-4).
 * - bash 5.1.8-9.el9 and zlib 1.2.11-40.el9: newer than every fix (ALSA-2023:0340, ALSA-2022:7314).
 * - kernel-core: running 5.14.0-687.38.1.el9_8; the highest kernel fix is ALSA-2026:54443
 *   (5.14.0-687.39.1.el9_8), ALSA-2026:53329 fixes exactly the running one. With 687.39.1 also
 *   installed (not booted) ALSA-2026:54443 is "fixed, needs reboot" (8); without it, unfixed (1).
 */
function almaInventory(withNewKernel: boolean, hostname: string): Json {
  const rpm = (name: string, version: string, sourceName: string) => ({ source: 'rpm', name, version, arch: 'x86_64', sourceName });
  return {
    hostname,
    os: { id: 'almalinux', prettyName: 'AlmaLinux 9.6 (Sage Margay)', versionId: '9.6', kernel: '5.14.0-687.38.1.el9_8.x86_64', arch: 'x86_64' },
    interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:56', ips: ['10.9.8.7'] }],
    // Only loopback listeners: not exposed.
    ports: [{ proto: 'tcp', bindIp: '127.0.0.1', port: 25, pid: 900, procName: 'master' }],
    software: [
      rpm('sudo', '1.9.5p2-10.el9_3', 'sudo-1.9.5p2-10.el9_3.src.rpm'),
      rpm('openssl-libs', '1:3.5.1-7.el9_7', 'openssl-3.5.1-7.el9_7.src.rpm'),
      rpm('bash', '5.1.8-9.el9', 'bash-5.1.8-9.el9.src.rpm'),
      rpm('zlib', '1.2.11-40.el9', 'zlib-1.2.11-40.el9.src.rpm'),
      rpm('kernel-core', '5.14.0-687.38.1.el9_8', 'kernel-5.14.0-687.38.1.el9_8.src.rpm'),
      ...(withNewKernel ? [rpm('kernel-core', '5.14.0-687.39.1.el9_8', 'kernel-5.14.0-687.39.1.el9_8.src.rpm')] : []),
      { source: 'pip', name: 'requests', version: '2.0.0', path: '/usr/lib/python3.9/site-packages/requests' },
    ],
  };
}

const KEV_CVE = 'CVE-2025-48384'; // in the CISA KEV catalog 2025.08.25 (Git link following)

/** Hand-made Debian 12 records: source package names, as Debian's OSV feed writes them. */
function debianRecords(fixedOpenssl: string, modified: string): Record<string, Json> {
  const eco = (pkg: string, fixed: string) => ({ package: { ecosystem: 'Debian:12', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] });
  return {
    'DSA-9001-1.json': {
      id: 'DSA-9001-1',
      modified,
      published: '2026-01-10T00:00:00Z',
      summary: 'openssl - security update',
      aliases: ['CVE-2026-90001'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
      affected: [eco('openssl', fixedOpenssl)],
      references: [{ type: 'ADVISORY', url: 'https://www.debian.org/security/2026/dsa-9001' }],
    },
    'DSA-9002-1.json': {
      id: 'DSA-9002-1',
      modified: '2026-01-11T00:00:00Z',
      summary: 'git - security update',
      aliases: [KEV_CVE],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [eco('git', '1:2.39.5-0+deb12u2')],
      references: [],
    },
  };
}

function debInventory(): Json {
  return {
    hostname: 'deb-web',
    os: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: '6.1.0-28-amd64', arch: 'x86_64' },
    interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:01', ips: ['10.0.0.5'] }],
    ports: [{ proto: 'tcp', bindIp: '0.0.0.0', port: 443, pid: 10, procName: 'nginx' }],
    software: [
      // Binary libssl3 from source openssl: matched through the source name.
      { source: 'dpkg', name: 'libssl3', version: '3.0.11-1~deb12u2', arch: 'amd64', sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u2' },
      { source: 'dpkg', name: 'git', version: '1:2.39.2-1.1', arch: 'amd64', sourceName: 'git' },
    ],
  };
}

function writeRecords(dir: string, records: Record<string, Json>): void {
  for (const [name, r] of Object.entries(records)) writeFileSync(join(dir, name), JSON.stringify(r));
}

interface VulRecord {
  Name: string;
  Uuid: string;
  Status: number;
  Necessity: string;
  RealRisk: boolean;
  Related: string;
  ExtendContentJson: { RpmEntityList: Array<{ Name: string; FullVersion: string; UpdateCmd: string; MatchDetail: string }>; cveList: string[]; Tag: string; Necessity: { Total_score: string } };
}

async function vulList(c: Client, params: Json): Promise<VulRecord[]> {
  const out: VulRecord[] = [];
  for (let page = 1; page < 50; page++) {
    const r = await call(c, 'DescribeVulList', { Type: 'cve', PageSize: 100, CurrentPage: page, ...params });
    const recs = r.VulRecords as VulRecord[];
    out.push(...recs);
    if (out.length >= (r.TotalCount as number) || recs.length === 0) break;
  }
  return out;
}

describe.each(['sqlite', 'postgres'] as const)('vulnerability matching on %s', (dialect) => {
  let t: TestServer;
  let c: Client;
  let debDir: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    debDir = mkdtempSync(join(tmpdir(), 'vigil-deb-osv-'));
  });
  afterAll(async () => {
    await t?.close();
    if (debDir) rmSync(debDir, { recursive: true, force: true });
  });

  it('imports the AlmaLinux OSV tarball, hand-made Debian records and the KEV list, idempotently', async () => {
    const v = t.server.services.vulns;
    const alma = await v.importPath(ALMA_TARBALL);
    expect(alma.files).toBe(5680);
    expect(alma.errors).toEqual([]);
    // 43 ids appear twice (the same record under almalinux8/ and almalinux9/): 5,637 advisories.
    expect(alma.imported).toBe(5637);
    expect(alma.unchanged).toBe(43);

    writeRecords(debDir, debianRecords('3.0.15-1~deb12u1', '2026-01-10T00:00:00Z'));
    writeFileSync(join(debDir, 'broken.json'), '{"id": "DSA-X", "modified": ');
    writeFileSync(join(debDir, 'no-id.json'), JSON.stringify({ modified: '2026-01-01T00:00:00Z', affected: [] }));
    const deb = await v.importPath(debDir);
    expect(deb.imported).toBe(2);
    expect(deb.errors.map((e) => e.file).sort()).toEqual(['broken.json', 'no-id.json']);
    expect(deb.errors[0]?.error).toMatch(/JSON|id/);

    const kev = await v.importPath(KEV_JSON);
    expect(kev.kev).toBe(1404);

    const again = await v.importPath(ALMA_TARBALL);
    expect(again.imported).toBe(0);
    expect(again.unchanged).toBe(5680);
  });

  it('matches stored inventories server-side and reports them through DescribeVulList / DescribeGroupedVul', async () => {
    const assets = t.server.services.assets;
    await assets.ingestInventory(t.accountId, ALMA_HOST, almaInventory(true, 'alma-1'));
    await assets.ingestInventory(t.accountId, ALMA_OLD_KERNEL_HOST, almaInventory(false, 'alma-2'));
    await assets.ingestInventory(t.accountId, DEB_HOST, debInventory());

    const alma = await vulList(c, { Uuids: ALMA_HOST });
    const names = [...new Set(alma.map((r) => r.Name))].sort();
    expect(names).toEqual(['ALSA-2025:9978', 'ALSA-2026:12310', 'ALSA-2026:19218', 'ALSA-2026:19220', 'ALSA-2026:22312', 'ALSA-2026:25239', 'ALSA-2026:54443']);

    const sudo = alma.find((r) => r.Name === 'ALSA-2026:19220');
    expect(sudo?.Status).toBe(1);
    expect(sudo?.Related).toContain('CVE-2026-35535');
    expect(sudo?.ExtendContentJson.RpmEntityList[0]).toMatchObject({ Name: 'sudo', FullVersion: '1.9.5p2-10.el9_3', UpdateCmd: 'dnf update sudo' });
    expect(sudo?.ExtendContentJson.Tag).toContain('privilege-escalation');
    // Important (8) on a host that only listens on loopback: later, not asap.
    expect(sudo?.Necessity).toBe('later');

    const ssl = alma.find((r) => r.Name === 'ALSA-2026:25239');
    expect(ssl?.ExtendContentJson.Tag).toContain('restart-required');

    // The fixed kernel is installed but not booted: 8. The host without it: 1.
    const kernel = alma.find((r) => r.Name === 'ALSA-2026:54443');
    expect(kernel?.Status).toBe(8);
    expect(kernel?.ExtendContentJson.RpmEntityList[0]?.UpdateCmd).toBe('reboot');
    const old = await vulList(c, { Uuids: ALMA_OLD_KERNEL_HOST, Name: 'ALSA-2026:54443' });
    expect(old.map((r) => r.Status)).toEqual([1]);

    // Debian: libssl3 matched through its source package; git's CVE is in KEV on an exposed host.
    const deb = await vulList(c, { Uuids: DEB_HOST });
    expect(deb.map((r) => r.Name).sort()).toEqual(['DSA-9001-1', 'DSA-9002-1']);
    const git = deb.find((r) => r.Name === 'DSA-9002-1');
    expect(git?.ExtendContentJson.Tag.split(',')).toEqual(expect.arrayContaining(['exploit-exists', 'remote', 'code-execution']));
    expect(git?.Necessity).toBe('asap');
    expect(git?.RealRisk).toBe(true);
    expect(deb.find((r) => r.Name === 'DSA-9001-1')?.ExtendContentJson.RpmEntityList[0]).toMatchObject({ Name: 'libssl3', UpdateCmd: 'apt-get install --only-upgrade libssl3' });

    // Grouped: one row per advisory; the sudo advisory has both Alma hosts to fix later.
    const grouped = await call(c, 'DescribeGroupedVul', { Type: 'cve', PageSize: 100 });
    const items = grouped.GroupedVulItems as Array<Json>;
    const sudoGroup = items.find((g) => g.Name === 'ALSA-2026:19220');
    expect(sudoGroup).toMatchObject({ LaterCount: 2, AsapCount: 0, HandledCount: 0, Related: 'CVE-2026-35535' });
    expect(items.find((g) => g.Name === 'DSA-9002-1')).toMatchObject({ AsapCount: 1 });
    expect(items[0]?.Name).toBe('DSA-9002-1'); // asap first
    const asapOnly = await call(c, 'DescribeGroupedVul', { Necessity: 'asap' });
    expect((asapOnly.GroupedVulItems as Json[]).map((g) => g.Name)).toEqual(['DSA-9002-1']);
  });

  it('ignores and un-ignores with a reason', async () => {
    const info = JSON.stringify([{ name: 'ALSA-2026:19220', uuid: ALMA_HOST }]);
    await call(c, 'ModifyOperateVul', { Type: 'cve', OperateType: 'vul_ignore', Info: info, Reason: 'sudo is not used by any user' });
    const ignored = await vulList(c, { Uuids: ALMA_HOST, Name: 'ALSA-2026:19220' });
    expect(ignored.map((r) => r.Status)).toEqual([10]);
    expect((await vulList(c, { Uuids: ALMA_HOST, Dealed: 'n' })).some((r) => r.Name === 'ALSA-2026:19220')).toBe(false);
    const g = (await call(c, 'DescribeGroupedVul', { PageSize: 100 })).GroupedVulItems as Json[];
    expect(g.find((x) => x.Name === 'ALSA-2026:19220')).toMatchObject({ LaterCount: 1, HandledCount: 1 });
    // A re-evaluation keeps the ignore.
    await call(c, 'ModifyStartVulScan', { Uuids: ALMA_HOST });
    expect((await vulList(c, { Uuids: ALMA_HOST, Name: 'ALSA-2026:19220' })).map((r) => r.Status)).toEqual([10]);

    await call(c, 'ModifyOperateVul', { Type: 'cve', OperateType: 'vul_undo_ignore', Info: info });
    expect((await vulList(c, { Uuids: ALMA_HOST, Name: 'ALSA-2026:19220' })).map((r) => r.Status)).toEqual([1]);

    await expect(call(c, 'ModifyOperateVul', { Type: 'cve', OperateType: 'vul_ignore', Info: JSON.stringify([{ name: 'ALSA-2026:19220', uuid: DEB_HOST }]) })).rejects.toThrow(/VulNotFound|No vulnerability/);
  });

  it('re-evaluates every host when a newer record is imported, without a new inventory', async () => {
    // DSA-9001-1 corrected: only versions before 3.0.9-1 were affected, so libssl3 3.0.11 is fine now.
    const dir = mkdtempSync(join(tmpdir(), 'vigil-deb-osv2-'));
    try {
      writeRecords(dir, { 'DSA-9001-1.json': debianRecords('3.0.9-1', '2026-02-01T00:00:00Z')['DSA-9001-1.json'] as Json });
      const r = await t.server.services.vulns.importPath(dir);
      expect(r.imported).toBe(1);
      expect(r.hosts).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const deb = await vulList(c, { Uuids: DEB_HOST, Name: 'DSA-9001-1' });
    expect(deb.map((x) => x.Status)).toEqual([7]);
    expect((await vulList(c, { Uuids: DEB_HOST, Dealed: 'n' })).map((x) => x.Name)).toEqual(['DSA-9002-1']);
  });

  it('evaluates a host by itself after its agent sends an inventory snapshot', async () => {
    const uuid = 'a1a1a1a1-0000-4000-8000-000000000009';
    // The same event the agent link emits for a `snapshot` message of kind `inventory`.
    t.server.services.agents.emit('snapshot', { agentId: uuid, accountId: t.accountId, kind: 'inventory', full: true, data: almaInventory(false, 'alma-9') });
    const db = t.server.services.store.db;
    // No query is made meanwhile (queries evaluate stale hosts too): the hook alone must do it.
    await expect
      .poll(async () => (await db.selectFrom('vul_findings').select('advisory_id').where('uuid', '=', uuid).where('status', '=', 1).execute()).map((r) => r.advisory_id).sort(), { timeout: 15_000 })
      .toEqual(['ALSA-2025:9978', 'ALSA-2026:12310', 'ALSA-2026:19218', 'ALSA-2026:19220', 'ALSA-2026:22312', 'ALSA-2026:25239', 'ALSA-2026:54443']);
  });

  it('verifies a host against a new inventory and queues fixes through the agent link', async () => {
    // The host upgrades sudo (new inventory): vul_verify settles the finding as fixed.
    const inv = almaInventory(true, 'alma-1');
    (inv.software as Json[])[0] = { source: 'rpm', name: 'sudo', version: '1.9.17p2-3.el9_8', arch: 'x86_64' };
    await t.server.services.assets.ingestInventory(t.accountId, ALMA_HOST, inv);
    await call(c, 'ModifyOperateVul', { Type: 'cve', OperateType: 'vul_verify', Info: JSON.stringify([{ name: 'ALSA-2026:19220', uuid: ALMA_HOST }]) });
    expect((await vulList(c, { Uuids: ALMA_HOST, Name: 'ALSA-2026:19220' })).map((r) => r.Status)).toEqual([7]);

    // No agent is enrolled for this synthetic host: the fix is reported as failed with the reason.
    await call(c, 'ModifyOperateVul', { Type: 'cve', OperateType: 'vul_fix', Info: JSON.stringify([{ name: 'ALSA-2026:25239', uuid: ALMA_HOST }]) });
    await expect.poll(async () => (await vulList(c, { Uuids: ALMA_HOST, Name: 'ALSA-2026:25239' }))[0]?.Status).toBe(2);
    const failed = await call(c, 'DescribeVulList', { Type: 'cve', Uuids: ALMA_HOST, Name: 'ALSA-2026:25239' });
    expect(((failed.VulRecords as Json[])[0] as Json).ResultMessage).toMatch(/Unknown agent/);

    const wl = await call(c, 'DescribeVulWhitelist', {});
    expect(wl).toMatchObject({ TotalCount: 0, VulWhitelists: [] });
    const other = await call(c, 'DescribeVulList', { Type: 'sys' });
    expect(other.TotalCount).toBe(0);
  });
});
