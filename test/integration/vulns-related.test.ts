import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HostFs } from '../../src/host/inventory/fs-read.js';
import { collectHostInventory } from '../../src/host/inventory/index.js';
import { collectPackageProcesses, DEFAULT_PACKAGE_PROCESS_BOUNDS } from '../../src/host/inventory/collect-package-processes.js';

// Related processes on THIS Debian machine: this test's own node process maps libc.so.6, which
// dpkg lists under libc6 (source glibc). An advisory for glibc must name this pid.
const UUID = 'f0f0f0f0-0000-4000-8000-0000000000aa';
const libc = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'libc6'], { encoding: 'utf8' }).stdout.trim();

describe('related processes on this host', () => {
  it('maps this node process to libc6 through /proc/<pid>/maps and the dpkg file lists', async () => {
    const warnings: string[] = [];
    const related = await collectPackageProcesses(new HostFs('/', warnings), [process.pid], { procRoot: '/proc', ...DEFAULT_PACKAGE_PROCESS_BOUNDS });
    expect(related.get('libc6')).toEqual([process.pid]);
    // A package whose files this process does not map.
    expect(related.get('coreutils')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  describe('joined server-side into DescribeVulList', () => {
    let t: TestServer;
    let dir: string;
    beforeAll(async () => {
      expect(libc).not.toBe('');
      t = await startTestServer({ dialect: 'sqlite' });
      dir = mkdtempSync(join(tmpdir(), 'vigil-related-'));
      // The installed glibc is vulnerable to a TEST advisory fixed in a later version.
      writeFileSync(
        join(dir, 'DSA-9401-1.json'),
        JSON.stringify({ id: 'DSA-9401-1', modified: '2026-02-01T00:00:00Z', summary: 'glibc - security update (TEST)', affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${libc}+vigil1` }] }] }] }),
      );
      const inv = await collectHostInventory({ hashBudgetBytes: 0 });
      await t.server.services.assets.ingestInventory(t.accountId, UUID, inv);
      await t.server.services.vulns.importPath(dir);
    }, 180_000);
    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('lists this process (pid, name, path) under the libc6 finding', async () => {
      const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
      const r = (await c.request('DescribeVulList', { Type: 'cve', Name: 'DSA-9401-1' }, { method: 'POST' })) as {
        VulRecords: Array<{ RelatedProcesses: Array<{ Package: string; Pid: number; Name: string; Path: string }>; ExtendContentJson: { RpmEntityList: Array<{ Name: string; Pid: string }> } }>;
      };
      const rec = r.VulRecords[0];
      const procs = rec?.RelatedProcesses ?? [];
      expect(procs.length).toBeGreaterThan(0);
      // The list is bounded (256 pids a package); this process is in it unless the host runs more.
      if (procs.length < 256) expect(procs.find((p) => p.Pid === process.pid)).toMatchObject({ Package: 'libc6', Name: expect.stringMatching(/node|vitest/), Path: process.execPath });
      // Every process listed under libc6 that still runs really maps libc.so.6; the others belong
      // to another binary package of the glibc source (libc-bin…) that the advisory also hits.
      const affected = new Set(rec?.ExtendContentJson.RpmEntityList.map((e) => e.Name));
      for (const p of procs) {
        expect(affected.has(p.Package)).toBe(true);
        if (p.Package !== 'libc6') continue;
        let maps = '';
        try {
          maps = readFileSync(`/proc/${p.Pid}/maps`, 'utf8');
        } catch {
          continue; // Exited since the inventory.
        }
        expect(maps).toContain('libc.so.6');
      }
      const entity = rec?.ExtendContentJson.RpmEntityList.find((e) => e.Name === 'libc6');
      expect(entity?.Pid.split(',').map(Number)).toEqual(procs.filter((p) => p.Package === 'libc6').map((p) => p.Pid));
    });
  });
});
