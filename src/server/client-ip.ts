import { BlockList, isIP } from 'node:net';

export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function buildTrustList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`trustedProxies: "${e}" is not an IP or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr as string, type);
    else list.addSubnet(addr as string, Number(bits), type);
  }
  return list;
}

function trusted(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The caller's address (`acs:SourceIp`): the TCP peer, unless the peer is a configured trusted
 * proxy — then the right-most X-Forwarded-For hop that is not itself a trusted proxy.
 */
export function clientIp(peer: string | undefined, xff: string | string[] | undefined, trust: BlockList): string {
  const ip = normalizeIp(peer);
  if (!xff || !trusted(trust, ip)) return ip;
  const hops = (Array.isArray(xff) ? xff.join(',') : xff).split(',').map((h) => normalizeIp(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!isIP(hop)) return ip;
    if (!trusted(trust, hop)) return hop;
  }
  return hops[0] ?? ip;
}
