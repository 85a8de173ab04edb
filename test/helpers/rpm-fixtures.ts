import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Real rpm packages and databases for tests, made by Debian's rpmbuild and rpm (no hand-made
 * headers): fixture packages are built from generated spec files and registered with
 * `rpm -i --justdb` into a database under `dbDir`.
 */

export interface FixturePackage {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  /** Ship this many files (a long file list makes a header of hundreds of KB). */
  files?: number;
}

function rpmbuild(top: string, specName: string, spec: string[]): string[] {
  for (const d of ['SPECS', 'BUILD', 'RPMS', 'SRPMS', 'SOURCES', 'BUILDROOT']) mkdirSync(join(top, d), { recursive: true });
  const specFile = join(top, 'SPECS', `${specName}.spec`);
  writeFileSync(specFile, spec.join('\n'));
  execFileSync('rpmbuild', ['--quiet', '--define', `_topdir ${top}`, '-bb', specFile], { stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  const out = join(top, 'RPMS', 'noarch');
  return readdirSync(out)
    .sort()
    .map((f) => join(out, f));
}

function header(p: FixturePackage): string[] {
  return [`Name: ${p.name}`, `Version: ${p.version}`, `Release: ${p.release}`, ...(p.epoch !== undefined ? [`Epoch: ${p.epoch}`] : []), 'Summary: Vigil fixture', 'License: MIT', 'BuildArch: noarch'];
}

function filesSections(dir: string, n: number): { install: string[]; files: string[] } {
  if (n <= 0) return { install: [], files: [] };
  return {
    install: ['%install', `mkdir -p %{buildroot}/usr/share/${dir}`, `for i in $(seq 1 ${n}); do echo "$i" > %{buildroot}/usr/share/${dir}/fixture-file-number-$i.txt; done`],
    files: [`/usr/share/${dir}`],
  };
}

/** Builds one noarch package; returns the path of the .rpm. */
export function buildRpm(dir: string, p: FixturePackage): string {
  const f = filesSections(p.name, p.files ?? 0);
  const built = rpmbuild(join(dir, `top-${p.name}`), p.name, [...header(p), '%description', 'Fixture.', ...f.install, '%files', ...f.files, '']);
  return built[0] as string;
}

/**
 * Builds `count` small packages `${base}-1 … ${base}-count` in one rpmbuild run (subpackages of one
 * spec; the main package itself has no %files and is not built). Fast enough for hundreds.
 */
export function buildRpmFamily(dir: string, base: string, count: number, version = '1.0', release = '1'): string[] {
  const spec = [...header({ name: base, version, release }), '%description', 'Fixture family.'];
  for (let i = 1; i <= count; i++) spec.push(`%package -n ${base}-${i}`, `Summary: Vigil fixture ${i}`, `%description -n ${base}-${i}`, `Member ${i}.`, `%files -n ${base}-${i}`);
  spec.push('');
  return rpmbuild(join(dir, `top-${base}`), base, spec);
}

export interface RpmTool {
  /** The rpm binary (Debian's by default; an ndb-capable build for fixtures). */
  bin?: string;
  /** `_db_backend` to create (sqlite by default). */
  backend?: string;
}

function rpmArgs(dbDir: string, tool: RpmTool): string[] {
  return ['--dbpath', dbDir, ...(tool.backend ? ['--define', `_db_backend ${tool.backend}`] : [])];
}

/** Creates an empty database in `dbDir` and registers the packages without installing their files. */
export function registerRpms(dbDir: string, rpms: string[], tool: RpmTool = {}): void {
  mkdirSync(dbDir, { recursive: true });
  execFileSync(tool.bin ?? 'rpm', [...rpmArgs(dbDir, tool), '--initdb'], { stdio: 'pipe' });
  // In batches: one rpm run per few hundred packages keeps the command line short.
  for (let i = 0; i < rpms.length; i += 200) {
    execFileSync(tool.bin ?? 'rpm', [...rpmArgs(dbDir, tool), '-i', '--justdb', '--nodeps', '--ignorearch', '--ignoreos', ...rpms.slice(i, i + 200)], { stdio: 'pipe' });
  }
}

/** Removes packages (by name) from the database only, leaving holes and free slots as rpm does. */
export function eraseRpms(dbDir: string, names: string[], tool: RpmTool = {}): void {
  execFileSync(tool.bin ?? 'rpm', [...rpmArgs(dbDir, tool), '-e', '--justdb', '--nodeps', ...names], { stdio: 'pipe' });
}

/** `rpm -qa --qf FORMAT` on the database in `dbDir`. */
export function queryAll(dbDir: string, format: string, tool: RpmTool = {}): string {
  return execFileSync(tool.bin ?? 'rpm', [...rpmArgs(dbDir, tool), '-qa', '--qf', format], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** The (instance number, header blob) pairs of an rpmdb.sqlite, as rpm stored them. */
export function sqlitePackageBlobs(dbFile: string): { hnum: number; blob: Buffer }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all() as { hnum: number; blob: Buffer }[];
  } finally {
    db.close();
  }
}

export interface BdbLayout {
  pageSize: number;
  bigEndian: boolean;
}

/**
 * Writes a BerkeleyDB hash `Packages` file the way rpm ≤ 4.15 kept it — key = 4-byte instance
 * number in the writer's byte order, value = header blob, plus rpm's key-0 record holding the last
 * instance number — using Berkeley DB's own db_load (rpm 4.18 can read but not write this format).
 */
export function loadBdbPackages(file: string, records: { hnum: number; blob: Buffer }[], layout: BdbLayout): void {
  const key = (n: number) => {
    const b = Buffer.alloc(4);
    if (layout.bigEndian) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b.toString('hex');
  };
  const last = records.reduce((m, r) => Math.max(m, r.hnum), 0);
  const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', 'HEADER=END', ` ${key(0)}`, ` ${key(last)}`];
  for (const r of records) lines.push(` ${key(r.hnum)}`, ` ${r.blob.toString('hex')}`);
  lines.push('DATA=END', '');
  const dump = `${file}.dump`;
  writeFileSync(dump, lines.join('\n'));
  execFileSync('db5.3_load', ['-t', 'hash', '-c', `db_pagesize=${layout.pageSize}`, '-c', `db_lorder=${layout.bigEndian ? 4321 : 1234}`, '-f', dump, file], { stdio: 'pipe' });
  rmSync(dump);
}

/** `db5.3_stat -d`: Berkeley DB's own view of a database file (page size, byte order, big pages…). */
export function bdbStat(file: string): Map<string, string> {
  const out = execFileSync('db5.3_stat', ['-d', file], { encoding: 'utf8' });
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [value, label] = line.split('\t');
    if (value !== undefined && label) m.set(label.trim(), value.trim());
  }
  return m;
}
