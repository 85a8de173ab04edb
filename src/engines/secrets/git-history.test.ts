import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanGitHistory } from './git-history.js';
import { sha256Hex } from './text-utils.js';

const repo = mkdtempSync(join(tmpdir(), 'vigil-git-'));
const git = (...args: string[]): string =>
  execFileSync('git', ['-C', repo, '-c', 'user.name=Test Dev', '-c', 'user.email=dev@example.test', ...args], { encoding: 'utf8' }).trim();
// A fake but well-formed key (never a real credential).
const KEY_ID = 'LTAI5tQ8mZ3rKp7WvX2nB4cD';
const SECRET = 'Zk8pQ2mV7xR4tL9nW3bC6yH1jF5sDa';
let firstCommit = '';

beforeAll(() => {
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  writeFileSync(join(repo, 'config.ini'), `[aliyun]\nregion = cn-hangzhou\naccess_key_id = ${KEY_ID}\naccess_key_secret = ${SECRET}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'add config');
  firstCommit = git('rev-parse', 'HEAD');
  unlinkSync(join(repo, 'config.ini'));
  writeFileSync(join(repo, 'README.md'), '# demo\nno secrets here\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'remove config');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('scanGitHistory', () => {
  it('finds a key that was committed and later deleted, with the commit that added it', async () => {
    const res = await scanGitHistory(repo, { timeoutMs: 30_000 });
    expect(res.commits).toBe(3);
    expect(res.truncated).toBe(false);
    const id = res.findings.find((f) => f.ruleId === 'alibaba-access-key-id');
    const secret = res.findings.find((f) => f.ruleId === 'alibaba-access-key-secret');
    expect(id).toMatchObject({ commit: firstCommit, file: 'config.ini', line: 3, author: 'Test Dev <dev@example.test>', paired: true, keyId: KEY_ID });
    expect(secret).toMatchObject({ commit: firstCommit, file: 'config.ini', line: 4, secretHash: sha256Hex(SECRET) });
    expect(id?.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(JSON.stringify(res)).not.toContain(SECRET);
    // The deletion commit only removes lines, so nothing is attributed to it.
    expect(new Set(res.findings.map((f) => f.commit))).toEqual(new Set([firstCommit]));
  });

  it('stops at the output cap and reports truncation', async () => {
    const res = await scanGitHistory(repo, { maxOutputBytes: 10 });
    expect(res.truncated).toBe(true);
  });

  it('fails clearly on a directory that is not a repository', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-nogit-'));
    try {
      await expect(scanGitHistory(empty)).rejects.toThrow(/git log failed/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
