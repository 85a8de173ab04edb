/**
 * A connection to a mining pool known only by its DNS name (R-6.3 "pool ports/domains"): the
 * agent's detection loop resolves the indicator list's pool domains through a DNS server on
 * loopback that this test runs (ca.minexmr.com → 198.51.100.2), and a process with an innocent
 * name and command line connects to that address on a pool port. The "pool" lives in a network
 * namespace this test creates (with a client namespace, joined by a veth pair), so no traffic
 * leaves the machine and the host's own network is untouched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDetection } from '../../src/agent/detect-feature.js';
import type { AlertEventData } from '../../src/domain/alerts/alert-types.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createNetnsPair, type NetnsPair } from '../helpers/netns-pair.js';
import { PYTHON } from '../helpers/revshell-examples.js';

const id = randomBytes(3).toString('hex');
const NS_POOL = `vigil-pool-${id}`;
const NS_CLIENT = `vigil-cli-${id}`;
const POOL = '198.51.100.2';
const NOT_POOL = '198.51.100.3';
const CLIENT = '198.51.100.10';
const POOL_NAME = 'ca.minexmr.com';

const haveTools = PYTHON !== null && ['ip', 'nc'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);

let dns: TestDnsServer;
let pair: NetnsPair | null = null;
let home = '';
const procs: ChildProcess[] = [];

function start(argv: string[]): ChildProcess {
  const p = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: 'ignore' });
  p.on('error', () => undefined);
  procs.push(p);
  return p;
}

beforeAll(async () => {
  if (!haveTools) return;
  home = mkdtempSync(join(tmpdir(), 'vigil-mining-dns-'));
  dns = await startDnsServer({ [POOL_NAME]: [POOL] });
  pair = createNetnsPair(NS_POOL, NS_CLIENT, [POOL, NOT_POOL], [CLIENT]);
  start(['ip', 'netns', 'exec', NS_POOL, 'nc', '-lk', '3333']);
}, 60_000);

afterAll(async () => {
  for (const p of procs) {
    try {
      if (p.pid !== undefined) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (!haveTools) return;
  pair?.remove();
  await dns.close();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!haveTools)('mining pool known by DNS name, through the agent detection loop', () => {
  it('alerts mining.pool-connection for the resolved pool address, not for another address on the same port', async () => {
    const events: AlertEventData[] = [];
    const detection = startDetection({
      link: { flush: () => undefined },
      queue: {
        push: (kind, data) => {
          if (kind === 'alert') events.push(data as AlertEventData);
          return { seq: 0, kind, time: 0, data };
        },
      },
      log: () => undefined,
      home,
      isPaused: () => false,
      intervalMs: 500,
      poolDns: { servers: [`127.0.0.1:${dns.port}`] },
    });
    const connect = (addr: string): ChildProcess =>
      // The client retries until the namespace's listener is up; nothing in its name or argv says "miner" or "pool".
      start(['ip', 'netns', 'exec', NS_CLIENT, PYTHON as string, '-c', `import socket,time\nwhile True:\n  try:\n    s=socket.create_connection(("${addr}",3333),timeout=2);break\n  except OSError: time.sleep(0.2)\ntime.sleep(120)`]);
    try {
      const toPool = connect(POOL);
      const toOther = connect(NOT_POOL);
      const end = Date.now() + 30_000;
      const poolAlert = (): AlertEventData | undefined => events.find((e) => e.ruleId === 'mining.pool-connection');
      while (!poolAlert() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      const a = poolAlert();
      expect(a, `alerts: ${JSON.stringify(events.map((e) => [e.ruleId, e.details.evidence]))}; dns queries: ${dns.queries.length}`).toBeDefined();
      expect(a?.details.evidence).toContain(`${POOL_NAME}:3333 (${POOL})`);
      expect(dns.queries).toContain(`${POOL_NAME}/1`);
      // Both clients are python3 under `ip netns exec`: only the one whose peer resolved from a pool name is reported.
      const reported = events.filter((e) => e.ruleId === 'mining.pool-connection').map((e) => e.details.pid);
      expect(reported).toHaveLength(1);
      expect(reported[0]).not.toBe(toOther.pid);
      expect(toPool.pid).toBeDefined();
    } finally {
      detection.stop();
    }
  }, 60_000);
});
