import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOsPackages } from '../../src/host/inventory/collect-packages.js';
import { HostFs } from '../../src/host/inventory/fs-read.js';
import type { SoftwareItem } from '../../src/host/inventory/inventory-types.js';
import { parseRpmQuery, RPM_QUERY_FORMAT } from '../../src/host/inventory/parse-packages.js';
import { BdbError, readRpmdbBdb } from '../../src/host/inventory/rpmdb-bdb.js';
import { NdbError, readRpmdbNdb } from '../../src/host/inventory/rpmdb-ndb.js';
import { readRpmdbSqlite } from '../../src/host/inventory/rpmdb-sqlite.js';
import { bdbStat, buildRpm, buildRpmFamily, loadBdbPackages, queryAll, registerRpms, sqlitePackageBlobs, type BdbLayout } from '../helpers/rpm-fixtures.js';
import { REPO, rmrf, tempDir } from './agent-harness.js';

const key = (i: SoftwareItem) => JSON.stringify(i);
const sorted = (items: SoftwareItem[]) => items.map(key).sort();

const LAYOUTS: BdbLayout[] = [
  { pageSize: 4096, bigEndian: false },
  { pageSize: 512, bigEndian: false },
  { pageSize: 512, bigEndian: true },
  { pageSize: 1024, bigEndian: true },
  { pageSize: 65536, bigEndian: false },
];
const layoutName = (l: BdbLayout) => `${l.pageSize}-${l.bigEndian ? 'be' : 'le'}`;

/** Copies one database file into a fresh host root at `rel` (e.g. var/lib/rpm/Packages). */
function rootWith(base: string, name: string, files: Record<string, string>): string {
  const root = join(base, name);
  for (const [rel, src] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    copyFileSync(src, join(root, rel));
  }
  return root;
}

function timed<T>(fn: () => T): { value?: T; error?: unknown; ms: number } {
  const t = performance.now();
  try {
    return { value: fn(), ms: performance.now() - t };
  } catch (error) {
    return { error, ms: performance.now() - t };
  }
}

/**
 * BerkeleyDB `Packages` files written by Berkeley DB's own db5.3_load from the header blobs Debian's
 * rpm stored in an rpmdb.sqlite, and read back by Debian's rpm (bdb_ro backend) and by Vigil.
 */
describe('BerkeleyDB Packages read directly', () => {
  const dir = tempDir('vigil-rpmdb-bdb-');
  const sqliteDir = join(dir, 'sqlite/var/lib/rpm');
  const bdbFiles = new Map<string, string>();
  let expected: SoftwareItem[] = [];

  beforeAll(() => {
    const pkgs = [
      buildRpm(dir, { name: 'vigil-bdb-a', version: '1.2.3', release: '4.el8', epoch: 2 }),
      buildRpm(dir, { name: 'vigil-bdb-b', version: '0.9', release: '1.amzn2' }),
      buildRpm(dir, { name: 'vigil-bdb-zero', version: '7', release: '1', epoch: 0 }),
      // ~1500 files: a header of hundreds of KB, off-page at every page size.
      buildRpm(dir, { name: 'vigil-bdb-big', version: '4.18.0', release: '513.el8', files: 1500 }),
      ...buildRpmFamily(dir, 'vigil-bdb-member', 200, '2.0', '3.el7'),
    ];
    registerRpms(sqliteDir, pkgs);
    expected = parseRpmQuery(queryAll(sqliteDir, RPM_QUERY_FORMAT));
    const blobs = sqlitePackageBlobs(join(sqliteDir, 'rpmdb.sqlite'));
    for (const l of LAYOUTS) {
      const d = join(dir, layoutName(l));
      mkdirSync(d, { recursive: true });
      loadBdbPackages(join(d, 'Packages'), blobs, l);
      bdbFiles.set(layoutName(l), join(d, 'Packages'));
    }
  }, 180_000);

  afterAll(() => rmrf(dir));

  it('the fixture is what it claims: 204 packages, one header needing many overflow pages', () => {
    expect(expected).toHaveLength(204);
    expect(sqlitePackageBlobs(join(sqliteDir, 'rpmdb.sqlite')).some((r) => r.blob.length > 100_000)).toBe(true);
  });

  for (const l of LAYOUTS) {
    it(`page size ${l.pageSize}, ${l.bigEndian ? 'big' : 'little'}-endian: Berkeley DB and rpm agree it is a valid Packages; Vigil reads exactly what rpm -qa gives`, () => {
      const file = bdbFiles.get(layoutName(l)) as string;
      const st = bdbStat(file);
      expect(st.get('Underlying database page size')).toBe(String(l.pageSize));
      expect(st.get('Byte order')).toBe(l.bigEndian ? 'Big-endian' : 'Little-endian');
      expect(st.get('Number of keys in the database')).toBe('205'); // 204 packages + rpm's key-0 counter
      expect(Number(st.get('Number of overflow pages'))).toBeGreaterThan(0);
      // Small pages: many buckets (split points, spares); with these 205 keys, 512-byte little-endian
      // pages also chain buckets over several pages (the key hash decides; it is deterministic).
      if (l.pageSize <= 1024) expect(Number(st.get('Number of hash buckets'))).toBeGreaterThan(4);
      if (l.pageSize === 512 && !l.bigEndian) expect(Number(st.get('Number of bucket overflow pages'))).toBeGreaterThan(0);

      // rpm itself (read-only BerkeleyDB backend) reads the file: the same packages as from sqlite.
      const byRpm = parseRpmQuery(queryAll(join(file, '..'), RPM_QUERY_FORMAT, { backend: 'bdb_ro' }));
      expect(sorted(byRpm)).toEqual(sorted(expected));

      const got = readRpmdbBdb(file);
      expect(got.bad).toBe(0);
      expect(got.problems).toEqual([]);
      expect(sorted(got.items)).toEqual(sorted(expected));
    });
  }

  it('packages come in instance order (as from sqlite), epochs and sources as rpm reports them', async () => {
    const got = readRpmdbBdb(bdbFiles.get('1024-be') as string);
    const fromSqlite = await readRpmdbSqlite(join(sqliteDir, 'rpmdb.sqlite'));
    expect(got.items).toEqual(fromSqlite?.items);
    const byName = new Map(got.items.map((i) => [i.name, i]));
    expect(byName.get('vigil-bdb-a')).toMatchObject({ source: 'rpm', version: '2:1.2.3-4.el8', arch: 'noarch', sourceName: 'vigil-bdb-a', sourceVersion: '1.2.3-4.el8' });
    expect(byName.get('vigil-bdb-zero')?.version).toBe('0:7-1');
  });

  it('the host collector reads Packages under a root without rpm; sqlite wins when both exist', async () => {
    const warnings: string[] = [];
    const root = rootWith(dir, 'host-bdb', { 'var/lib/rpm/Packages': bdbFiles.get('512-le') as string });
    expect(sorted(await collectOsPackages(new HostFs(root, warnings)))).toEqual(sorted(expected));
    expect(warnings).toEqual([]);

    const both = rootWith(dir, 'host-both', { 'var/lib/rpm/Packages': bdbFiles.get('4096-le') as string, 'var/lib/rpm/rpmdb.sqlite': join(sqliteDir, 'rpmdb.sqlite') });
    truncateSync(join(both, 'var/lib/rpm/Packages'), 4096); // would fail if it were read
    const w2: string[] = [];
    expect(sorted(await collectOsPackages(new HostFs(both, w2)))).toEqual(sorted(expected));
    expect(w2).toEqual([]);

    const sysimage = rootWith(dir, 'host-sysimage', { 'usr/lib/sysimage/rpm/Packages': bdbFiles.get('65536-le') as string });
    expect(await collectOsPackages(new HostFs(sysimage, []))).toHaveLength(204);
  });

  it('an unreadable rpmdb.sqlite is a warning and the BerkeleyDB Packages beside it is read', async () => {
    const root = rootWith(dir, 'host-badsqlite', { 'var/lib/rpm/Packages': bdbFiles.get('4096-le') as string, 'var/lib/rpm/rpmdb.sqlite': '/etc/hostname' });
    const warnings: string[] = [];
    expect(sorted(await collectOsPackages(new HostFs(root, warnings)))).toEqual(sorted(expected));
    expect(warnings.join('\n')).toMatch(/rpmdb\.sqlite: cannot read/);
  });

  it('truncated, foreign and looping files give a clear error at once', async () => {
    const src = bdbFiles.get('512-le') as string;
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    const size = statSync(src).size;

    const cut = join(bad, 'cut');
    writeFileSync(cut, readFileSync(src).subarray(0, Math.floor(size / 2)));
    expect(() => readRpmdbBdb(cut)).toThrow(/truncated: metadata names page \d+, the file holds \d+ page/);

    const foreign = join(bad, 'foreign');
    writeFileSync(foreign, Buffer.alloc(8192, 0x41));
    expect(() => readRpmdbBdb(foreign)).toThrow(/not a Berkeley DB hash database/);
    expect(() => readRpmdbBdb(join(sqliteDir, 'rpmdb.sqlite'))).toThrow(BdbError);

    // Page 1 (bucket 0) chained to itself: a loop, reported instead of followed.
    const loop = join(bad, 'loop');
    const b = Buffer.from(readFileSync(src));
    b.writeUInt32LE(1, 512 + 16);
    writeFileSync(loop, b);
    const r = timed(() => readRpmdbBdb(loop));
    expect(String(r.error)).toMatch(/page 1 reached twice \(page loop\)/);
    expect(r.ms).toBeLessThan(2000);

    // The first overflow page chained to itself: that package is lost and reported, the rest read.
    const ovLoop = join(bad, 'ovloop');
    const o = Buffer.from(readFileSync(src));
    let first = 0;
    for (let p = 1; p * 512 < o.length; p++) {
      if (o[p * 512 + 25] === 7 && o.readUInt32LE(p * 512 + 16) !== 0) {
        first = p;
        break;
      }
    }
    expect(first).toBeGreaterThan(0);
    o.writeUInt32LE(first, first * 512 + 16);
    writeFileSync(ovLoop, o);
    const r2 = timed(() => readRpmdbBdb(ovLoop));
    expect(r2.value?.bad).toBe(1);
    expect(r2.value?.items).toHaveLength(203);
    expect(r2.value?.problems.join()).toMatch(/reached twice|ends after|implausible length/);
    expect(r2.ms).toBeLessThan(2000);

    const w: string[] = [];
    const root = rootWith(dir, 'host-cut', { 'var/lib/rpm/Packages': cut });
    expect(await collectOsPackages(new HostFs(root, w))).toEqual([]);
    expect(w.join('\n')).toMatch(/Packages: cannot read \(truncated/);
  });
});

/**
 * Real BerkeleyDB Packages files from CentOS 5, 6, 7 and 8 images, as Debian ships them in the test
 * data of golang-github-knqyf263-go-rpmdb-dev (scripts/debian-packages.txt): written by those
 * systems' own rpm and libdb, with their deletions, free pages and splits.
 */
describe('BerkeleyDB Packages of real CentOS 5–8 systems', () => {
  const testdata = '/usr/share/gocode/src/github.com/knqyf263/go-rpmdb/pkg/testdata';
  const dir = tempDir('vigil-rpmdb-centos-');
  afterAll(() => rmrf(dir));

  for (const [image, count] of [
    ['centos5-plain', 110],
    ['centos6-plain', 129],
    ['centos7-many', 396],
    ['centos8-modularitylabel', 518],
  ] as const) {
    it(`${image}: exactly what rpm -qa (bdb_ro) gives`, () => {
      const dbDir = join(dir, image);
      mkdirSync(dbDir, { recursive: true });
      copyFileSync(join(testdata, image, 'Packages'), join(dbDir, 'Packages'));
      const byRpm = parseRpmQuery(queryAll(dbDir, RPM_QUERY_FORMAT, { backend: 'bdb_ro' }));
      expect(byRpm).toHaveLength(count);
      const r = timed(() => readRpmdbBdb(join(dbDir, 'Packages')));
      expect(r.value?.bad).toBe(0);
      expect(sorted(r.value?.items ?? [])).toEqual(sorted(byRpm));
      expect(r.ms).toBeLessThan(5000);
    });
  }
});

/**
 * ndb: Debian's rpm 4.18 is built without the ndb backend, so the database was made once by rpm 4.18
 * built from Debian's source with --enable-ndb (test/fixtures/rpmdb-ndb/README.md); rpm-qa.txt is
 * that rpm's `rpm -qa --qf RPM_QUERY_FORMAT` on the same file.
 */
describe('ndb Packages.db read directly', () => {
  const dir = tempDir('vigil-rpmdb-ndb-');
  const fixtures = join(REPO, 'test/fixtures/rpmdb-ndb');
  const db = join(dir, 'Packages.db');
  let expected: SoftwareItem[] = [];

  beforeAll(() => {
    writeFileSync(db, gunzipSync(readFileSync(join(fixtures, 'Packages.db.gz'))));
    expected = parseRpmQuery(readFileSync(join(fixtures, 'rpm-qa.txt'), 'utf8'));
  });

  afterAll(() => rmrf(dir));

  it('gives exactly what rpm -qa gave for the same database', () => {
    expect(expected).toHaveLength(292);
    const got = readRpmdbNdb(db);
    expect(got.bad).toBe(0);
    expect(sorted(got.items)).toEqual(sorted(expected));
    const byName = new Map(got.items.map((i) => [i.name, i]));
    expect(byName.get('vigil-ndb-big')).toMatchObject({ version: '2:3.1-7.suse', arch: 'noarch', sourceName: 'vigil-ndb-big', sourceVersion: '3.1-7.suse' });
    expect(byName.get('vigil-ndb-late')?.version).toBe('0:5-1');
    expect(byName.has('vigil-ndb-member-15')).toBe(false); // erased
  });

  it('the host collector reads Packages.db under /usr/lib/sysimage/rpm (SUSE)', async () => {
    const warnings: string[] = [];
    const root = rootWith(dir, 'suse', { 'usr/lib/sysimage/rpm/Packages.db': db });
    expect(sorted(await collectOsPackages(new HostFs(root, warnings)))).toEqual(sorted(expected));
    expect(warnings).toEqual([]);
  });

  it('a truncated file loses only the packages past the cut, with a warning', async () => {
    const cut = join(dir, 'cut.db');
    const bytes = readFileSync(db);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = readRpmdbNdb(cut);
    expect(r.bad).toBeGreaterThan(0);
    expect(r.items.length + r.bad).toBe(292);
    expect(r.problems[0]).toMatch(/runs past the end of the file \(truncated\)/);

    const w: string[] = [];
    await collectOsPackages(new HostFs(rootWith(dir, 'suse-cut', { 'var/lib/rpm/Packages.db': cut }), w));
    expect(w.join('\n')).toMatch(/Packages\.db: \d+ package header\(s\) could not be parsed \(package \d+ \(slot \d+\): blob runs past/);
  });

  it('a flipped byte in a blob is caught by its checksum; a foreign or tiny file is an error', () => {
    const bytes = Buffer.from(readFileSync(db));
    let slot = 32; // slots start after the 32-byte header; take the first one in use
    while (bytes.readUInt32LE(slot + 8) === 0) slot += 16;
    const blkOff = bytes.readUInt32LE(slot + 8);
    bytes.writeUInt8((bytes[blkOff * 16 + 40] as number) ^ 0xff, blkOff * 16 + 40);
    const flipped = join(dir, 'flipped.db');
    writeFileSync(flipped, bytes);
    const r = readRpmdbNdb(flipped);
    expect(r.bad).toBe(1);
    expect(r.problems[0]).toMatch(/checksum mismatch/);

    const small = join(dir, 'small.db');
    writeFileSync(small, readFileSync(db).subarray(0, 100));
    expect(() => readRpmdbNdb(small)).toThrow(/shorter than one ndb slot page/);
    expect(() => readRpmdbNdb(bdbLike(dir))).toThrow(NdbError);
  });
});

function bdbLike(dir: string): string {
  const f = join(dir, 'foreign.db');
  writeFileSync(f, Buffer.alloc(8192, 0x41));
  return f;
}
