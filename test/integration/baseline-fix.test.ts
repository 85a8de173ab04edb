import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applySetOption, FixRunner } from '../../src/agent/baseline-fix.js';
import { loadPolicies, runBaselineScan } from '../../src/agent/baseline-scan.js';

// The fix runner on a TEST-ONLY policy pointed at a temp sshd_config: never the real /etc.
const ORIGINAL = '# test sshd_config\r\n#PermitRootLogin prohibit-password\r\nPermitRootLogin yes\r\nMaxAuthTries 6\r\nUsePAM yes\r\n';

function testPolicy(conf: string): string {
  return `policy:
  id: vigil_test_sshd
  file: test-sshd.yml
  name: "TEST ONLY sshd"
  vigil: { category: config_red_line, level: medium }
checks:
  - id: 1
    title: "root cannot log in"
    remediation: "Set PermitRootLogin no."
    condition: all
    rules:
      - 'f:${conf} -> r:^\\s*PermitRootLogin\\s+no\\s*$'
    vigil:
      level: high
      fix: { kind: set_option, file: ${conf}, match: '^\\s*#?\\s*PermitRootLogin\\b', line: "PermitRootLogin no" }
  - id: 2
    title: "MaxAuthTries at most 3"
    condition: all
    rules:
      - 'f:${conf} -> n:^\\s*MaxAuthTries\\s+(\\d+) compare <= 3'
    vigil:
      fix: { kind: set_option, file: ${conf}, match: '^\\s*#?\\s*MaxAuthTries\\b', line: "MaxAuthTries 4" }
  - id: 3
    title: "password logins disabled"
    condition: all
    rules:
      - 'f:${conf} -> r:^\\s*PasswordAuthentication\\s+no'
    vigil:
      fix: { kind: manual, text: "Install keys first." }
`;
}

let dir: string;
let conf: string;
let rules: string;
let home: string;
let runner: FixRunner;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-fix-'));
  conf = join(dir, 'sshd_config');
  home = join(dir, 'home');
  writeFileSync(conf, ORIGINAL);
  chmodSync(conf, 0o640);
  // A policy directory holding the test policy only.
  rules = mkdtempSync(join(dir, 'rules-'));
  writeFileSync(join(rules, 'test-sshd.yml'), testPolicy(conf));
  runner = new FixRunner({ home, policies: () => loadPolicies([rules]).policies });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('applySetOption', () => {
  it('replaces the first matching line, drops later ones, keeps CRLF, appends when absent', () => {
    expect(applySetOption('a\n#X 1\nX 2\nb\n', /^\s*#?\s*X\b/, 'X 3')).toBe('a\nX 3\nb\n');
    expect(applySetOption('a\r\nb', /^X/, 'X 1')).toBe('a\r\nb\r\nX 1\r\n');
  });
});

describe('baseline fix runner (temp file)', () => {
  it('fixes PermitRootLogin with a backup, verifies, and rolls back byte-identical', async () => {
    const before = await runBaselineScan({ policyDirs: [rules], weakpassDir: null }, { policyIds: ['vigil_test_sshd'], checkIds: [1] });
    expect(before.results.map((r) => [r.checkId, r.result, r.autoFix])).toEqual([[1, 'failed', true]]);
    expect(before.scope).toEqual({ policyIds: ['vigil_test_sshd'], checkIds: [1] });

    const out = await runner.fix({ policyId: 'vigil_test_sshd', checkId: 1 });
    expect(out.verified).toBe('passed');
    const fixed = readFileSync(conf, 'utf8');
    expect(fixed).toBe('# test sshd_config\r\nPermitRootLogin no\r\nMaxAuthTries 6\r\nUsePAM yes\r\n');
    expect(statSync(conf).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(home, 'baseline-backups'))).toEqual([`${out.backupId}.json`]);

    const after = await runBaselineScan({ policyDirs: [rules], weakpassDir: null }, { checkIds: [1] });
    expect(after.results[0]?.result).toBe('passed');

    runner.rollback({ backupId: out.backupId });
    expect(readFileSync(conf)).toEqual(Buffer.from(ORIGINAL));
    expect(statSync(conf).mode & 0o777).toBe(0o640);
    // The file no longer holds what the fix wrote: a second rollback refuses to overwrite it.
    expect(() => runner.rollback({ backupId: out.backupId })).toThrow(/changed after the fix/);
  });

  it('refuses to roll back over a file edited after the fix', async () => {
    const out = await runner.fix({ policyId: 'vigil_test_sshd', checkId: 1 });
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}Banner none\r\n`);
    expect(() => runner.rollback({ backupId: out.backupId })).toThrow(/changed after the fix/);
    expect(readFileSync(conf, 'utf8')).toContain('Banner none');
  });

  it('rolls back at once when the fixed file still fails the check', async () => {
    const out = await runner.fix({ policyId: 'vigil_test_sshd', checkId: 2 });
    expect(out.verified).toBe('failed');
    expect(out.reason).toMatch(/rolled back/);
    expect(readFileSync(conf)).toEqual(Buffer.from(ORIGINAL));
  });

  it('applies nothing for manual fixes and unknown checks', async () => {
    await expect(runner.fix({ policyId: 'vigil_test_sshd', checkId: 3 })).rejects.toThrow(/no automatic fix/);
    await expect(runner.fix({ policyId: 'vigil_test_sshd', checkId: 99 })).rejects.toThrow(/no check 99/);
    expect(readFileSync(conf)).toEqual(Buffer.from(ORIGINAL));
    expect(existsSync(join(home, 'baseline-backups'))).toBe(false);
  });

  it('edits a symlinked config where it lives and keeps the link', async () => {
    const link = join(dir, 'sshd_link');
    symlinkSync(conf, link);
    writeFileSync(join(rules, 'test-sshd.yml'), testPolicy(link));
    const out = await runner.fix({ policyId: 'vigil_test_sshd', checkId: 1 });
    expect(out.verified).toBe('passed');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(conf, 'utf8')).toContain('PermitRootLogin no');
    runner.rollback({ backupId: out.backupId });
    expect(readFileSync(conf)).toEqual(Buffer.from(ORIGINAL));
  });

  it('rejects backup ids that are not uuids (no path traversal)', () => {
    expect(() => runner.rollback({ backupId: '../../etc/passwd' })).toThrow(/invalid backup id/);
  });
});
