import type { InetSocket, ProcessInfo } from '../procfs/snapshot-types.js';
import type { ListeningPort } from './inventory-types.js';

/** A UDP socket is "listening" when it is bound and has no connected peer. */
function isListening(s: InetSocket): boolean {
  if (s.proto === 'tcp' || s.proto === 'tcp6') return s.state === 'LISTEN';
  return s.remotePort === 0 && (s.state === 'CLOSE' || s.state === 'UNKNOWN');
}

/**
 * Listening sockets of a /proc snapshot with the process that holds each one (the lowest pid when
 * several share it, e.g. a pre-forking server's master).
 */
export function listeningPorts(processes: readonly ProcessInfo[], sockets: readonly InetSocket[]): ListeningPort[] {
  const owner = new Map<number, ProcessInfo>();
  for (const p of processes) {
    for (const fd of p.fds) {
      if (fd.kind !== 'socket' || fd.inode === undefined) continue;
      const prev = owner.get(fd.inode);
      if (!prev || p.pid < prev.pid) owner.set(fd.inode, p);
    }
  }
  const out: ListeningPort[] = [];
  for (const s of sockets) {
    if (!isListening(s)) continue;
    const p = owner.get(s.inode);
    out.push({ proto: s.proto, bindIp: s.localAddress, port: s.localPort, ...(p ? { pid: p.pid, procName: p.comm } : {}) });
  }
  return out.sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto) || a.bindIp.localeCompare(b.bindIp));
}
