import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../helpers/shared-data.js';
import { fixCommand, parseFixParams, parsePreview, runFix } from '../../src/agent/vuln-fix-feature.js';

// Through the real built entry point (run `npm run build:server` before running this file alone).
if (!existsSync('dist/cli/main.js')) throw new Error('dist/cli/main.js is missing: run `npm run build:server` first');
const run = (args: string[]) => spawnSync(process.execPath, ['bin/vigil.js', ...args], { encoding: 'utf8', timeout: 120_000 });

const record = (id: string, pkg: string, fixed: string) =>
  JSON.stringify({ id, modified: '2026-03-01T00:00:00Z', summary: `${pkg} - security update`, affected: [{ package: { ecosystem: 'Debian:12', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }] });

describe('vigil vulndb', () => {
  let home: string;
  let work: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'vigil-vulndb-home-'));
    work = mkdtempSync(join(tmpdir(), 'vigil-vulndb-in-'));
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('imports a .zip of OSV files, reporting a bad file and keeping the rest, idempotently', () => {
    const src = join(work, 'src');
    spawnSync('mkdir', ['-p', src]);
    writeFileSync(join(src, 'DSA-9101-1.json'), record('DSA-9101-1', 'curl', '7.88.1-10+deb12u9'));
    writeFileSync(join(src, 'DSA-9102-1.json'), record('DSA-9102-1', 'expat', '2.5.0-1+deb12u2'));
    writeFileSync(join(src, 'bad.json'), '{"id": 42}');
    const zip = join(work, 'all.zip');
    const z = spawnSync('zip', ['-q', '-j', zip, join(src, 'DSA-9101-1.json'), join(src, 'DSA-9102-1.json'), join(src, 'bad.json')], { encoding: 'utf8' });
    expect(z.status).toBe(0);

    const first = run(['vulndb', 'import', zip, '--home', home]);
    expect(first.stderr).not.toMatch(/Error:/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/files: 3, advisories imported: 2, unchanged: 0, KEV entries: 0, errors: 1/);
    expect(first.stdout).toMatch(/error bad\.json: /);

    const again = run(['vulndb', 'import', zip, '--home', home]);
    expect(again.stdout).toMatch(/advisories imported: 0, unchanged: 2/);
  });

  it('imports the CISA KEV list', () => {
    const r = run(['vulndb', 'import', join(sharedDataDir(), 'vuln/kev/known_exploited_vulnerabilities.json'), '--home', home]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/KEV entries: 1404/);
  });

  it('vulndb update says it needs network access when the feed cannot be reached', () => {
    // Port 1 on loopback: connection refused at once, no traffic leaves the machine.
    const r = run(['vulndb', 'update', '--home', home, '--ecosystem', 'Debian', '--base-url', 'http://127.0.0.1:1', '--timeout', '3000']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Cannot download http://127.0.0.1:1/Debian/all.zip');
    expect(r.stderr).toContain('needs network access to the OSV bulk feeds');
    expect(r.stderr).toContain('vigil vulndb import <all.zip>');
  });
});

describe('vul.fix agent task (dry run only)', () => {
  it('builds non-interactive package-manager argument arrays and refuses option-like names', () => {
    expect(fixCommand({ manager: 'apt', packages: ['libssl3'], dryRun: true })).toEqual([
      'apt-get', '-y', '-q', '-s',
      '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'DPkg::Lock::Timeout=120', '--no-install-recommends',
      'install', '--only-upgrade', '--', 'libssl3',
    ]);
    expect(fixCommand({ manager: 'dnf', packages: ['sudo'], dryRun: false })).toEqual(['dnf', '-q', '-y', 'update', '--', 'sudo']);
    expect(() => parseFixParams({ manager: 'apt', packages: ['-oAPT::Foo=1'] })).toThrow(/invalid package name/);
    expect(() => parseFixParams({ manager: 'apt', packages: ['a;rm -rf /'] })).toThrow(/invalid package name/);
    expect(() => parseFixParams({ manager: 'yum', packages: ['x'] })).toThrow(/manager/);
  });

  it('previews an upgrade of an installed package with apt-get -s on this host', async () => {
    // A package certainly installed here; -s simulates, nothing is changed.
    const r = await runFix(parseFixParams({ manager: 'apt', packages: ['coreutils'], dryRun: true }));
    expect(r.exitCode).toBe(0);
    expect(r.command).toContain('-s');
    expect(r.output).toMatch(/coreutils|upgraded|newest version/);
    // The parsed plan names only packages apt would really change (none when coreutils is current).
    expect(r.preview.changes.every((c) => r.output.includes(`Inst ${c.name}`))).toBe(true);
  });

  it('parses apt and apk previews, including removals (which a fix refuses)', () => {
    const apt = 'Reading package lists...\nInst libssl3 [3.0.11-1~deb12u2] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])\nInst newdep (1.0 Debian:12 [amd64])\nRemv oldpkg [2.0]\nConf libssl3 (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])\n';
    expect(parsePreview('apt', apt)).toEqual([
      { action: 'upgrade', name: 'libssl3', from: '3.0.11-1~deb12u2', to: '3.0.15-1~deb12u1' },
      { action: 'install', name: 'newdep', to: '1.0' },
      { action: 'remove', name: 'oldpkg', from: '2.0' },
    ]);
    const apk = '(1/2) Upgrading musl (1.2.4-r2 -> 1.2.4-r3)\n(2/2) Installing libfoo (1.0-r0)\nOK: 10 MiB in 20 packages\n';
    expect(parsePreview('apk', apk)).toEqual([
      { action: 'upgrade', name: 'musl', from: '1.2.4-r2', to: '1.2.4-r3' },
      { action: 'install', name: 'libfoo', to: '1.0-r0' },
    ]);
  });

  it('reports a failed preview with the package manager\'s message', async () => {
    await expect(runFix(parseFixParams({ manager: 'apt', packages: ['vigil-no-such-package-xyz'], dryRun: true }))).rejects.toThrow(/exited with 100/);
  });
});
