import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';

// The fix flow end to end on THIS Debian host with real packages (issue 4's key proof):
// dummy packages built with dpkg-deb, version 1.0 installed with dpkg -i, a local apt repository
// (dpkg-scanpackages) holding 1.1, an OSV advisory saying "fixed in 1.1", and vul_fix through the
// Sas API on `vigil server --local-agent`. apt sees the repository through APT_CONFIG (its own
// sources.list.d, lists and cache dirs in a temp dir), so the machine's apt state is never touched
// and nothing is left behind if the test dies; dpkg's database is the real one.

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, env: { ...process.env, LC_ALL: 'C', ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' }).stdout.trim();

const rand = randomBytes(4).toString('hex');
const PKG = `vigil-dummy-${rand}`;
/** Advisory for a package whose fixed version is in no repository: vul_fix must fail with a message. */
const PKG_NOFIX = `vigil-dummy-${rand}-nofix`;
const ADV = `DSA-VIGIL-${rand}`;
const ADV_NOFIX = `DSA-VIGIL-${rand}-N`;

let work: string;
let aptConf: string;
let srv: LocalAgentServer | undefined;
let sas: ReturnType<typeof popClient>;

function buildDeb(name: string, version: string): string {
  const root = join(work, `${name}_${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share', name), { recursive: true });
  writeFileSync(join(root, 'DEBIAN/control'), `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: Vigil tests <tests@vigil.invalid>\nSection: misc\nPriority: optional\nDescription: Vigil test package (safe to purge)\n`);
  writeFileSync(join(root, 'usr/share', name, 'VERSION'), `${version}\n`);
  const deb = join(work, `${name}_${version}_all.deb`);
  run('dpkg-deb', ['--root-owner-group', '--build', root, deb]);
  return deb;
}

const osv = (id: string, pkg: string) =>
  JSON.stringify({ id, modified: '2026-03-01T00:00:00Z', summary: `${pkg} - security update (TEST)`, aliases: ['CVE-2099-0001'], affected: [{ package: { ecosystem: 'Debian:12', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1' }] }] }] });

type VulRec = { Name: string; Uuid: string; Status: number; ResultCode: string; ResultMessage: string; RepairTs: number; ExtendContentJson: { RpmEntityList: Array<{ Name: string; Version: string; UpdateCmd: string }> } };
const call = async <T>(action: string, params: Record<string, unknown>) => (await sas.request(action, params, { method: 'POST' })) as T;
const vul = async (name: string) => (await call<{ VulRecords: VulRec[] }>('DescribeVulList', { Type: 'cve', Name: name })).VulRecords[0];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigil-vulfix-'));
  const deb10 = buildDeb(PKG, '1.0');
  const deb11 = buildDeb(PKG, '1.1');
  const nofix10 = buildDeb(PKG_NOFIX, '1.0');
  run('dpkg', ['-i', deb10, nofix10]);

  const repo = join(work, 'repo');
  mkdirSync(repo);
  copyFileSync(deb11, join(repo, `${PKG}_1.1_all.deb`));
  writeFileSync(join(repo, 'Packages'), spawnSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: repo, encoding: 'utf8' }).stdout);

  const apt = join(work, 'apt');
  for (const d of ['sources.list.d', 'lists/partial', 'cache/archives/partial']) mkdirSync(join(apt, d), { recursive: true });
  writeFileSync(join(apt, 'sources.list'), '');
  writeFileSync(join(apt, 'sources.list.d', 'vigil-test.list'), `deb [trusted=yes] file:${repo} ./\n`);
  aptConf = join(apt, 'apt.conf');
  writeFileSync(
    aptConf,
    [`Dir::Etc::sourcelist "${apt}/sources.list";`, `Dir::Etc::sourceparts "${apt}/sources.list.d";`, `Dir::State::lists "${apt}/lists";`, `Dir::Cache "${apt}/cache";`].join('\n') + '\n',
  );
  run('apt-get', ['-q', 'update'], { APT_CONFIG: aptConf });

  const advisories = join(work, 'osv');
  mkdirSync(advisories);
  writeFileSync(join(advisories, `${ADV}.json`), osv(ADV, PKG));
  writeFileSync(join(advisories, `${ADV_NOFIX}.json`), osv(ADV_NOFIX, PKG_NOFIX));

  srv = await startLocalAgentServer({ APT_CONFIG: aptConf });
  const out = run(process.execPath, ['bin/vigil.js', 'vulndb', 'import', advisories, '--home', srv.home]);
  expect(out).toMatch(/advisories imported: 2/);
  const key = srv.createKey();
  sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
}, 240_000);

afterAll(async () => {
  await srv?.stop();
  spawnSync('dpkg', ['--purge', PKG, PKG_NOFIX], { encoding: 'utf8' });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('vul_fix on this Debian host', () => {
  it('finds the installed 1.0 as vulnerable, previews the upgrade, fixes it to 1.1 (status 7) and verifies', async () => {
    expect(installed(PKG)).toBe('1.0');
    const rec = await until('finding for the dummy package', async () => vul(ADV), 120_000);
    expect(rec.Status).toBe(1);
    expect(rec.ExtendContentJson.RpmEntityList[0]).toMatchObject({ Name: PKG, Version: '1.0', UpdateCmd: `apt-get install --only-upgrade ${PKG}` });
    const info = JSON.stringify([{ name: ADV, uuid: rec.Uuid }]);

    // The agent's own dry run: apt-get -s, nothing changes.
    const pre = await call<{ Previews: Array<{ Command: string; Changes: Array<{ Action: string; Name: string; From: string; To: string }>; ExtraPackages: string[]; Error: string }> }>('ModifyOperateVul', { Type: 'cve', OperateType: 'vul_fix_preview', Info: info });
    expect(pre.Previews[0]?.Error).toBe('');
    expect(pre.Previews[0]?.Command).toMatch(/^apt-get -y -q -s .*install --only-upgrade -- vigil-dummy-/);
    expect(pre.Previews[0]?.Changes).toEqual([{ Action: 'upgrade', Name: PKG, From: '1.0', To: '1.1' }]);
    expect(pre.Previews[0]?.ExtraPackages).toEqual([]);
    expect(installed(PKG)).toBe('1.0');

    await call('ModifyOperateVul', { Type: 'cve', OperateType: 'vul_fix', Info: info });
    const fixed = await until('status 7 (fixed)', async () => {
      const r = await vul(ADV);
      return r && r.Status === 7 ? r : undefined;
    }, 180_000);
    expect(installed(PKG)).toBe('1.1');
    expect(fixed.RepairTs).toBeGreaterThan(0);
    expect(fixed.ResultMessage).toContain(`upgrade ${PKG} 1.0 -> 1.1`);
    expect(fixed.ResultMessage).toMatch(/^apt-get -y -q -o Dpkg::Options::=--force-confdef .*--no-install-recommends install --only-upgrade -- /);

    await call('ModifyOperateVul', { Type: 'cve', OperateType: 'vul_verify', Info: info });
    expect((await vul(ADV))?.Status).toBe(7);
    const open = await call<{ TotalCount: number }>('DescribeVulList', { Type: 'cve', Name: ADV, Dealed: 'n' });
    expect(open.TotalCount).toBe(0);
  }, 400_000);

  it('fails the fix with the reason when no repository has the fixed version (status 2)', async () => {
    const rec = await until('finding for the package without a fix', async () => vul(ADV_NOFIX), 120_000);
    await call('ModifyOperateVul', { Type: 'cve', OperateType: 'vul_fix', Info: JSON.stringify([{ name: ADV_NOFIX, uuid: rec.Uuid }]) });
    const failed = await until('status 2 (fix failed)', async () => {
      const r = await vul(ADV_NOFIX);
      return r && r.Status === 2 ? r : undefined;
    }, 120_000);
    expect(failed.ResultCode).toBe('FixFailed');
    expect(failed.ResultMessage).toContain(`no newer version of ${PKG_NOFIX} is available`);
    expect(installed(PKG_NOFIX)).toBe('1.0');
  }, 200_000);
});
