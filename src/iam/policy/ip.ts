/**
 * IPv4/IPv6 addresses and CIDR ranges for the IpAddress/NotIpAddress operators.
 * Every address is held as eight 16-bit groups; IPv4 is mapped into ::ffff:0:0/96, so `10.0.0.1`
 * and `::ffff:10.0.0.1` are the same address and an IPv4 CIDR `/n` is the IPv6 range `/(96+n)`.
 * Consequence (documented choice): `::/0` covers IPv4 too; `0.0.0.0/0` covers only IPv4.
 */

export type IpGroups = readonly number[];

export interface IpRange {
  groups: IpGroups;
  /** Prefix length in the 128-bit space. */
  prefix: number;
}

const PREFIX_LENGTH = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted-quad IPv4 as a 32-bit unsigned number; leading zeros are rejected (octal ambiguity). */
export function parseIpv4(text: string): number | null {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return null;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && part === 0) return null; // leading zero
      part = part * 10 + (c - 0x30);
      if (part > 255) return null;
      digits++;
    } else return null;
  }
  if (digits === 0 || dots !== 3) return null;
  return n * 256 + part;
}

function v4Groups(n: number): number[] {
  return [0, 0, 0, 0, 0, 0xffff, Math.floor(n / 65536), n % 65536];
}

function parseGroupList(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!HEX_GROUP.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** RFC 4291 text form, with an optional trailing dotted quad; zone ids (`%eth0`) are rejected. */
export function parseIpv6(text: string): number[] | null {
  if (text.length > 45 || text.includes('%')) return null;
  let body = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    const g = v4Groups(v4);
    tailV4 = [g[6] ?? 0, g[7] ?? 0];
    // Keep the colon when it is part of "::" so the split below still sees the gap.
    body = text[lastColon - 1] === ':' ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroupList(halves[0] ?? '');
    const tail = parseGroupList(halves[1] ?? '');
    if (head === null || tail === null) return null;
    const fill = 8 - head.length - tail.length - tailV4.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail, ...tailV4];
  } else {
    const all = parseGroupList(body);
    if (all === null) return null;
    groups = [...all, ...tailV4];
    if (groups.length !== 8) return null;
  }
  return groups;
}

/** Any address, IPv4 mapped into IPv6. */
export function parseIp(text: string): IpGroups | null {
  if (text.includes(':')) return parseIpv6(text);
  const v4 = parseIpv4(text);
  return v4 === null ? null : v4Groups(v4);
}

/** A plain address (a /32 or /128) or `addr/prefix`. */
export function parseIpRange(text: string): IpRange | null {
  const slash = text.indexOf('/');
  if (slash < 0) {
    const groups = parseIp(text);
    return groups === null ? null : { groups, prefix: 128 };
  }
  const addr = text.slice(0, slash);
  const len = text.slice(slash + 1);
  if (!PREFIX_LENGTH.test(len)) return null;
  const n = Number(len);
  if (addr.includes(':')) {
    const groups = parseIpv6(addr);
    if (groups === null || n > 128) return null;
    return { groups, prefix: n };
  }
  const v4 = parseIpv4(addr);
  if (v4 === null || n > 32) return null;
  return { groups: v4Groups(v4), prefix: 96 + n };
}

export function ipInRange(ip: IpGroups, range: IpRange): boolean {
  let bits = range.prefix;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = bits >= 16 ? 16 : bits;
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((((ip[i] ?? 0) ^ (range.groups[i] ?? 0)) & mask) !== 0) return false;
  }
  return true;
}
