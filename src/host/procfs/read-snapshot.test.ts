import { createConnection, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readProcessSnapshot } from './read-snapshot.js';

describe('readProcessSnapshot on the real /proc', () => {
  it('sees this process, its sockets with peers, and the socket tables', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const accepted = new Promise<void>((resolve) => server.once('connection', () => resolve()));
    const client = createConnection({ host: '127.0.0.1', port });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await accepted;
    try {
      const snap = readProcessSnapshot();
      expect(snap.selfPid).toBe(process.pid);
      const me = snap.processes.find((p) => p.pid === process.pid);
      expect(me).toBeDefined();
      expect(me?.ppid).toBe(process.ppid);
      expect(me?.cmdline).toContain(process.argv[1]);
      expect(me?.exe).toBe(process.execPath);
      const mySockets = new Set(me?.fds.filter((f) => f.kind === 'socket').map((f) => f.inode));
      const rows = snap.inetSockets.filter((s) => mySockets.has(s.inode));
      expect(rows.find((s) => s.state === 'LISTEN')).toMatchObject({ localAddress: '127.0.0.1', localPort: port });
      expect(rows.find((s) => s.state === 'ESTABLISHED' && s.remotePort === port)).toMatchObject({ remoteAddress: '127.0.0.1', localPort: client.localPort });
      expect(rows.find((s) => s.state === 'ESTABLISHED' && s.localPort === port)).toMatchObject({ remotePort: client.localPort });
      expect(snap.stats.netNamespaces).toBeGreaterThanOrEqual(1);
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('honours the process and fd caps and never throws on a missing root', () => {
    const capped = readProcessSnapshot({ maxProcesses: 3, maxFdsPerProcess: 1 });
    expect(capped.processes.length).toBeLessThanOrEqual(3);
    expect(capped.stats.truncated).toBe(true);
    expect(capped.processes.every((p) => p.fds.length <= 1)).toBe(true);
    const empty = readProcessSnapshot({ procRoot: '/nonexistent-proc' });
    expect(empty.processes).toEqual([]);
    expect(empty.inetSockets).toEqual([]);
  });
});
