/**
 * fail2ban's annotated sshd corpus (../shared/data/authlog) through the agent's live path: lines are
 * appended to a real file that the agent's AuthLogSources follows (rotated half-way, like logrotate),
 * parsed by BruteForceFeature's streams. Every normal-mode `match:true` line must be counted once for
 * its host, no `match:false` line at all. Also: offsets persist across an agent restart.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BruteForceFeature } from '../../src/agent/bruteforce-feature.js';
import type { AuthEvent } from '../../src/engines/bruteforce/auth-event.js';
import { Blocker } from '../../src/respond/block/index.js';
import { sharedDataDir } from '../helpers/shared-data.js';

interface Expectation {
  lineNo: number;
  line: string;
  match: boolean;
  host?: string | null;
  attempts?: number;
  modes: string[];
}

let dir: string;
let feature: BruteForceFeature | null = null;
const pushed: { kind: string; data: unknown }[] = [];

function make(log: string, onAuthEvent: (stream: string, ev: AuthEvent) => void): BruteForceFeature {
  const f = new BruteForceFeature({
    link: { flush: () => undefined },
    queue: { push: (kind, data) => (pushed.push({ kind, data }), { seq: pushed.length, kind, time: Date.now(), data }) },
    log: () => undefined,
    home: dir,
    isPaused: () => false,
    files: [{ path: log, format: 'syslog' }],
    env: { VIGIL_AUTHLOG_JOURNAL: '0' },
    // fail2ban's test clock: year-less lines are 2005, as in the corpus expectations.
    time: { year: 2005, utcOffsetMinutes: 0 },
    onAuthEvent,
  });
  f.start();
  return f;
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-bf-replay-'));
  pushed.length = 0;
});
afterEach(async () => {
  await feature?.stop();
  feature = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('auth log replay through the agent tailer path', () => {
  it('counts every match:true line of the fail2ban sshd corpus and no match:false line, across a rotation', async () => {
    const data = sharedDataDir();
    const logLines = readFileSync(join(data, 'authlog/sshd.log'), 'utf8').split('\n');
    const cases = (JSON.parse(readFileSync(join(data, 'authlog/sshd-expectations.json'), 'utf8')) as Expectation[]).filter((c) => c.modes.includes('normal'));
    expect(cases.length).toBe(104);
    const log = join(dir, 'auth.log');
    writeFileSync(log, 'Jan  1 00:00:00 host sshd[1]: Failed password for root from 198.51.100.250 port 1 ssh2\n'); // before start: not read
    // Each line the tailer delivers is numbered by its position in the corpus; events are attributed to it.
    const fed = logLines.map((l, i) => ({ l, n: i + 1 })).filter((x) => x.l.trim() !== '' && !x.l.startsWith('#'));
    const byLine = new Map<number, AuthEvent[]>();
    let delivered = 0;
    feature = make(log, (_stream, ev) => {
      // ev.line is the line that completed the event; find it at or after the last attribution point.
      let k = delivered;
      while (k < fed.length && fed[k]?.l !== ev.line) k++;
      const hit = fed[k];
      if (!hit) throw new Error(`event for an unknown line: ${ev.line}`);
      delivered = k;
      byLine.set(hit.n, [...(byLine.get(hit.n) ?? []), ev]);
    });
    await new Promise((r) => setTimeout(r, 400)); // first poll: start at the end
    const half = Math.floor(fed.length / 2);
    appendFileSync(log, fed.slice(0, half).map((x) => `${x.l}\n`).join(''));
    await new Promise((r) => setTimeout(r, 600));
    // logrotate: the old file is renamed and a new one created; the tailer drains the old one first.
    renameSync(log, `${log}.1`);
    writeFileSync(log, fed.slice(half).map((x) => `${x.l}\n`).join(''));
    const lastTrue = [...cases].reverse().find((c) => c.match && c.lineNo > (fed[half]?.n ?? 0));
    await until('the last match:true line', () => lastTrue !== undefined && byLine.has(lastTrue.lineNo));
    await new Promise((r) => setTimeout(r, 500));

    const wrong: string[] = [];
    for (const c of cases) {
      const failures = (byLine.get(c.lineNo) ?? []).filter((e) => e.kind === 'failure');
      if (!c.match) {
        if (failures.length > 0) wrong.push(`${c.lineNo} counted but match:false`);
        continue;
      }
      if (failures.length !== 1) wrong.push(`${c.lineNo} expected one failure, got ${failures.length}`);
      else if (c.host && failures[0]?.source !== c.host) wrong.push(`${c.lineNo} host ${failures[0]?.source} != ${c.host}`);
      else if (c.attempts !== undefined && failures[0]?.attempts !== c.attempts) wrong.push(`${c.lineNo} attempts ${failures[0]?.attempts} != ${c.attempts}`);
    }
    expect(wrong).toEqual([]);
    const all = [...byLine.values()].flat();
    expect(all.some((e) => e.source === '198.51.100.250')).toBe(false);
    // No rules pushed: nothing is blocked, but success-after-failures still raises its serious alert.
    expect(pushed.filter((p) => p.kind === 'bruteforce.block')).toEqual([]);
    const saf = pushed.filter((p) => p.kind === 'alert' && (p.data as { ruleId: string }).ruleId === 'bruteforce.success-after-failures');
    expect(saf.map((p) => (p.data as { aggKey: string }).aggKey).sort()).toEqual(['known|192.0.2.114', 'known|192.0.2.116']);
  }, 60_000);

  it('resumes from the persisted offset after a restart: nothing lost, nothing read twice', async () => {
    const log = join(dir, 'auth.log');
    writeFileSync(log, '');
    const seen: string[] = [];
    const line = (n: number): string => `Mar  3 10:00:0${n} web sshd[${100 + n}]: Failed password for root from 203.0.113.${n} port 22 ssh2\n`;
    feature = make(log, (_s, ev) => seen.push(ev.source));
    await new Promise((r) => setTimeout(r, 400));
    appendFileSync(log, line(1) + line(2));
    await until('two failures', () => seen.length === 2);
    await feature.stop();
    appendFileSync(log, line(3) + line(4)); // written while the agent is down
    feature = make(log, (_s, ev) => seen.push(ev.source));
    appendFileSync(log, line(5));
    await until(`five failures (${seen.join()}) ${readFileSync(join(dir, "bruteforce/offsets.json"), "utf8")}`, () => seen.length >= 5);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5']);
  }, 30_000);

  it.skipIf(spawnSync('nft', ['--version']).status !== 0)('lifts blocks whose time ran out while the agent was down, on start, and reports them', async () => {
    const table = `vigil_r${randomBytes(3).toString('hex')}`;
    try {
      // A block the firewall still holds (as iptables would, it has no timeouts) but whose time is up.
      const blocker = await Blocker.create({ backend: 'nftables', nftTable: table });
      await blocker.block('198.51.100.9', 600);
      await blocker.block('198.51.100.10', 600);
      mkdirSync(join(dir, 'bruteforce'), { recursive: true });
      writeFileSync(
        join(dir, 'bruteforce', 'blocks.json'),
        JSON.stringify([
          { ip: '198.51.100.9', untilMs: Date.now() - 1000, ruleId: '1' },
          { ip: '198.51.100.10', untilMs: Date.now() + 600_000, ruleId: '1' },
        ]),
      );
      feature = new BruteForceFeature({
        link: { flush: () => undefined },
        queue: { push: (kind, data) => (pushed.push({ kind, data }), { seq: pushed.length, kind, time: Date.now(), data }) },
        log: () => undefined,
        home: dir,
        isPaused: () => false,
        files: [],
        env: { VIGIL_AUTHLOG_JOURNAL: '0', VIGIL_NFT_TABLE: table, VIGIL_BLOCK_BACKEND: 'nftables' },
      });
      feature.start();
      await until('restart unblock event', () => pushed.some((p) => p.kind === 'bruteforce.unblock'));
      expect(pushed.filter((p) => p.kind === 'bruteforce.unblock').map((p) => p.data)).toEqual([{ ip: '198.51.100.9', reason: 'restart' }]);
      const set = spawnSync('nft', ['list', 'set', 'inet', table, 'block4'], { encoding: 'utf8' }).stdout;
      expect(set).not.toContain('198.51.100.9 ');
      expect(set).toContain('198.51.100.10');
      expect(JSON.parse(readFileSync(join(dir, 'bruteforce', 'blocks.json'), 'utf8'))).toEqual([expect.objectContaining({ ip: '198.51.100.10' })]);
    } finally {
      spawnSync('nft', ['delete', 'table', 'inet', table]);
    }
  }, 30_000);
});
