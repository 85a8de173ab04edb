/** Miner indicator lists (rules/mining/miner-iocs.txt): parsing and lookups. */
import { parseIp } from '../bruteforce/ip.js';

export interface MinerIocs {
  names: Set<string>;
  /** Lower-case hex SHA-256 → label. */
  sha256: Map<string, string>;
  /** Lower-case stratum URL schemes, e.g. `stratum+tcp`. */
  schemes: string[];
  ports: Set<number>;
  domains: Set<string>;
  httpsDomains: Set<string>;
  httpDomains: Set<string>;
  /** Pool IP addresses (site entries): a peer on any port is a pool connection. */
  ips: Set<string>;
}

export interface IocParseResult {
  iocs: MinerIocs;
  errors: { lineNo: number; text: string }[];
}

const KINDS = new Set(['name', 'sha256', 'scheme', 'port', 'domain', 'https-domain', 'http-domain', 'ip']);

export function emptyIocs(): MinerIocs {
  return { names: new Set(), sha256: new Map(), schemes: [], ports: new Set(), domains: new Set(), httpsDomains: new Set(), httpDomains: new Set(), ips: new Set() };
}

/** Parse the `<kind> <value>` format; bad lines are reported with their number, never half-applied. */
export function parseMinerIocs(text: string): IocParseResult {
  const iocs = emptyIocs();
  const errors: IocParseResult['errors'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const [kind, value, ...rest] = line.split(/\s+/);
    const v = (value ?? '').toLowerCase();
    const bad = (): void => {
      errors.push({ lineNo: i + 1, text: raw });
    };
    if (kind === undefined || !KINDS.has(kind) || v === '') return bad();
    switch (kind) {
      case 'name':
        iocs.names.add(v);
        break;
      case 'sha256':
        if (!/^[0-9a-f]{64}$/.test(v)) return bad();
        iocs.sha256.set(v, rest.join(' ') || 'known miner');
        break;
      case 'scheme':
        if (!/^[a-z0-9+.-]+$/.test(v)) return bad();
        if (!iocs.schemes.includes(v)) iocs.schemes.push(v);
        break;
      case 'ip': {
        const ip = parseIp(v);
        if (!ip) return bad();
        iocs.ips.add(ip.text);
        break;
      }
      case 'port': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) return bad();
        iocs.ports.add(n);
        break;
      }
      default: {
        if (!/^[a-z0-9.-]+$/.test(v)) return bad();
        const set = kind === 'domain' ? iocs.domains : kind === 'https-domain' ? iocs.httpsDomains : iocs.httpDomains;
        set.add(v);
      }
    }
  });
  return { iocs, errors };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface StratumUrl {
  url: string;
  scheme: string;
  host: string;
  port: number | null;
}

const urlRes = new WeakMap<MinerIocs, RegExp>();

/** Stratum URLs in a text (command line or config file), bounded to `max` results. */
export function findStratumUrls(text: string, iocs: MinerIocs, max = 16): StratumUrl[] {
  if (iocs.schemes.length === 0) return [];
  let re = urlRes.get(iocs);
  if (!re) {
    re = new RegExp(`(${iocs.schemes.map(escapeRe).join('|')})://(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?`, 'gi');
    urlRes.set(iocs, re);
  }
  re.lastIndex = 0;
  const out: StratumUrl[] = [];
  for (const m of text.matchAll(re)) {
    const host = (m[2] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
    const port = m[3] !== undefined ? Number(m[3]) : null;
    out.push({ url: m[0], scheme: (m[1] ?? '').toLowerCase(), host, port: port !== null && port <= 65535 ? port : null });
    if (out.length >= max) break;
  }
  return out;
}

/** Schemes present without a `://` URL (e.g. `-o stratum+tcp` split oddly), as Falco's substring rule. */
export function hasStratumSubstring(text: string, iocs: MinerIocs): boolean {
  const lower = text.toLowerCase();
  return iocs.schemes.some((s) => lower.includes(s));
}

/** A process/file name that is a known miner: exact, or a known name plus a version suffix (`xmrig-6.21.0`). */
export function isMinerName(name: string, iocs: MinerIocs): string | null {
  const n = name.toLowerCase().replace(/ \(deleted\)$/, '');
  if (iocs.names.has(n)) return n;
  const m = /^(.+?)[-_.]v?\d[\d.]*$/.exec(n);
  return m?.[1] !== undefined && iocs.names.has(m[1]) ? m[1] : null;
}

/** Falco's pool rule: port 443 + HTTPS pool, port 80 + HTTP pool, or a miner port + a pool domain. */
export function poolDomainFor(names: readonly string[], port: number, iocs: MinerIocs): string | null {
  for (const raw of names) {
    const d = raw.toLowerCase().replace(/\.$/, '');
    if (port === 443 && iocs.httpsDomains.has(d)) return d;
    if (port === 80 && iocs.httpDomains.has(d)) return d;
    if (iocs.ports.has(port) && iocs.domains.has(d)) return d;
  }
  return null;
}

/** Pool host names of the IOC list named in a text (a command line or a miner config), with the port after `:` when present. */
export function findPoolDomains(text: string, iocs: MinerIocs, max = 8): { domain: string; port: number | null }[] {
  const out: { domain: string; port: number | null }[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?::(\d{1,5}))?/g)) {
    const [host, portText] = [m[0].replace(/:\d+$/, ''), m[1]];
    if (!iocs.domains.has(host) && !iocs.httpsDomains.has(host) && !iocs.httpDomains.has(host)) continue;
    out.push({ domain: host, port: portText !== undefined ? Number(portText) : null });
    if (out.length >= max) break;
  }
  return out;
}
