import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchExecEvents, type ExecEvent } from '../../src/host/procfs/exec-events.js';

describe('exec events from the netlink process connector', () => {
  it('sees processes that live only milliseconds', async () => {
    const seen = new Set<number>();
    const errors: string[] = [];
    const w = watchExecEvents((e: ExecEvent) => seen.add(e.pid), (r) => errors.push(r));
    // This suite runs as root in the host's network namespace (CI does): the connector must work.
    expect(errors).toEqual([]);
    expect(w).not.toBeNull();
    try {
      const pids: number[] = [];
      for (let i = 0; i < 20; i++) {
        const child = spawn('/bin/true', [], { stdio: 'ignore' });
        pids.push(child.pid as number);
        await new Promise((r) => child.once('exit', r));
      }
      await expect.poll(() => pids.filter((p) => !seen.has(p)), { timeout: 10_000 }).toEqual([]);
    } finally {
      w?.close();
    }
  });
});
