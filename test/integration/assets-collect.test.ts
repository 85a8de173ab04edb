import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHostInventory, ExeHashCache, type HostInventory } from '../../src/host/inventory/index.js';

const sh = (cmd: string) => execFileSync('sh', ['-c', cmd]).toString('utf8');

/** Collects this real machine and cross-checks what it found against independent tools. */
describe('host inventory of this machine', () => {
  let inv: HostInventory;
  const cache = new ExeHashCache();

  beforeAll(async () => {
    inv = await collectHostInventory({ hashCache: cache });
  }, 120_000);

  it('reports OS, kernel, CPU, memory, hostname and addresses', () => {
    expect(inv.hostname).toBe(hostname());
    expect(inv.os.kernel).toBe(sh('uname -r').trim());
    expect(inv.os.arch).toBe(sh('uname -m').trim());
    expect(inv.os.prettyName).toBe(/^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]);
    expect(inv.hardware.cores).toBe(Number(sh('nproc --all').trim()));
    expect(inv.hardware.memTotalBytes).toBe(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024);
    const lo = inv.interfaces.find((i) => i.name === 'lo');
    expect(lo?.ips).toContain('127.0.0.1');
    for (const i of inv.interfaces) if (i.name !== 'lo') expect(i.mac).toBe(readFileSync(`/sys/class/net/${i.name}/address`, 'utf8').trim());
  });

  it('lists every dpkg package with its source version (count equals dpkg-query)', () => {
    const oracle = sh("dpkg-query -W -f '${db:Status-Status}\\t${Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n'")
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((f) => f[0] !== 'config-files' && f[0] !== 'not-installed');
    const ours = inv.software.filter((s) => s.source === 'dpkg');
    expect(ours.length).toBe(oracle.length);
    const byName = new Map(ours.map((s) => [`${s.name}\t${s.version}`, s]));
    for (const [, name, version, srcName, srcVersion] of oracle) {
      const s = byName.get(`${name}\t${version}`);
      expect(s, `${name} ${version}`).toBeDefined();
      expect([s?.sourceName, s?.sourceVersion]).toEqual([srcName, srcVersion]);
    }
  });

  it('finds Redis on 6379 and PostgreSQL on 5432 with their owning processes', () => {
    const redis = inv.ports.find((p) => p.port === 6379 && p.proto === 'tcp');
    const pg = inv.ports.find((p) => p.port === 5432 && p.proto === 'tcp');
    expect(redis?.procName).toBe('redis-server');
    expect(pg?.procName).toBe('postgres');
    // The owning pid really holds that socket: its comm matches /proc.
    expect(readFileSync(`/proc/${redis?.pid}/comm`, 'utf8').trim()).toBe('redis-server');
    const mw = inv.middleware.map((m) => m.kind);
    expect(mw).toEqual(expect.arrayContaining(['redis', 'postgresql', 'mysql']));
    expect(inv.middleware.find((m) => m.kind === 'redis')?.ports).toContain(6379);
  });

  it('hashes executables exactly and describes this process', () => {
    const me = inv.processes.find((p) => p.pid === process.pid);
    expect(me?.exe).toBe(process.execPath);
    expect(me?.sha256).toBe(createHash('sha256').update(readFileSync(process.execPath)).digest('hex'));
    expect(me?.user).toBe('root');
    expect(me?.cmdline).toContain(process.argv[1] ?? 'node');
    // Start time within a few seconds of what ps computes from the same tick counter.
    const psStart = Date.parse(sh(`LC_ALL=C ps -o lstart= -p ${process.pid}`).trim());
    expect(Math.abs((me?.startTime ?? 0) - psStart)).toBeLessThan(2_000);
    expect(inv.processes.length).toBeGreaterThan(10);
  });

  it('reads accounts like getent, with shadow flags and no hashes', () => {
    const passwd = sh('getent passwd').trim().split('\n');
    expect(inv.accounts.length).toBe(passwd.length);
    const root = inv.accounts.find((a) => a.name === 'root');
    expect(root).toMatchObject({ uid: 0, sudoer: true, loginShell: true });
    expect(JSON.stringify(inv.accounts)).not.toMatch(/\$[0-9a-z]{1,2}\$/);
  });

  it('reads cron, services and modules, and reports missing sources as warnings', () => {
    expect(inv.cron.some((c) => c.source.startsWith('/etc/cron'))).toBe(true);
    expect(inv.services.find((s) => s.kind === 'sysv' && s.name === 'redis-server')).toBeDefined();
    // A kernel built without loadable modules has no /proc/modules: that is a warning, not a failure.
    if (existsSync('/proc/modules')) {
      const text = readFileSync('/proc/modules', 'utf8').trim();
      expect(inv.modules.length).toBe(text === '' ? 0 : text.split('\n').length);
    } else {
      expect(inv.modules).toEqual([]);
      expect(inv.warnings.some((w) => w.startsWith('/proc/modules'))).toBe(true);
    }
  });

  it('hashes an unchanged executable once (cache by dev/inode/mtime)', async () => {
    const size = cache.size;
    const again = await collectHostInventory({ hashCache: cache, hashBudgetBytes: 0 });
    // With no byte budget, every hash still present came from the cache.
    const me = again.processes.find((p) => p.pid === process.pid);
    expect(me?.sha256).toBe(inv.processes.find((p) => p.pid === process.pid)?.sha256);
    expect(cache.size).toBe(size);
  });
});

describe('host inventory of a fixture root', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-inv-root-'));
    const w = (p: string, text: string) => {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), text);
    };
    w('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\n');
    w('etc/group', 'root:x:0:\nwheel:x:10:alice\nalice:x:1000:\n');
    w('etc/sudoers', '%wheel ALL=(ALL) ALL\n');
    w('var/spool/cron/crontabs/alice', '# m h dom mon dow command\n*/10 * * * * /home/alice/bin/sync.sh >/dev/null 2>&1\n');
    w('etc/crontab', 'SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n');
    w('var/www/app/node_modules/express/package.json', '{"name":"express","version":"4.17.1"}');
    w('var/www/app/node_modules/@types/node/package.json', '{"name":"@types/node","version":"20.1.0"}');
    w('usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA', 'Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n\nbody');
    w('lib/apk/db/installed', 'P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\nP:busybox\nV:1.36.1-r5\nA:x86_64\no:busybox\n');
    w('etc/init.d/legacy', '#!/bin/sh\n');
    mkdirSync(join(root, 'etc/rc2.d'), { recursive: true });
    symlinkSync('../init.d/legacy', join(root, 'etc/rc2.d/S01legacy'));
    w('lib/systemd/system/demo.service', '[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
    symlinkSync('/lib/systemd/system/demo.service', join(root, 'etc/systemd/system/multi-user.target.wants/demo.service'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('collects accounts, cron, language and apk packages and services from the tree', async () => {
    const inv = await collectHostInventory({ root, appRoots: ['/var/www'], hashBudgetBytes: 0 });
    expect(inv.accounts.filter((a) => a.uid === 0).map((a) => a.name)).toEqual(['root', 'toor']);
    expect(inv.accounts.find((a) => a.name === 'alice')).toMatchObject({ sudoer: true, groups: ['alice', 'wheel'], passwordState: 'unknown' });
    expect(inv.cron).toEqual(
      expect.arrayContaining([
        { source: '/var/spool/cron/crontabs/alice', user: 'alice', period: '*/10 * * * *', command: '/home/alice/bin/sync.sh >/dev/null 2>&1' },
        { source: '/etc/crontab', user: 'root', period: '17 * * * *', command: 'cd / && run-parts --report /etc/cron.hourly' },
      ]),
    );
    const sw = inv.software.map((s) => `${s.source}:${s.name}@${s.version}`);
    expect(sw).toEqual(expect.arrayContaining(['npm:express@4.17.1', 'npm:@types/node@20.1.0', 'pip:requests@2.28.1', 'apk:musl@1.2.4-r2', 'apk:busybox@1.36.1-r5']));
    expect(inv.services).toEqual(
      expect.arrayContaining([
        { kind: 'systemd', name: 'demo.service', enabled: true, path: '/lib/systemd/system/demo.service' },
        { kind: 'sysv', name: 'legacy', enabled: true, path: '/etc/init.d/legacy' },
      ]),
    );
  });
});
