/**
 * The shipped RHEL-family policy, run by the SCA engine against fixture roots written into temp
 * dirs (the host probe's `root` override): a hardened Rocky-like tree passes every file-based
 * check, a default-ish one fails them for the expected reasons, and on this Debian machine's real
 * root the requirements are not met. `c:` rules (rpm, find) always describe the running host, so
 * their verdicts are not asserted here.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostProbe } from '../../host/probe/host-probe.js';
import { evaluatePolicy } from './evaluate.js';
import { loadPolicy } from './policy.js';

const POLICY = loadPolicy(readFileSync(join(import.meta.dirname, '../../../rules/baseline/vigil-rhel-essentials.yml'), 'utf8'));
const FILE_CHECKS = [911001, 911002, 911003, 911004, 911005, 911006, 911007, 911008, 911009, 911010, 911011, 911012, 911013];
let dir: string;

function tree(root: string, files: Record<string, string>): string {
  for (const [p, text] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    chmodSync(full, 0o644);
  }
  return root;
}

const PAM_GOOD = `auth        required      pam_env.so
auth        required      pam_faillock.so preauth silent deny=5 unlock_time=900
auth        sufficient    pam_unix.so try_first_pass nullok
auth        required      pam_faillock.so authfail
password    requisite     pam_pwquality.so local_users_only
password    sufficient    pam_unix.so sha512 shadow use_authtok
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rhel-'));
  tree(join(dir, 'hardened'), {
    'etc/redhat-release': 'Rocky Linux release 9.4 (Blue Onyx)\n',
    'etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nMaxAuthTries 3\nPermitEmptyPasswords no\n',
    'etc/login.defs': 'MAIL_DIR\t/var/spool/mail\nUMASK\t\t027\nPASS_MAX_DAYS\t90\nPASS_MIN_DAYS\t1\n',
    'etc/security/pwquality.conf': '# minlen = 8\nminlen = 12\n',
    'etc/pam.d/system-auth': PAM_GOOD,
    'etc/pam.d/password-auth': PAM_GOOD,
    'etc/sudoers': 'root ALL=(ALL) ALL\n# %wheel ALL=(ALL) NOPASSWD: ALL\n%wheel ALL=(ALL) ALL\n',
    'etc/sudoers.d/ops': 'ops ALL=(ALL) ALL\n',
    'etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n',
    'etc/chrony.conf': 'pool 2.rocky.pool.ntp.org iburst\nmakestep 1.0 3\n',
  });
  tree(join(dir, 'default'), {
    'etc/os-release': 'NAME="AlmaLinux"\nID="almalinux"\nID_LIKE="rhel centos fedora"\n',
    'etc/ssh/sshd_config': '#PermitRootLogin prohibit-password\nPermitRootLogin yes\nPasswordAuthentication yes\n#MaxAuthTries 6\nProtocol 2,1\nPermitEmptyPasswords yes\n',
    'etc/login.defs': 'UMASK\t\t022\nPASS_MAX_DAYS\t99999\nPASS_MIN_LEN\t5\n',
    'etc/security/pwquality.conf': '# minlen = 8\n',
    'etc/pam.d/system-auth': 'auth sufficient pam_unix.so nullok\npassword sufficient pam_unix.so sha512 shadow\n',
    'etc/pam.d/password-auth': PAM_GOOD,
    'etc/sudoers': 'root ALL=(ALL) ALL\n',
    'etc/sudoers.d/90-cloud-init-users': 'rocky ALL=(ALL) NOPASSWD:ALL\n',
    'etc/selinux/config': 'SELINUX=permissive\n',
    'etc/chrony.conf': '# pool 2.rocky.pool.ntp.org iburst\n',
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (root: string) => evaluatePolicy(POLICY, createHostProbe({ root }), { commandTimeoutMs: 15_000 });

describe('vigil_rhel_essentials on fixture roots', () => {
  it('loads with unique check ids in the 911xxx range', () => {
    expect(POLICY.id).toBe('vigil_rhel_essentials');
    const ids = POLICY.checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id >= 911001 && id <= 911999)).toBe(true);
  });

  it('a hardened Rocky tree passes every file-based check', async () => {
    const res = await run(join(dir, 'hardened'));
    expect(res.requirementsMet).toBe(true);
    const verdicts = Object.fromEntries(res.checks.filter((c) => FILE_CHECKS.includes(c.id)).map((c) => [c.id, c.result]));
    expect(verdicts).toEqual(Object.fromEntries(FILE_CHECKS.map((id) => [id, 'passed'])));
  });

  it('a default-ish AlmaLinux tree (found through ID_LIKE) fails them, each for its own reason', async () => {
    const res = await run(join(dir, 'default'));
    expect(res.requirementsMet).toBe(true);
    const by = new Map(res.checks.map((c) => [c.id, c]));
    for (const id of FILE_CHECKS) expect([id, by.get(id)?.result]).toEqual([id, 'failed']);
    // evidence names the rule that decided
    expect(by.get(911010)?.rules.some((r) => r.rule.includes('/etc/sudoers.d'))).toBe(true);
    expect(by.get(911008)?.rules.map((r) => r.rule.includes('system-auth') ? r.outcome : '').join('')).not.toBe('');
  });

  it('pam_pwquality must be in both stacks: fixing only password-auth still fails', async () => {
    const root = tree(join(dir, 'half'), { 'etc/redhat-release': 'x\n', 'etc/pam.d/system-auth': 'password sufficient pam_unix.so\n', 'etc/pam.d/password-auth': PAM_GOOD });
    const res = await run(root);
    expect(res.checks.find((c) => c.id === 911008)?.result).toBe('failed');
    writeFileSync(join(root, 'etc/pam.d/system-auth'), PAM_GOOD);
    expect((await run(root)).checks.find((c) => c.id === 911008)?.result).toBe('passed');
  });

  it('does not apply to this Debian machine', async () => {
    const res = await evaluatePolicy(POLICY, createHostProbe(), { commandTimeoutMs: 15_000 });
    expect(res.requirementsMet).toBe(false);
  });
});
