import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Incremental re-evaluation after an advisory DB update (issue 4): an import touching one package
 * matches again only the hosts that have it, moves the others' DB version forward, and leaves the
 * findings exactly as a full evaluation of every host would.
 */
type Json = Record<string, unknown>;
const DEB_OS = { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: '6.1.0-28-amd64', arch: 'x86_64' };
const HOST_SSL = 'cafe0000-0000-4000-8000-000000000001'; // libssl3 (source openssl), git
const HOST_GIT = 'cafe0000-0000-4000-8000-000000000002'; // git, curl
const HOST_ZLIB = 'cafe0000-0000-4000-8000-000000000003'; // zlib1g (source zlib)
const KEV_CVE = 'CVE-2026-90002';

const deb = (name: string, version: string, sourceName = name) => ({ source: 'dpkg', name, version, arch: 'amd64', sourceName });
const inventories: Record<string, Json> = {
  [HOST_SSL]: { hostname: 'inc-ssl', os: DEB_OS, ports: [{ proto: 'tcp', bindIp: '0.0.0.0', port: 443, pid: 10, procName: 'nginx' }], software: [deb('libssl3', '3.0.11-1~deb12u2', 'openssl'), deb('git', '1:2.39.2-1.1')] },
  [HOST_GIT]: { hostname: 'inc-git', os: DEB_OS, software: [deb('git', '1:2.39.2-1.1'), deb('curl', '7.88.1-10+deb12u5')] },
  [HOST_ZLIB]: { hostname: 'inc-zlib', os: DEB_OS, software: [deb('zlib1g', '1:1.2.13.dfsg-1', 'zlib')] },
};

function record(id: string, pkg: string, fixed: string, modified: string, cve: string): Json {
  return {
    id,
    modified,
    summary: `${pkg} - security update`,
    aliases: [cve],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{ package: { ecosystem: 'Debian:12', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  };
}

function kev(cves: string[]): Json {
  return { title: 'CISA Catalog of Known Exploited Vulnerabilities', catalogVersion: '2026.01.01', vulnerabilities: cves.map((cveID) => ({ cveID, vulnerabilityName: cveID, dateAdded: '2026-01-01' })) };
}

function writeDir(files: Record<string, Json>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-inc-osv-'));
  for (const [name, r] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(r));
  return dir;
}

describe.each(['sqlite', 'postgres'] as const)('incremental vulnerability re-evaluation on %s', (dialect) => {
  let t: TestServer;
  const dirs: string[] = [];
  const importFiles = (files: Record<string, Json>) => {
    const dir = writeDir(files);
    dirs.push(dir);
    return t.server.services.vulns.importPath(dir);
  };
  /** Every finding row, without timestamps and ids (which a re-evaluation moves). */
  const snapshot = async () =>
    (
      await t.server.services.store.db
        .selectFrom('vul_findings')
        .select(['uuid', 'advisory_id', 'package', 'advisory_package', 'installed_version', 'fixed_version', 'ecosystem', 'status', 'necessity', 'necessity_json', 'tags', 'kernel'])
        .where('account_id', '=', t.accountId)
        .orderBy('uuid')
        .orderBy('advisory_id')
        .orderBy('package')
        .execute()
    ).map((r) => ({ ...r, status: Number(r.status), kernel: Number(r.kernel) }));
  const versions = async () => {
    const rows = await t.server.services.store.db.selectFrom('vul_host_state').select(['uuid', 'db_version']).where('account_id', '=', t.accountId).orderBy('uuid').execute();
    return Object.fromEntries(rows.map((r) => [r.uuid, Number(r.db_version)]));
  };

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    await importFiles({
      'DSA-9101-1.json': record('DSA-9101-1', 'openssl', '3.0.15-1~deb12u1', '2026-01-01T00:00:00Z', 'CVE-2026-90001'),
      'DSA-9102-1.json': record('DSA-9102-1', 'git', '1:2.39.5-0+deb12u2', '2026-01-01T00:00:00Z', KEV_CVE),
      'DSA-9103-1.json': record('DSA-9103-1', 'curl', '7.88.1-10+deb12u8', '2026-01-01T00:00:00Z', 'CVE-2026-90003'),
      'DSA-9104-1.json': record('DSA-9104-1', 'zlib', '1:1.2.13.dfsg-1+deb12u1', '2026-01-01T00:00:00Z', 'CVE-2026-90004'),
      'kev.json': kev([KEV_CVE]),
    });
    for (const [uuid, inv] of Object.entries(inventories)) await t.server.services.assets.ingestInventory(t.accountId, uuid, inv);
    // New inventories are evaluated in full.
    await t.server.services.vulns.evaluateAll(t.accountId);
  });
  afterAll(async () => {
    await t?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('evaluates new inventories in full', async () => {
    const rows = await snapshot();
    expect(rows.map((r) => `${r.uuid.slice(-1)} ${r.advisory_id} ${r.package} ${r.status}`)).toEqual([
      '1 DSA-9101-1 libssl3 1',
      '1 DSA-9102-1 git 1',
      '2 DSA-9102-1 git 1',
      '2 DSA-9103-1 curl 1',
      '3 DSA-9104-1 zlib1g 1',
    ]);
    expect(rows.find((r) => r.uuid === HOST_GIT && r.advisory_id === 'DSA-9102-1')?.tags.split(',')).toContain('exploit-exists');
  });

  it('re-matches only the hosts with a package the import names, with the findings of a full evaluation', async () => {
    const before = await versions();
    const from = before[HOST_ZLIB] ?? -1;
    // openssl: DSA-9101-1 corrected (3.0.11 no longer affected) and a new advisory; nothing else.
    const r = await importFiles({
      'DSA-9101-1.json': record('DSA-9101-1', 'openssl', '3.0.9-1', '2026-02-01T00:00:00Z', 'CVE-2026-90001'),
      'DSA-9105-1.json': record('DSA-9105-1', 'openssl', '3.0.16-1~deb12u1', '2026-02-01T00:00:00Z', 'CVE-2026-90005'),
    });
    expect(r.imported).toBe(2);
    expect(r).toMatchObject({ hosts: 3, rematched: 1, full: 0, advanced: 2 });
    expect(await versions()).toEqual({ [HOST_SSL]: from + 1, [HOST_GIT]: from + 1, [HOST_ZLIB]: from + 1 });
    const incremental = await snapshot();
    const ssl = incremental.filter((x) => x.uuid === HOST_SSL).map((x) => `${x.advisory_id} ${x.status}`);
    expect(ssl).toEqual(['DSA-9101-1 7', 'DSA-9102-1 1', 'DSA-9105-1 1']);

    // Forced full evaluation of every host: nothing changes.
    await t.server.services.vulns.evaluateAll(t.accountId);
    expect(await snapshot()).toEqual(incremental);
  });

  it('re-matches the hosts of advisories whose CVE left or joined KEV', async () => {
    // The git CVE leaves KEV, the zlib one joins: the git hosts and the zlib host, not by name alone.
    const r = await importFiles({ 'kev.json': kev(['CVE-2026-90004']) });
    expect(r.kev).toBe(1);
    expect(r).toMatchObject({ hosts: 3, rematched: 3, full: 0, advanced: 0 });
    const incremental = await snapshot();
    expect(incremental.filter((x) => x.advisory_id === 'DSA-9102-1').every((x) => !x.tags.split(',').includes('exploit-exists'))).toBe(true);
    expect(incremental.find((x) => x.advisory_id === 'DSA-9104-1')?.tags.split(',')).toContain('exploit-exists');
    await t.server.services.vulns.evaluateAll(t.accountId);
    expect(await snapshot()).toEqual(incremental);

    // Only the curl advisory changes: one host.
    const curl = await importFiles({ 'DSA-9103-1.json': record('DSA-9103-1', 'curl', '7.88.1-10+deb12u5', '2026-03-01T00:00:00Z', 'CVE-2026-90003') });
    expect(curl).toMatchObject({ hosts: 3, rematched: 1, full: 0, advanced: 2 });
    const afterCurl = await snapshot();
    expect(afterCurl.find((x) => x.advisory_id === 'DSA-9103-1')?.status).toBe(7);
    await t.server.services.vulns.evaluateAll(t.accountId);
    expect(await snapshot()).toEqual(afterCurl);
  });

  it('evaluates in full a host whose inventory changed since its last evaluation', async () => {
    // zlib host now also has curl; the import names only openssl, yet its new inventory is matched in full.
    await t.server.services.assets.ingestInventory(t.accountId, HOST_ZLIB, { ...inventories[HOST_ZLIB], software: [deb('zlib1g', '1:1.2.13.dfsg-1', 'zlib'), deb('curl', '7.88.1-10+deb12u4')] });
    const r = await importFiles({ 'DSA-9106-1.json': record('DSA-9106-1', 'openssl', '3.0.17-1~deb12u1', '2026-04-01T00:00:00Z', 'CVE-2026-90006') });
    // The zlib host is evaluated in full here, or already was by the ingest's own timer (then it is
    // current and moves forward): either way all three are up to date.
    expect(r.hosts).toBe(3);
    expect(r.rematched).toBe(1);
    const rows = await snapshot();
    expect(rows.filter((x) => x.uuid === HOST_ZLIB && x.status === 1).map((x) => x.advisory_id)).toEqual(['DSA-9103-1', 'DSA-9104-1']);
    // curl 7.88.1-10+deb12u4 is older than the corrected fix (…u5): affected.
    expect(rows.find((x) => x.uuid === HOST_ZLIB && x.advisory_id === 'DSA-9103-1')?.status).toBe(1);
    await t.server.services.vulns.evaluateAll(t.accountId);
    expect(await snapshot()).toEqual(rows);
  });
});
