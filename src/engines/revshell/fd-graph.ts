import { hasRemotePeer } from '../../host/procfs/parse-net.js';
import type { FdEntry, InetSocket, ProcessInfo, ProcessSnapshot } from '../../host/procfs/snapshot-types.js';
import type { RelayHop } from './finding-types.js';

/** A network socket with a peer, with whether the peer dialled in (a LISTEN socket owns the local port). */
export interface RemoteSocket {
  fd: number;
  socket: InetSocket;
  inbound: boolean;
}

export interface RelayPath {
  holder: ProcessInfo;
  socket: RemoteSocket;
  hops: RelayHop[];
}

interface Holder {
  pid: number;
  fd: FdEntry;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Index of who holds what: pipes, FIFOs, pty masters/slaves and unnamed unix sockets, so the
 * detector can walk from a shell's stdio to the process that holds the network connection.
 */
export class FdGraph {
  readonly byPid = new Map<number, ProcessInfo>();
  readonly children = new Map<number, ProcessInfo[]>();
  private readonly inet = new Map<number, InetSocket>();
  private readonly unnamedUnix = new Set<number>();
  private readonly pipeHolders = new Map<number, Holder[]>();
  private readonly fifoHolders = new Map<string, Holder[]>();
  private readonly ptyMasters = new Map<number, Holder[]>();
  private readonly unixHolders = new Map<number, Holder[]>();
  private readonly listenPorts = new Set<string>();

  constructor(snapshot: ProcessSnapshot) {
    for (const s of snapshot.inetSockets) {
      this.inet.set(s.inode, s);
      if (s.state === 'LISTEN') this.listenPorts.add(`${s.proto.replace('6', '')}:${s.localPort}`);
    }
    for (const u of snapshot.unixSockets) if (u.path === undefined) this.unnamedUnix.add(u.inode);
    for (const p of snapshot.processes) {
      this.byPid.set(p.pid, p);
      push(this.children, p.ppid, p);
      for (const fd of p.fds) {
        const h = { pid: p.pid, fd };
        if (fd.kind === 'pipe' && fd.inode !== undefined) push(this.pipeHolders, fd.inode, h);
        else if (fd.fifoId !== undefined) push(this.fifoHolders, fd.fifoId, h);
        else if (fd.kind === 'ptmx' && fd.ttyIndex !== undefined) push(this.ptyMasters, fd.ttyIndex, h);
        else if (fd.kind === 'socket' && fd.inode !== undefined && !this.inet.has(fd.inode)) push(this.unixHolders, fd.inode, h);
      }
    }
  }

  /** The inet socket behind an fd, when it has a remote peer. */
  remoteSocketOf(fd: FdEntry): RemoteSocket | null {
    if (fd.kind !== 'socket' || fd.inode === undefined) return null;
    const s = this.inet.get(fd.inode);
    if (!s || !hasRemotePeer(s)) return null;
    return { fd: fd.fd, socket: s, inbound: this.listenPorts.has(`${s.proto.replace('6', '')}:${s.localPort}`) };
  }

  remoteSockets(p: ProcessInfo): RemoteSocket[] {
    const out: RemoteSocket[] = [];
    for (const fd of p.fds) {
      const r = this.remoteSocketOf(fd);
      if (r) out.push(r);
    }
    // Prefer established outbound connections as "the" peer.
    return out.sort((a, b) => Number(a.inbound) - Number(b.inbound) || Number(b.socket.state === 'ESTABLISHED') - Number(a.socket.state === 'ESTABLISHED'));
  }

  holdsListener(p: ProcessInfo): boolean {
    return p.fds.some((fd) => fd.kind === 'socket' && fd.inode !== undefined && this.inet.get(fd.inode)?.state === 'LISTEN');
  }

  /**
   * Processes one step away from `p` through `fd`:
   * pipe/FIFO → every other holder; pty slave → the master holder (never master → other slaves,
   * which would link unrelated terminals of a multiplexer); unnamed unix socket → the adjacent inode
   * (socketpair ends get consecutive inodes) held by p's parent or child.
   */
  neighbours(p: ProcessInfo, fd: FdEntry): { pid: number; link: RelayHop['link']; resource: string }[] {
    const out: { pid: number; link: RelayHop['link']; resource: string }[] = [];
    if (fd.kind === 'pipe' && fd.inode !== undefined) {
      for (const h of this.pipeHolders.get(fd.inode) ?? []) if (h.pid !== p.pid) out.push({ pid: h.pid, link: 'pipe', resource: fd.target });
    } else if (fd.fifoId !== undefined) {
      for (const h of this.fifoHolders.get(fd.fifoId) ?? []) if (h.pid !== p.pid) out.push({ pid: h.pid, link: 'fifo', resource: fd.target });
    } else if (fd.kind === 'pts' && fd.ptsIndex !== undefined) {
      for (const h of this.ptyMasters.get(fd.ptsIndex) ?? []) if (h.pid !== p.pid) out.push({ pid: h.pid, link: 'pty', resource: fd.target });
    } else if (fd.kind === 'socket' && fd.inode !== undefined && this.unnamedUnix.has(fd.inode)) {
      for (const other of [fd.inode - 1, fd.inode + 1]) {
        if (!this.unnamedUnix.has(other)) continue;
        for (const h of this.unixHolders.get(other) ?? []) {
          const q = this.byPid.get(h.pid);
          if (!q || q.pid === p.pid) continue;
          if (q.pid === p.ppid || q.ppid === p.pid) out.push({ pid: q.pid, link: 'socketpair', resource: fd.target });
        }
      }
    }
    return out;
  }

  /**
   * Breadth-first search from `start`'s fd `fdNum` to the nearest process holding a remote socket.
   * From the shell only the given fd is followed; from intermediate processes, pipes/FIFOs on any
   * fd and ptys/socketpairs on stdio. `isBarrier` processes are neither relays nor hops;
   * `isEndpoint` ones (relay tools) end a path even without a known remote socket: a relay tool's own
   * connection is the one that matters (not yet in the socket tables while it connects), and what
   * lies beyond it is only what it inherited — a stray pipe to its parent, say.
   */
  findRelay(start: ProcessInfo, fdNum: number, maxHops: number, isBarrier: (p: ProcessInfo) => boolean, isEndpoint?: (p: ProcessInfo) => boolean): RelayPath | null {
    const first = start.fds.find((f) => f.fd === fdNum);
    if (!first) return null;
    const seen = new Set<number>([start.pid]);
    let frontier: { p: ProcessInfo; hops: RelayHop[]; fds: FdEntry[] }[] = [{ p: start, hops: [], fds: [first] }];
    for (let depth = 0; depth < maxHops && frontier.length > 0; depth++) {
      const next: typeof frontier = [];
      for (const node of frontier) {
        for (const fd of node.fds) {
          for (const n of this.neighbours(node.p, fd)) {
            if (seen.has(n.pid)) continue;
            seen.add(n.pid);
            const q = this.byPid.get(n.pid);
            if (!q || isBarrier(q)) continue;
            const hops = [...node.hops, { pid: q.pid, comm: q.comm, link: n.link, resource: n.resource }];
            const sock = this.remoteSockets(q)[0];
            if (sock) return { holder: q, socket: sock, hops };
            if (isEndpoint?.(q)) continue;
            const onward = q.fds.filter((f) => f.kind === 'pipe' || f.fifoId !== undefined || (f.fd <= 2 && (f.kind === 'pts' || f.kind === 'socket')));
            next.push({ p: q, hops, fds: onward });
          }
        }
      }
      frontier = next.slice(0, 256);
    }
    return null;
  }
}
