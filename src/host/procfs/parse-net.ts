import type { InetProto, InetSocket, SocketState, UnixSocket } from './snapshot-types.js';

const TCP_STATES: Record<number, SocketState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'NEW_SYN_RECV',
};

export type Endianness = 'LE' | 'BE';

/** Bytes of one 32-bit word as the kernel printed it (`%08X` of a __be32 read in host order). */
function wordBytes(hex8: string, endianness: Endianness): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return endianness === 'LE' ? b.reverse() : b;
}

function formatIpv6(bytes: number[]): string {
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Decode a /proc/net address field `ADDR:PORT`. IPv4 is one 32-bit word, IPv6 four words; each
 * word is printed in host byte order, so on little-endian hosts its bytes are reversed.
 */
export function parseHexAddress(field: string, endianness: Endianness = 'LE'): { address: string; port: number } | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(field);
  if (!m) return null;
  const hex = m[1] ?? '';
  const port = parseInt(m[2] ?? '0', 16);
  if (hex.length === 8) return { address: wordBytes(hex, endianness).join('.'), port };
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) bytes.push(...wordBytes(hex.slice(w * 8, w * 8 + 8), endianness));
  return { address: formatIpv6(bytes), port };
}

/** Parse /proc/net/tcp, tcp6, udp or udp6. Malformed lines are skipped. */
export function parseProcNetInet(text: string, proto: InetProto, endianness: Endianness = 'LE'): InetSocket[] {
  const out: InetSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const local = parseHexAddress(cols[1] ?? '', endianness);
    const remote = parseHexAddress(cols[2] ?? '', endianness);
    const st = parseInt(cols[3] ?? '', 16);
    const uid = Number(cols[7]);
    const inode = Number(cols[9]);
    if (!local || !remote || !Number.isInteger(inode) || inode <= 0) continue;
    out.push({
      inode,
      proto,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state: TCP_STATES[st] ?? 'UNKNOWN',
      uid: Number.isInteger(uid) ? uid : -1,
    });
  }
  return out;
}

/** Parse /proc/net/unix. Paths may contain spaces; abstract names start with `@`. */
export function parseProcNetUnix(text: string): UnixSocket[] {
  const out: UnixSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const m = /^\s*[0-9A-Fa-f]+:\s+[0-9A-Fa-f]+\s+[0-9A-Fa-f]+\s+([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+)\s+(\d+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const flags = parseInt(m[1] ?? '0', 16);
    const inode = Number(m[4]);
    if (!Number.isInteger(inode) || inode <= 0) continue;
    const path = m[5]?.trim();
    out.push({
      inode,
      type: parseInt(m[2] ?? '0', 16),
      state: parseInt(m[3] ?? '0', 16),
      // __SO_ACCEPTCON (1 << 16) marks a listening socket.
      listening: (flags & 0x10000) !== 0,
      ...(path ? { path } : {}),
    });
  }
  return out;
}

/** True when the socket is connected to (or connecting to) a remote peer, not merely bound. */
export function hasRemotePeer(s: InetSocket): boolean {
  if (s.state === 'LISTEN' || s.state === 'TIME_WAIT' || s.state === 'CLOSE') return false;
  if (s.remotePort === 0) return false;
  return s.remoteAddress !== '0.0.0.0' && s.remoteAddress !== '::';
}
