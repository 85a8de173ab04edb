/**
 * A harmless fake miner on loopback, seen through a real /proc snapshot: a copy of python3 named
 * `xmrig` whose argv carries `-o stratum+tcp://127.0.0.1:<port>` and which connects to a listener this
 * test opens on a pool-like port of 127.0.0.1. It only sleeps. Everything is killed and removed after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDetection } from '../../src/agent/detect-feature.js';
import type { AlertEventData } from '../../src/domain/alerts/alert-types.js';
import { detectMiners, parseMinerIocs, type MinerFinding } from '../../src/engines/mining/index.js';
import { IncrementalProcReader } from '../../src/host/procfs/incremental-snapshot.js';
import { MinerEvidence } from '../../src/agent/miner-evidence.js';
import { createHash } from 'node:crypto';
import { readProcessSnapshot } from '../../src/host/procfs/read-snapshot.js';
import { writeFileSync } from 'node:fs';

const iocs = parseMinerIocs(readFileSync(fileURLToPath(new URL('../../rules/mining/miner-iocs.txt', import.meta.url)), 'utf8')).iocs;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let dir = '';
let server: Server | null = null;
const conns: Socket[] = [];
const children: ChildProcess[] = [];
let port = 0;

async function listenOnPoolPort(): Promise<Server> {
  // Prefer a real pool port from the list; fall back to any free port if all are taken.
  for (const candidate of [...iocs.ports].filter((p) => p > 1024 && p !== 8080 && p !== 8000).concat([0])) {
    const s = createServer((c) => {
      conns.push(c);
      c.on('error', () => undefined);
    });
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(candidate, '127.0.0.1', () => resolve(true));
    });
    if (ok) return s;
  }
  throw new Error('no port');
}

function start(bin: string, args: string[]): ChildProcess {
  const c = spawn(bin, args, { stdio: 'ignore', detached: true });
  c.on('error', () => undefined);
  children.push(c);
  return c;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-miner-'));
  server = await listenOnPoolPort();
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  port = addr.port;
  copyFileSync('/usr/bin/python3', join(dir, 'xmrig'));
  copyFileSync('/bin/sleep', join(dir, 'httpd'));
});

afterAll(async () => {
  for (const c of children) {
    if (c.pid !== undefined) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const c of conns) c.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('fake miner on loopback', () => {
  it('is found by name, stratum URL and its connection to the stratum endpoint; a renamed sleep is not', async () => {
    const url = `stratum+tcp://127.0.0.1:${port}`;
    const program = `import socket,time\ns=socket.create_connection(('127.0.0.1',${port}))\ntime.sleep(120)`;
    const miner = start(join(dir, 'xmrig'), ['-c', program, '-o', url, '-u', 'wallet', '--donate-level', '1']);
    const decoy = start(join(dir, 'httpd'), ['120']);
    let mine: MinerFinding[] = [];
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      const snap = readProcessSnapshot({ selfPid: process.pid });
      mine = detectMiners(snap, iocs).filter((f) => f.pid === miner.pid);
      if (mine.some((f) => f.ruleId === 'mining.stratum-peer')) break;
    }
    expect(mine.map((f) => f.ruleId).sort()).toEqual(['mining.process-name', 'mining.stratum-cmdline', 'mining.stratum-peer']);
    const peer = mine.find((f) => f.ruleId === 'mining.stratum-peer');
    expect(peer?.peers).toEqual([expect.objectContaining({ remoteAddress: '127.0.0.1', remotePort: port, state: 'ESTABLISHED' })]);
    expect(peer?.response).toEqual({ killPid: miner.pid, quarantinePath: join(dir, 'xmrig'), blockAddresses: ['127.0.0.1'] });
    expect(peer?.stratumUrls[0]?.url).toBe(url);
    expect(conns.length).toBeGreaterThanOrEqual(1);

    const all = detectMiners(readProcessSnapshot({ selfPid: process.pid }), iocs);
    expect(all.filter((f) => f.pid === decoy.pid)).toEqual([]);
    // The listener (this test process) holds the accepted side: not an outbound pool connection.
    expect(all.filter((f) => f.pid === process.pid)).toEqual([]);
  });
});

describe('fake miner burning CPU, configured by file, on a listed pool address', () => {
  it('is found by sustained CPU with its connection, its config file, its executable hash and the listed address', async () => {
    // A name no list knows, no stratum URL in argv: only behaviour, the config file, the hash and the address.
    const exe = join(dir, 'kdevtmpfsi2');
    copyFileSync('/usr/bin/python3', exe);
    const sha = createHash('sha256').update(readFileSync(exe)).digest('hex');
    const listed = parseMinerIocs(`${readFileSync(fileURLToPath(new URL('../../rules/mining/miner-iocs.txt', import.meta.url)), 'utf8')}\nip 127.0.0.1\nsha256 ${sha} test-miner\n`).iocs;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ pools: [{ url: `pool.supportxmr.com:${port}`, user: 'wallet' }] }));
    const program = `import socket,time\ns=socket.create_connection(('127.0.0.1',${port}))\nwhile True: pass`;
    // Relative config path: resolved against the process's cwd, as the miner itself does.
    const miner = spawn(exe, ['-c', program, '--config', 'config.json'], { cwd: dir, stdio: 'ignore', detached: true });
    children.push(miner);
    const reader = new IncrementalProcReader({ selfPid: process.pid, cpuSampleMs: 500 });
    const evidence = new MinerEvidence({ busyCores: 0.3, hashExecutables: () => true, isShellLike: () => false });
    let found: MinerFinding[] = [];
    const want = ['mining.config-pool', 'mining.cpu-outbound', 'mining.exe-hash', 'mining.pool-address'];
    for (let i = 0; i < 40; i++) {
      await sleep(500);
      const snap = await reader.read();
      found = detectMiners(snap, listed, {
        selfPid: process.pid,
        cpu: { samples: snap.cpuSamples, ticksPerSecond: 100, threshold: 0.3, minDurationMs: 4_000 },
        cpuCountsPrivatePeers: true,
        ...evidence.collect(snap),
      }).filter((f) => f.pid === miner.pid);
      if (want.every((r) => found.some((f) => f.ruleId === r))) break;
    }
    expect(found.map((f) => f.ruleId).sort()).toEqual(want);
    expect(found.find((f) => f.ruleId === 'mining.config-pool')?.evidence).toContain(`pool.supportxmr.com`);
  }, 40_000);
});

describe('miner found by the agent loop: persistence report and clean-up', () => {
  it('reports the cron line, unit, rc line and new authorized_keys entry naming it; miner_cleanup removes exactly those', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-miner-root-'));
    const home = mkdtempSync(join(tmpdir(), 'vigil-miner-home-'));
    try {
      const exe = join(dir, 'xmrig');
      const files: Record<string, string> = {
        '/etc/cron.d/sysupdate': `# keep\n*/5 * * * * root ${exe} -o stratum+tcp://127.0.0.1:${port}\n0 3 * * * root /usr/bin/apt-get update\n`,
        '/etc/systemd/system/kworker.service': `[Service]\nExecStart=${exe} --donate-level 1\n`,
        '/etc/rc.local': `#!/bin/sh\n${exe} &\nexit 0\n`,
        '/root/.ssh/authorized_keys': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake attacker@box\n',
        '/etc/cron.d/backup': '0 1 * * * root /usr/local/bin/backup\n',
      };
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, p)), { recursive: true });
        writeFileSync(join(root, p), text);
      }
      // An old, unrelated file: not "recently added", not referenced.
      utimesSync(join(root, '/etc/cron.d/backup'), new Date(2020, 0, 1), new Date(2020, 0, 1));
      const program = `import socket,time\ns=socket.create_connection(('127.0.0.1',${port}))\ntime.sleep(120)`;
      const miner = start(exe, ['-c', program, '-o', `stratum+tcp://127.0.0.1:${port}`]);
      const events: AlertEventData[] = [];
      const detection = startDetection({
        link: { flush: () => undefined },
        queue: {
          push: (kind, data) => {
            if (kind === 'alert' && (data as AlertEventData).details.pid === miner.pid) events.push(data as AlertEventData);
            return { seq: 0, kind, time: 0, data };
          },
        },
        log: () => undefined,
        home,
        isPaused: () => false,
        intervalMs: 200,
        persistenceRoot: root,
      });
      try {
        for (let i = 0; i < 100 && !events.some((e) => e.ruleId === 'mining.stratum-peer'); i++) await sleep(100);
      } finally {
        detection.stop();
      }
      const alert = events.find((e) => e.ruleId === 'mining.stratum-peer');
      const rep = alert?.details.persistence;
      expect(rep?.findings.map((f) => [f.path, f.lineNo, f.reason]).sort()).toEqual(
        [
          ['/etc/cron.d/sysupdate', 2, 'references-miner'],
          ['/etc/rc.local', 2, 'references-miner'],
          ['/etc/systemd/system/kworker.service', 2, 'references-miner'],
          ['/root/.ssh/authorized_keys', 1, 'recently-added'],
        ].sort(),
      );
      // The one-click plan takes only what names the miner; the new key is for review.
      const { applyCleanup } = await import('../../src/agent/miner-persistence.js');
      const results = applyCleanup(rep?.plan, { home, root });
      expect(results.map((r) => r.ok)).toEqual(results.map(() => true));
      expect(readFileSync(join(root, '/etc/cron.d/sysupdate'), 'utf8')).toBe('# keep\n0 3 * * * root /usr/bin/apt-get update\n');
      expect(readFileSync(join(root, '/etc/rc.local'), 'utf8')).toBe('#!/bin/sh\nexit 0\n');
      expect(existsSync(join(root, '/etc/systemd/system/kworker.service'))).toBe(false);
      expect(readFileSync(join(root, '/root/.ssh/authorized_keys'), 'utf8')).toContain('attacker@box');
      expect(readFileSync(join(root, '/etc/cron.d/backup'), 'utf8')).toBe(files['/etc/cron.d/backup']);
      // Replaying the plan: the lines moved, so nothing else is deleted.
      const again = applyCleanup(rep?.plan, { home, root });
      expect(again.filter((r) => r.step.action === 'delete-line').every((r) => !r.ok && r.detail.includes('changed since the report'))).toBe(true);
      expect(readFileSync(join(root, '/etc/cron.d/sysupdate'), 'utf8')).toBe('# keep\n0 3 * * * root /usr/bin/apt-get update\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  }, 30_000);
});
