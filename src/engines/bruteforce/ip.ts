/** Strict IP address parsing and CIDR membership, shared by the detectors and the block responder. */

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  /** 32 bits (v4) or 128 bits (v6). */
  value: bigint;
  /** Canonical text: dotted quad, or lower-case IPv6 as written (v4-mapped reduced to dotted quad). */
  text: string;
}

/** Dotted quad → 32-bit number; null unless strictly canonical (no leading zeros, octets ≤ 255). Hot path: no allocation. */
function parseV4Number(text: string): number | null {
  const len = text.length;
  if (len < 7 || len > 15) return null;
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return null;
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros: `010.0.0.1` is octal to some tools and decimal to others.
      if (digits === 1 && octet === 0) return null;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return v * 256 + octet;
}

function parseV4(text: string): bigint | null {
  const n = parseV4Number(text);
  return n === null ? null : BigInt(n);
}

function parseV6(text: string): bigint | null {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const left = toGroups(halves[0] ?? '');
  const right = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (left === null || right === null) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

function v4Text(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}

/** Parse an IPv4 or IPv6 literal (no zone, no brackets). IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): ParsedIp | null {
  const t = text.trim();
  const v4 = parseV4Number(t);
  // A strictly parsed dotted quad is already canonical text.
  if (v4 !== null) return { family: 4, value: BigInt(v4), text: t };
  if (!t.includes(':')) return null;
  const v6 = parseV6(t);
  if (v6 === null) return null;
  if (v6 >> 32n === V4_MAPPED_PREFIX >> 32n) {
    const inner = v6 & 0xffffffffn;
    return { family: 4, value: inner, text: v4Text(inner) };
  }
  return { family: 6, value: v6, text: t.toLowerCase() };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== null;
}

export interface Cidr {
  family: IpFamily;
  base: bigint;
  prefix: number;
  text: string;
}

/** `10.0.0.0/8`, `2001:db8::/32` or a bare address (host route). Null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const [addr, len, extra] = text.trim().split('/');
  if (addr === undefined || extra !== undefined) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const prefix = len === undefined ? bits : Number(len);
  if (prefix > bits) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family: ip.family, base: ip.value & mask, prefix, text: `${ip.text}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  const bits = ip.family === 4 ? 32 : 128;
  const shift = BigInt(bits - cidr.prefix);
  return ip.value >> shift === cidr.base >> shift;
}

/** A compiled allowlist; invalid entries are reported, not silently dropped. */
export class IpAllowlist {
  readonly cidrs: Cidr[] = [];
  readonly invalid: string[] = [];

  constructor(entries: readonly string[]) {
    for (const e of entries) {
      const c = parseCidr(e);
      if (c) this.cidrs.push(c);
      else this.invalid.push(e);
    }
  }

  has(ip: string | ParsedIp): boolean {
    if (this.cidrs.length === 0) return false;
    const p = typeof ip === 'string' ? parseIp(ip) : ip;
    return p !== null && this.cidrs.some((c) => cidrContains(c, p));
  }

  get size(): number {
    return this.cidrs.length;
  }
}

const LOOPBACK_OR_PRIVATE = new IpAllowlist([
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::1/128',
  'fc00::/7',
  '0.0.0.0/32',
  '::/128',
]);

/** Loopback, RFC 1918, IPv6 ULA or the unspecified address. */
export function isLoopbackOrPrivate(ip: string): boolean {
  return LOOPBACK_OR_PRIVATE.has(ip);
}

export function isLoopback(ip: string): boolean {
  const p = parseIp(ip);
  if (!p) return false;
  return p.family === 4 ? p.value >> 24n === 127n : p.value === 1n;
}
