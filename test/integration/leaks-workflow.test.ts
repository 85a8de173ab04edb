import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiCall, popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A GitHub-token-shaped value built at run time (never a real token). */
function fakeGithubToken(): string {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return 'ghp_' + Array.from(randomBytes(36), (b) => alnum[b % alnum.length]).join('');
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Dev One', GIT_AUTHOR_EMAIL: 'dev1@example.test', GIT_COMMITTER_NAME: 'Dev One', GIT_COMMITTER_EMAIL: 'dev1@example.test', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() },
  }).trim();
}

interface Leak {
  Id: number;
  AccesskeyId: string;
  UserName: string;
  TokenValid: number;
  Status: string;
  Commit: string;
  Author: string;
  File: string;
  Line: number;
  Type: string;
  Provider: string;
}

describe.each(['sqlite', 'postgres'] as const)('AccessKey leak workflow on %s', (dialect) => {
  let t: TestServer;
  let work: string;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    work = mkdtempSync(join(tmpdir(), 'vigil-leaks-'));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('finds a RAM user\'s key deleted from a git repo, names the user and commit, and disables it', async () => {
    const sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    await sas.request('CreateUser', { UserName: 'dev1' }, { method: 'POST' });
    const created = (await sas.request('CreateAccessKey', { UserName: 'dev1' }, { method: 'POST' })) as { AccessKey: { AccessKeyId: string; AccessKeySecret: string } };
    const leaked = created.AccessKey;

    const repo = join(work, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'config.js'), `module.exports = {\n  region: 'cn-hangzhou',\n  accessKeyId: '${leaked.AccessKeyId}',\n  accessKeySecret: '${leaked.AccessKeySecret}',\n};\n`);
    const ghToken = fakeGithubToken();
    writeFileSync(join(repo, 'deploy.sh'), `#!/bin/sh\nexport GITHUB_TOKEN=${ghToken}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'add config');
    const leakCommit = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, 'config.js'), `module.exports = { region: 'cn-hangzhou' };\n`);
    git(repo, 'commit', '-q', '-am', 'remove the key');

    const src = (await sas.request('CreateLeakScanSource', { Kind: 'git', Location: `file://${repo}`, IntervalMinutes: 0 }, { method: 'POST' })) as { Source: { Id: string } };
    const scan = (await sas.request('StartLeakScan', { Id: src.Source.Id }, { method: 'POST' })) as { Results: Array<{ Added: number }> };
    expect(scan.Results[0]?.Added).toBeGreaterThanOrEqual(2);

    const list = (await sas.request('DescribeAccesskeyLeakList', { CurrentPage: 1, PageSize: 50 }, { method: 'POST' })) as { TotalCount: number; AkLeakCount: number; AccessKeyLeakList: Leak[] };
    const ours = list.AccessKeyLeakList.find((l) => l.AccesskeyId === leaked.AccessKeyId);
    expect(ours).toBeDefined();
    expect(ours?.UserName).toBe('dev1');
    expect(ours?.TokenValid).toBe(1);
    expect(ours?.Status).toBe('pending');
    expect(ours?.Commit).toBe(leakCommit);
    expect(ours?.Author).toContain('Dev One');
    expect(ours?.File).toBe('config.js');
    expect(ours?.Line).toBe(4);
    const gh = list.AccessKeyLeakList.find((l) => l.Provider === 'github');
    expect(gh?.File).toBe('deploy.sh');
    expect(gh?.UserName).toBe('');
    expect(list.AkLeakCount).toBe(list.TotalCount);
    expect(JSON.stringify(list)).not.toContain(leaked.AccessKeySecret);
    expect(JSON.stringify(list)).not.toContain(ghToken);

    // The detail keeps Sas's `Code` field (the redacted line): openapi-client ignores it on 2xx…
    const detail = await openapiCall(t.port, t.rootKey.id, t.rootKey.secret, 'DescribeAccessKeyLeakDetail', { Id: String(ours?.Id) });
    expect(detail.statusCode).toBe(200);
    const code = String(detail.body.Code);
    expect(code).toContain(leaked.AccessKeySecret.slice(0, 4) + '****' + leaked.AccessKeySecret.slice(-2));
    expect(code).not.toContain(leaked.AccessKeySecret);
    expect(detail.body.OwnerUserName).toBe('dev1');
    expect((detail.body.Github as Record<string, string>).User).toContain('Dev One');
    // …while pop-core throws on it, exactly as with Alibaba Cloud's own service.
    const popErr = await sas.request('DescribeAccessKeyLeakDetail', { Id: ours?.Id }, { method: 'POST' }).catch((e: { code?: string; data?: Record<string, unknown> }) => e);
    expect((popErr as { code?: string }).code).toBe(code);

    // The leaked key works (authenticates; dev1 has no policy, so RAM denies) until it is disabled.
    const leakedClient = popClient(t.url, leaked.AccessKeyId, leaked.AccessKeySecret);
    const before = await leakedClient.request('DescribeSummaryInfo', {}, { method: 'POST' }).then(() => 'ok', (e: { code?: string }) => e.code);
    expect(before === 'ok' || before === 'NoPermission' || before === 'Forbidden.RAM').toBe(true);

    const notOwn = await sas.request('ModifyAccessKeyLeakDeal', { Id: gh?.Id, Type: 'disable' }, { method: 'POST' }).catch((e: { code?: string }) => e.code);
    expect(notOwn).toBe('AccessKeyLeak.NotVigilKey');

    await sas.request('ModifyAccessKeyLeakDeal', { Id: ours?.Id, Type: 'disable', Remark: 'rotated' }, { method: 'POST' });
    const after = await leakedClient.request('DescribeSummaryInfo', {}, { method: 'POST' }).then(() => 'ok', (e: { code?: string }) => e.code);
    expect(after).toBe('InvalidAccessKeyId.Inactive');
    const keys = (await sas.request('ListAccessKeys', { UserName: 'dev1' }, { method: 'POST' })) as { AccessKeys: { AccessKey: Array<{ AccessKeyId: string; Status: string }> } };
    expect(keys.AccessKeys.AccessKey.find((k) => k.AccessKeyId === leaked.AccessKeyId)?.Status).toBe('Inactive');

    await sas.request('ModifyAccessKeyLeakDeal', { IdList: [gh?.Id], Type: 'add-whitelist' }, { method: 'POST' });
    const handled = (await sas.request('DescribeAccesskeyLeakList', { CurrentPage: 1, PageSize: 50, Status: 'deal' }, { method: 'POST' })) as { AccessKeyLeakList: Leak[] };
    const byId = new Map(handled.AccessKeyLeakList.map((l) => [l.Id, l]));
    expect(byId.get(ours?.Id ?? -1)?.Status).toBe('disabled');
    expect(byId.get(ours?.Id ?? -1)?.TokenValid).toBe(0);
    expect(byId.get(gh?.Id ?? -1)?.Status).toBe('whitelisted');

    // A second scan finds the same leaks at the same places and adds nothing.
    const again = (await sas.request('StartLeakScan', {}, { method: 'POST' })) as { Results: Array<{ Added: number; Found: number }> };
    expect(again.Results[0]?.Found).toBeGreaterThanOrEqual(2);
    expect(again.Results[0]?.Added).toBe(0);
  }, 60_000);

  it('scans a registered directory, lists and deletes sources, and refuses remote or relative locations', async () => {
    const sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const dir = join(work, 'site');
    mkdirSync(join(dir, 'conf'), { recursive: true });
    const token = fakeGithubToken();
    writeFileSync(join(dir, 'conf', 'ci.yml'), `steps:\n  - run: echo hi\nenv:\n  GH_TOKEN: ${token}\n`);
    const src = (await sas.request('CreateLeakScanSource', { Kind: 'dir', Location: dir, Name: 'site', IntervalMinutes: 60 }, { method: 'POST' })) as { Source: { Id: string; Name: string } };
    expect(src.Source.Name).toBe('site');
    await sas.request('StartLeakScan', { Id: src.Source.Id }, { method: 'POST' });
    const list = (await sas.request('DescribeAccesskeyLeakList', { CurrentPage: 1, PageSize: 50, Query: 'ci.yml' }, { method: 'POST' })) as { AccessKeyLeakList: Leak[] };
    expect(list.AccessKeyLeakList).toHaveLength(1);
    expect(list.AccessKeyLeakList[0]?.File).toBe('conf/ci.yml');
    expect(list.AccessKeyLeakList[0]?.Line).toBe(4);
    expect(list.AccessKeyLeakList[0]?.Commit).toBe('');

    const sources = (await sas.request('DescribeLeakScanSources', {}, { method: 'POST' })) as { Sources: Array<{ Id: string; LastScanStatus: string; IntervalMinutes: number }> };
    const mine = sources.Sources.find((s) => s.Id === src.Source.Id);
    expect(mine?.LastScanStatus).toBe('ok');
    expect(mine?.IntervalMinutes).toBe(60);

    for (const Location of ['https://github.com/example/repo.git', 'git@github.com:example/repo.git', 'relative/path', join(work, 'missing')]) {
      const code = await sas.request('CreateLeakScanSource', { Kind: 'git', Location }, { method: 'POST' }).catch((e: { code?: string }) => e.code);
      expect(code).toBe('InvalidParameter.Location');
    }
    const notRepo = await sas.request('CreateLeakScanSource', { Kind: 'git', Location: dir }, { method: 'POST' }).catch((e: { code?: string }) => e.code);
    expect(notRepo).toBe('InvalidParameter.Location');

    await sas.request('DeleteLeakScanSource', { Id: src.Source.Id }, { method: 'POST' });
    const left = (await sas.request('DescribeLeakScanSources', {}, { method: 'POST' })) as { Sources: Array<{ Id: string }> };
    expect(left.Sources.some((s) => s.Id === src.Source.Id)).toBe(false);
  }, 60_000);

  it('runs due scans on schedule: a source whose interval elapsed is scanned, a fresh one is not', async () => {
    const svc = t.server.services.leaks;
    const dir = join(work, 'sched');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.env'), `GITHUB_TOKEN=${fakeGithubToken()}\n`);
    const s = await svc.addSource(t.accountId, { kind: 'dir', location: dir, intervalMinutes: 5 });
    const first = await svc.scanDue(Date.now());
    expect(first.map((o) => o.sourceId)).toContain(s.Id);
    const soon = await svc.scanDue(Date.now() + 60_000);
    expect(soon.map((o) => o.sourceId)).not.toContain(s.Id);
    const later = await svc.scanDue(Date.now() + 6 * 60_000);
    expect(later.map((o) => o.sourceId)).toContain(s.Id);
  }, 60_000);
});

describe.each(['sqlite', 'postgres'] as const)('webshell report ingest on %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('stores valid findings once per file/content/rule, bounds fields and drops malformed ones', async () => {
    const svc = t.server.services.webshells;
    const sha = 'a'.repeat(64);
    const good = { path: '/var/www/x.php', sha256: sha, ruleId: 'php.code-exec-request', confidence: 'high', level: 'serious', message: 'eval of request data', evidence: [{ offset: 6, length: 20, excerpt: '@eval($_POST' }] };
    expect(await svc.ingest(t.accountId, 'agent-1', 'not an object')).toBe(0);
    expect(await svc.ingest(t.accountId, 'agent-1', { findings: 'nope' })).toBe(0);
    const stored = await svc.ingest(t.accountId, 'agent-1', {
      trigger: 'watch',
      findings: [good, { ...good, sha256: 'not-hex' }, { ...good, path: '' }, null, 7, { ...good, path: '/var/www/' + 'p'.repeat(5000) }],
    });
    expect(stored).toBe(2);
    expect(await svc.ingest(t.accountId, 'agent-1', { trigger: 'task', findings: [good] })).toBe(1);
    const list = await svc.list(t.accountId, { page: 1, pageSize: 10 });
    expect(list.total).toBe(2);
    const x = list.items.find((i) => i.FilePath === '/var/www/x.php');
    expect(x?.Trigger).toBe('watch');
    expect(x?.Evidence).toBe('@eval($_POST');
    expect(list.items.find((i) => i.FilePath !== '/var/www/x.php')?.FilePath.length).toBe(2048);
    expect((await svc.list('another-account', { page: 1, pageSize: 10 })).total).toBe(0);
  });
});
