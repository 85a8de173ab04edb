/**
 * The block responder for real, inside two network namespaces this test creates (never the host's
 * firewall): a server namespace with a TCP listener and Vigil's rules, a client namespace with two
 * source addresses, joined by a veth pair created directly inside the namespaces.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Blocker, execRunner, IPT_CHAIN, NFT_TABLE } from '../../src/respond/block/index.js';
import { createNetnsPair, must, run, type NetnsPair } from '../helpers/netns-pair.js';

const id = randomBytes(3).toString('hex');
const NS_S = `vigil-test-${id}-s`;
const NS_C = `vigil-test-${id}-c`;
const SERVER = '10.213.0.1';
const BLOCKED = '10.213.0.2';
const OTHER = '10.213.0.3';
const PORT = '9000';

const haveTools = ['ip', 'nft', 'iptables', 'nc'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** TCP connect from `source` in the client namespace; true when the handshake completes within 2 s. */
function connects(source: string): boolean {
  return run(['ip', 'netns', 'exec', NS_C, 'nc', '-z', '-w', '2', '-s', source, SERVER, PORT]).status === 0;
}

let listener: ChildProcess | null = null;
let hostRulesetBefore = '';
let pair: NetnsPair | null = null;
const runner = execRunner({ prefix: ['ip', 'netns', 'exec', NS_S] });

beforeAll(async () => {
  if (!haveTools) return;
  hostRulesetBefore = run(['nft', 'list', 'ruleset']).out;
  pair = createNetnsPair(NS_S, NS_C, [SERVER], [BLOCKED, OTHER]);
  listener = spawn('ip', ['netns', 'exec', NS_S, 'nc', '-l', '-k', SERVER, PORT], { stdio: 'ignore' });
  listener.on('error', () => undefined);
  for (let i = 0; i < 50 && !connects(OTHER); i++) await sleep(100);
});

afterAll(() => {
  if (listener?.pid !== undefined) {
    try {
      process.kill(listener.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  pair?.remove();
});

describe.skipIf(!haveTools)('block responder in a network namespace', () => {
  it('nftables: the blocked source cannot connect, the other can; unblock restores it', async () => {
    expect(connects(BLOCKED)).toBe(true);
    expect(connects(OTHER)).toBe(true);
    let now = Date.now();
    const blocker = await Blocker.create({ runner, now: () => now });
    expect(blocker.backend.name).toBe('nftables');
    const res = await blocker.block(BLOCKED, 600);
    expect(res).toEqual({ ip: BLOCKED, backend: 'nftables', seconds: 600, expiresAtMs: now + 600_000 });
    expect(connects(BLOCKED)).toBe(false);
    expect(connects(OTHER)).toBe(true);

    const listed = await blocker.list();
    expect(listed.map((b) => b.ip)).toEqual([BLOCKED]);
    const left = (listed[0]?.expiresAtMs ?? 0) - now;
    expect(left).toBeGreaterThan(500_000);
    expect(left).toBeLessThanOrEqual(600_000);

    expect(must(['ip', 'netns', 'exec', NS_S, 'nft', 'list', 'table', 'inet', NFT_TABLE])).toContain(BLOCKED);
    expect(await blocker.unblock(BLOCKED)).toBe(true);
    expect(connects(BLOCKED)).toBe(true);
    now = Date.now();
    expect(await blocker.list()).toEqual([]);
  });

  it('nftables: a timed block expires by itself', async () => {
    const blocker = await Blocker.create({ runner });
    // 3 s: longer than the 2 s connect attempt, so SYN retransmits cannot slip through after expiry.
    await blocker.block(OTHER, 3);
    expect(connects(OTHER)).toBe(false);
    let back = false;
    for (let i = 0; i < 40 && !back; i++) {
      await sleep(250);
      back = (await blocker.list()).length === 0 && connects(OTHER);
    }
    expect(back).toBe(true);
    await blocker.teardown();
    expect(run(['ip', 'netns', 'exec', NS_S, 'nft', 'list', 'table', 'inet', NFT_TABLE]).status).not.toBe(0);
  });

  it('iptables fallback: own chain, block, list, sweep of expired rules, teardown', async () => {
    let now = Date.now();
    const blocker = await Blocker.create({ runner, backend: 'iptables', now: () => now });
    await blocker.block(BLOCKED, 60);
    expect(connects(BLOCKED)).toBe(false);
    expect(connects(OTHER)).toBe(true);
    expect(must(['ip', 'netns', 'exec', NS_S, 'iptables', '-S', IPT_CHAIN])).toContain(`${BLOCKED}/32`);
    expect((await blocker.list()).map((b) => b.ip)).toEqual([BLOCKED]);
    // Re-blocking replaces, never duplicates.
    await blocker.block(BLOCKED, 60);
    const rules = must(['ip', 'netns', 'exec', NS_S, 'iptables', '-S', IPT_CHAIN]).split('\n').filter((l) => l.includes(BLOCKED));
    expect(rules).toHaveLength(2);
    now += 61_000;
    expect(await blocker.list()).toEqual([]);
    expect(await blocker.sweep()).toBe(2);
    expect(connects(BLOCKED)).toBe(true);
    await blocker.teardown();
    expect(run(['ip', 'netns', 'exec', NS_S, 'iptables', '-S', IPT_CHAIN]).status).not.toBe(0);
  });

  it('rejects bad targets before running anything, and never touched the host firewall', async () => {
    const blocker = await Blocker.create({ runner });
    await expect(blocker.block('10.0.0.1; nft flush ruleset', 60)).rejects.toThrow(/not an IP/);
    await expect(blocker.block('127.0.0.1', 60)).rejects.toThrow(/loopback/);
    await expect(blocker.block('10.213.0.9', -5)).rejects.toThrow(/duration/);
    expect(run(['nft', 'list', 'ruleset']).out).toBe(hostRulesetBefore);
  });
});
