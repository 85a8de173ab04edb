/**
 * The agent's baseline scan (runBaselineScan) on this machine, limited to the new weak-password
 * sources:
 * - config-file secrets from fixture files the test writes into a temp dir (Tomcat users with
 *   tomcat/tomcat + manager-gui, an rsync secrets file named by an rsyncd.conf with mode 644, an
 *   SVN passwd, vsftpd virtual users found through a pam_userdb line), read via configurable paths;
 *   the same kinds with strong passwords and mode 600 pass;
 * - the MySQL/MariaDB check against the real local MariaDB (root with an empty password here);
 * - the Memcached check against a real memcached the test starts (found from /proc like any service).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRulesDir, runBaselineScan } from '../../src/agent/baseline-scan.js';
import { WEAKPASS_CHECKS, WEAKPASS_POLICY_ID, type BaselineSnapshot } from '../../src/domain/baseline/baseline-types.js';
import type { ConfigSecretPaths } from '../../src/host/probe/config-secret-files.js';

const STRONG = 'Hv4#Lq9!mZ2@wX7p';
let dir: string;

function write(rel: string, text: string, mode = 0o600): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

function paths(root: string): ConfigSecretPaths {
  return {
    tomcat: [join(root, 'opt/tomcat*/conf/tomcat-users.xml')],
    rsync: [],
    rsyncdConf: [join(root, 'etc/rsyncd.conf')],
    svn: [join(root, 'srv/svn/*/conf/passwd')],
    vsftpd: [],
    pamVsftpd: [join(root, 'etc/pam.d/vsftpd')],
  };
}

const scan = (p: ConfigSecretPaths, checkIds: number[], extra: Record<string, unknown> = {}): Promise<BaselineSnapshot> =>
  runBaselineScan({ policyDirs: [findRulesDir('baseline') as string], weakpassDir: findRulesDir('weakpass'), configSecretPaths: p, ...extra }, { policyIds: [WEAKPASS_POLICY_ID], checkIds });

const byId = (s: BaselineSnapshot, id: number) => s.results.find((r) => r.checkId === id);
const CONFIG_IDS = [WEAKPASS_CHECKS.tomcat, WEAKPASS_CHECKS.rsync, WEAKPASS_CHECKS.svn, WEAKPASS_CHECKS.vsftpd];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-cfgsecrets-'));
  // weak set
  write('weak/opt/tomcat9/conf/tomcat-users.xml', '<tomcat-users>\n  <user username="tomcat" password="tomcat" roles="manager-gui"/>\n  <user username="admin" password="admin" roles="admin-gui,manager-gui"/>\n</tomcat-users>\n', 0o640);
  write('weak/etc/rsyncd.conf', `[backup]\n  path = /srv/backup\n  auth users = backup\n  secrets file = ${join(dir, 'weak/etc/rsyncd.secrets')}\n`, 0o644);
  write('weak/etc/rsyncd.secrets', 'backup:123456\n', 0o644);
  write('weak/srv/svn/repo1/conf/passwd', '[users]\nharry = harry\n', 0o644);
  write('weak/etc/pam.d/vsftpd', `auth required pam_userdb.so db=${join(dir, 'weak/etc/vsftpd/virtual_users')}\n`, 0o644);
  write('weak/etc/vsftpd/virtual_users.txt', 'ftpuser\n5201314\n', 0o600);
  // strong set
  write('strong/opt/tomcat9/conf/tomcat-users.xml', `<tomcat-users>\n  <!-- <user username="tomcat" password="tomcat" roles="manager-gui"/> -->\n  <user username="deploy" password="${STRONG}" roles="manager-script"/>\n</tomcat-users>\n`, 0o640);
  write('strong/etc/rsyncd.conf', `[backup]\n  secrets file = ${join(dir, 'strong/etc/rsyncd.secrets')}\n`, 0o644);
  write('strong/etc/rsyncd.secrets', `backup:${STRONG}\n`, 0o600);
  write('strong/srv/svn/repo1/conf/passwd', `[users]\nharry = ${STRONG}\n`, 0o600);
  write('strong/etc/pam.d/vsftpd', `auth required pam_userdb.so db=${join(dir, 'strong/etc/vsftpd/virtual_users')}\n`, 0o644);
  write('strong/etc/vsftpd/virtual_users.txt', `ftpuser\n${STRONG}\n`, 0o600);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config-file secrets in the agent scan', () => {
  it('weak fixtures: every kind fails, naming the account and the fix; no password leaves the host', async () => {
    const s = await scan(paths(join(dir, 'weak')), CONFIG_IDS);
    expect(s.results.map((r) => [r.checkId, r.result])).toEqual(CONFIG_IDS.map((id) => [id, 'failed']));
    const tomcat = byId(s, WEAKPASS_CHECKS.tomcat);
    expect(tomcat?.reason).toContain('Tomcat user "tomcat"');
    expect(tomcat?.reason).toContain('Tomcat user "admin"');
    expect(tomcat?.evidence.map((e) => e.reason)).toEqual([`account tomcat at ${join(dir, 'weak/opt/tomcat9/conf/tomcat-users.xml')}`, `account admin at ${join(dir, 'weak/opt/tomcat9/conf/tomcat-users.xml')}`]);
    const rsync = byId(s, WEAKPASS_CHECKS.rsync);
    expect(rsync?.reason).toContain('rsync user "backup"');
    expect(rsync?.reason).toContain('mode 644');
    expect(rsync?.fix).toContain(`chmod 600 ${join(dir, 'weak/etc/rsyncd.secrets')}`);
    expect(byId(s, WEAKPASS_CHECKS.svn)?.reason).toContain('SVN user "harry"');
    expect(byId(s, WEAKPASS_CHECKS.vsftpd)?.reason).toContain('"ftpuser"');
    expect(byId(s, WEAKPASS_CHECKS.vsftpd)?.fix).toContain('db_load -T -t hash');
    const json = JSON.stringify(s);
    for (const secret of ['123456', '5201314', 'password="']) expect(json).not.toContain(secret);
  });

  it('strong fixtures pass (commented-out default users are ignored), absent files are not applicable', async () => {
    const s = await scan(paths(join(dir, 'strong')), CONFIG_IDS);
    expect(s.results.map((r) => r.result)).toEqual(['passed', 'passed', 'passed', 'passed']);
    const none = await scan(paths(join(dir, 'nothing-here')), CONFIG_IDS);
    expect(none.results.map((r) => r.result)).toEqual(['not applicable', 'not applicable', 'not applicable', 'not applicable']);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address() as { port: number };
      s.close(() => resolve(a.port));
    });
  });
}

describe('live service checks in the agent scan', () => {
  let memcached: ChildProcess | undefined;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    memcached = spawn('memcached', ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-u', 'nobody', '-m', '8'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i += 1) {
      const up = await new Promise<boolean>((r) => {
        const c = connect({ host: '127.0.0.1', port }, () => {
          c.destroy();
          r(true);
        });
        c.on('error', () => r(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    if (memcached && memcached.exitCode === null) {
      const exited = new Promise((r) => memcached?.once('exit', r));
      memcached.kill('SIGTERM');
      await exited;
    }
  });

  it('MariaDB root with an empty password (this machine) fails the MySQL check', async () => {
    const s = await scan({}, [WEAKPASS_CHECKS.mysql]);
    const r = byId(s, WEAKPASS_CHECKS.mysql);
    expect(r?.result).toBe('failed');
    expect(r?.evidence.map((e) => e.rule)).toContain('mysql empty_password');
    expect(r?.reason).toContain("'root'@'127.0.0.1'");
  });

  it('the memcached started by the test is found from /proc and fails the Memcached check', async () => {
    const s = await scan({}, [WEAKPASS_CHECKS.memcached]);
    const r = byId(s, WEAKPASS_CHECKS.memcached);
    expect(r?.result).toBe('failed');
    expect(r?.targets).toContain(`127.0.0.1:${port}`);
  });
});
