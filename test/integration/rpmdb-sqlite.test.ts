import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOsPackages } from '../../src/host/inventory/collect-packages.js';
import { HostFs } from '../../src/host/inventory/fs-read.js';
import { parseRpmQuery, RPM_QUERY_FORMAT } from '../../src/host/inventory/parse-packages.js';
import { parseRpmHeaderBlob, RpmHeaderError } from '../../src/host/inventory/rpm-header.js';
import { readRpmdbSqlite } from '../../src/host/inventory/rpmdb-sqlite.js';
import { buildRpm, registerRpms } from '../helpers/rpm-fixtures.js';
import { rmrf, tempDir } from './agent-harness.js';

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Real packages built by Debian's rpmbuild and registered (--justdb) in a real rpmdb.sqlite. */
describe('rpmdb.sqlite read directly (header blobs parsed by Vigil)', () => {
  const dir = tempDir('vigil-rpmdb-');
  const root = join(dir, 'root');
  const dbDir = join(root, 'var/lib/rpm');
  const dbFile = join(dbDir, 'rpmdb.sqlite');

  beforeAll(() => {
    const pkgs = [
      buildRpm(dir, { name: 'vigil-fixture-a', version: '1.2.3', release: '4.el9', epoch: 2 }),
      buildRpm(dir, { name: 'vigil-fixture-b', version: '0.9', release: '1.fc39' }),
      buildRpm(dir, { name: 'vigil-fixture-c', version: '10.0.1', release: '0.rc1' }),
    ];
    registerRpms(dbDir, pkgs);
  }, 120_000);

  afterAll(() => rmrf(dir));

  it('gives exactly what `rpm -qa` gives for the same database', async () => {
    const expected = parseRpmQuery(execFileSync('rpm', ['--dbpath', dbDir, '-qa', '--qf', RPM_QUERY_FORMAT], { encoding: 'utf8' })).sort(byName);
    expect(expected.map((p) => p.name)).toEqual(['vigil-fixture-a', 'vigil-fixture-b', 'vigil-fixture-c']);
    const got = await readRpmdbSqlite(dbFile);
    expect(got?.bad).toBe(0);
    expect(got?.items.sort(byName)).toEqual(expected);
    expect(got?.items[0]).toMatchObject({ source: 'rpm', name: 'vigil-fixture-a', version: '2:1.2.3-4.el9', arch: 'noarch', sourceName: 'vigil-fixture-a', sourceVersion: '1.2.3-4.el9' });
    expect(got?.items[0]?.installTime).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it('the host collector reads it under a host root without running rpm', async () => {
    const warnings: string[] = [];
    const items = (await collectOsPackages(new HostFs(root, warnings))).filter((i) => i.source === 'rpm');
    expect(items.map((i) => i.version).sort()).toEqual(['0.9-1.fc39', '10.0.1-0.rc1', '2:1.2.3-4.el9']);
    expect(warnings).toEqual([]);
  });

  it('a corrupt header is counted and warned about, the rest still read; a non-rpm file is a warning', async () => {
    const broken = join(dir, 'broken', 'var/lib/rpm');
    mkdirSync(broken, { recursive: true });
    const brokenFile = join(broken, 'rpmdb.sqlite');
    const src = new Database(dbFile, { readonly: true });
    await src.backup(brokenFile);
    src.close();
    const w = new Database(brokenFile);
    w.prepare('UPDATE Packages SET blob = ? WHERE hnum = (SELECT min(hnum) FROM Packages)').run(Buffer.from([0, 0, 0, 9, 0, 0, 0, 4, 1, 2, 3]));
    w.close();
    const r = await readRpmdbSqlite(brokenFile);
    expect(r?.bad).toBe(1);
    expect(r?.items).toHaveLength(2);
    const warnings: string[] = [];
    await collectOsPackages(new HostFs(join(dir, 'broken'), warnings));
    expect(warnings.join('\n')).toMatch(/1 package header\(s\) could not be parsed/);

    const notRpm = join(dir, 'notrpm', 'var/lib/rpm');
    mkdirSync(notRpm, { recursive: true });
    copyFileSync('/etc/hostname', join(notRpm, 'rpmdb.sqlite'));
    const w2: string[] = [];
    expect(await collectOsPackages(new HostFs(join(dir, 'notrpm'), w2))).toEqual([]);
    expect(w2.join('\n')).toMatch(/rpmdb\.sqlite: cannot read/);
  });

  it('rejects malformed blobs with a clear error', () => {
    expect(() => parseRpmHeaderBlob(Buffer.alloc(4))).toThrow(RpmHeaderError);
    expect(() => parseRpmHeaderBlob(Buffer.from([0, 0, 0, 1, 0, 0, 0, 100]))).toThrow(/truncated/);
    expect(() => parseRpmHeaderBlob(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]))).toThrow(/implausible/);
  });
});
