import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeCommandLine } from '../../engines/revshell/command-line.js';
import { watchProcesses, type ProcessStartEvent } from './watch-processes.js';

describe('watchProcesses on the real /proc', () => {
  it('reports a process started after the watch began, with its argv, and stops on abort', async () => {
    const ac = new AbortController();
    const marker = `vigil-watch-${process.pid}-${Date.now()}`;
    const events: ProcessStartEvent[] = [];
    const watch = watchProcesses({ intervalMs: 50, signal: ac.signal });
    // Command line of a reverse shell that never connects anywhere: `sleep` holds it, `true` makes it harmless.
    const argv = ['bash', '-c', `sleep 5; true ${marker} || bash -i >& /dev/tcp/127.0.0.1/9 0>&1`];
    const first = watch.next();
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      let pending = first;
      while (Date.now() < deadline) {
        const r = await pending;
        if (r.done) break;
        events.push(r.value);
        if (r.value.pid === child.pid) break;
        pending = watch.next();
      }
    } finally {
      child.kill('SIGKILL');
      ac.abort();
    }
    const ev = events.find((e) => e.pid === child.pid);
    expect(ev).toMatchObject({ pid: child.pid, ppid: process.pid, argv });
    expect(analyzeCommandLine(ev?.argv ?? []).verdict).toBe('reverse-shell');
    // Processes that existed before the first scan are not reported by default.
    expect(events.some((e) => e.pid === process.pid)).toBe(false);
    expect((await watch.next()).done).toBe(true);
  });
});
