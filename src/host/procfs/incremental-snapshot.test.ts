import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { IncrementalProcReader } from './incremental-snapshot.js';
import { readProcessSnapshot } from './read-snapshot.js';
import type { ProcessInfo } from './snapshot-types.js';

const children: ChildProcess[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(c);
  return c;
}
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
const find = (ps: ProcessInfo[], pid: number | undefined): ProcessInfo | undefined => ps.find((p) => p.pid === pid);

describe('IncrementalProcReader on the real /proc', () => {
  it('lists the same processes as a full read, keeps cmdline arrays across passes and reads fds of seeds every pass', async () => {
    const seedChild = start('sleep', ['30']);
    const other = start('cat', []);
    await sleep(300);
    const reader = new IncrementalProcReader({ seed: (p) => (p.comm === 'sleep' ? 'self' : null), youngMs: 0 });
    const a = await reader.read();
    const full = readProcessSnapshot();
    const common = full.processes.filter((p) => find(a.processes, p.pid));
    // Processes come and go between the two reads on a busy host; the long-lived ones are in both.
    expect(common.length).toBeGreaterThan(full.processes.length * 0.8);
    const s1 = find(a.processes, seedChild.pid);
    expect(s1?.cmdline).toEqual(['sleep', '30']);
    // Node's 'pipe' stdio is a unix socketpair.
    expect(s1?.fds.some((f) => f.fd === 0 && f.kind === 'socket')).toBe(true);
    // Not a seed and new: its fds wait for a family, a socket search or the refresh.
    expect(find(a.processes, other.pid)?.fds).toEqual([]);
    const b = await reader.read();
    expect(find(b.processes, seedChild.pid)?.cmdline).toBe(s1?.cmdline);
    expect(b.pass.fdReads).toBeLessThan(a.processes.length);
    expect(b.pass.metadataReads).toBeLessThan(5);
  });

  it('reads a `young` seed\'s fds on every pass while it is young, and leaves it to the refresh after', async () => {
    const child = start('sleep', ['30']);
    await sleep(300);
    const young = new IncrementalProcReader({ seed: (p) => (p.pid === child.pid ? 'young' : null), youngMs: 0, youngSeedMs: 60_000, refreshMs: 600_000 });
    const b = await young.read();
    // Young enough: a seed, so its fds are read at once (its stdin is a socketpair).
    expect(find(b.processes, child.pid)?.fds.some((f) => f.fd === 0 && f.kind === 'socket')).toBe(true);
    const old = new IncrementalProcReader({ seed: (p) => (p.pid === child.pid ? 'young' : null), youngMs: 0, youngSeedMs: 100, refreshMs: 600_000 });
    const c = await old.read();
    // Older than youngSeedMs: not a seed, so a new program's fds wait for the refresh.
    expect(find(c.processes, child.pid)?.fds).toEqual([]);
  });

  it('re-reads a process after its exec, spots a reused identity and drops exited processes', async () => {
    const sh = start('sh', ['-c', 'read x; exec sleep 30']);
    await sleep(300);
    const reader = new IncrementalProcReader({});
    const before = find((await reader.read()).processes, sh.pid);
    expect(before?.comm).toBe('sh');
    sh.stdin?.write('go\n');
    await sleep(300);
    reader.markExec(sh.pid as number);
    const after = find((await reader.read({ light: true })).processes, sh.pid);
    expect(after?.comm).toBe('sleep');
    expect(after?.cmdline).toEqual(['sleep', '30']);
    sh.kill('SIGKILL');
    await sleep(200);
    expect(find((await reader.read()).processes, sh.pid)).toBeUndefined();
  });

  it('samples CPU from stat deltas: a busy process shows about a core, an idle one none', async () => {
    const busy = start('sh', ['-c', 'while :; do :; done']);
    const idle = start('sleep', ['30']);
    const reader = new IncrementalProcReader({ cpuSampleMs: 0 });
    await reader.read();
    await sleep(1500);
    const s = await reader.read();
    expect(s.recentCores.get(busy.pid as number)).toBeGreaterThan(0.2);
    expect(s.recentCores.get(idle.pid as number)).toBe(0);
    expect(s.cpuSamples.filter((c) => c.pid === busy.pid).length).toBe(2);
  });

  it('yields to the event loop between chunks', async () => {
    const reader = new IncrementalProcReader({ chunkMs: 0 });
    let ticks = 0;
    const t = setInterval(() => ticks++, 0);
    const s = await reader.read();
    clearInterval(t);
    expect(s.pass.chunks).toBeGreaterThan(1);
    expect(ticks).toBeGreaterThan(0);
  });
});
