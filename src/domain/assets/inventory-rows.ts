import { hash } from 'node:crypto';
import type { HostInventory } from '../../host/inventory/inventory-types.js';
import type { AssetItemsTable } from '../../store/schema.js';

export type ItemKind = 'process' | 'port' | 'account' | 'software' | 'cron' | 'service' | 'module' | 'middleware';
export const ITEM_KINDS: readonly ItemKind[] = ['process', 'port', 'account', 'software', 'cron', 'service', 'module', 'middleware'];

export type ItemRow = Omit<AssetItemsTable, 'account_id' | 'uuid' | 'item_key' | 'item_hash'> & { item_key: string; item_hash: string };
type Cols = Omit<ItemRow, 'item_key' | 'item_hash' | 'kind' | 'data_json'>;

/** First 32 hex digits of SHA-256 (one-shot `crypto.hash`: ~2× cheaper than createHash for these short inputs, same digest). */
const h32 = (s: string): string => hash('sha256', s, 'hex').slice(0, 32);

/**
 * `identity` names the item within its host across snapshots (a process by pid + start time, a
 * package by source/name/arch/path …): same identity + other content = changed row. Items sharing an
 * identity get an occurrence suffix, so keys stay unique per host.
 */
function row(kind: ItemKind, r: Partial<Cols>, data: unknown, identity: string, seen: Map<string, number>): ItemRow {
  const cols: Cols = { name: '', version: '', user_name: '', port: null, pid: null, path: '', detail: '', ts: null, flag: 0, ...r };
  const base = `${kind}\u0000${identity}`;
  const n = (seen.get(base) ?? 0) + 1;
  seen.set(base, n);
  const data_json = JSON.stringify(data);
  const c = cols;
  const content = JSON.stringify([c.name, c.version, c.user_name, c.port, c.pid, c.path, c.detail, c.ts, c.flag, data_json]);
  return { kind, ...cols, data_json, item_key: h32(n === 1 ? base : `${base}\u0000${n}`), item_hash: h32(content) };
}

/**
 * The searchable columns per kind (the rest is in data_json):
 * process: name, user_name, pid, path=exe, detail=cmdline, ts=start, version=sha256;
 * port: name=process, port, pid, detail=bind ip, version=proto;
 * account: name, pid=uid, flag=1 for uid 0, ts=last login, detail=shell;
 * software: name, version, path, detail=source (dpkg/pip…), ts=install time;
 * cron: name=command, user_name, path=source file, detail=period;
 * service: name, path, detail=kind, flag=enabled; module: name; middleware: name=kind, pid, path=exe.
 */
export function inventoryRows(inv: HostInventory): ItemRow[] {
  const out: ItemRow[] = [];
  const seen = new Map<string, number>();
  const id = (...parts: Array<string | number | undefined | null>): string => parts.map((p) => String(p ?? '')).join('\u0000');
  for (const p of inv.processes) out.push(row('process', { name: p.name, user_name: p.user, pid: p.pid, path: p.exe ?? '', detail: p.cmdline, ts: p.startTime, version: p.sha256 ?? '' }, p, id(p.pid, p.startTime), seen));
  for (const p of inv.ports) out.push(row('port', { name: p.procName ?? '', port: p.port, pid: p.pid ?? null, detail: p.bindIp, version: p.proto }, p, id(p.proto, p.bindIp, p.port), seen));
  for (const a of inv.accounts) out.push(row('account', { name: a.name, user_name: a.name, pid: a.uid, flag: a.uid === 0 ? 1 : 0, ts: a.lastLoginAt ?? null, detail: a.shell }, a, id(a.name), seen));
  for (const s of inv.software) out.push(row('software', { name: s.name, version: s.version, path: s.path ?? '', detail: s.source, ts: s.installTime ?? null }, s, id(s.source, s.name, s.arch, s.path), seen));
  for (const c of inv.cron) out.push(row('cron', { name: c.command, user_name: c.user, path: c.source, detail: c.period }, c, id(c.source, c.user, c.period, c.command), seen));
  for (const s of inv.services) out.push(row('service', { name: s.name, path: s.path, detail: s.kind, flag: s.enabled ? 1 : 0 }, s, id(s.name), seen));
  for (const m of inv.modules) out.push(row('module', { name: m.name, detail: m.state }, m, id(m.name), seen));
  for (const m of inv.middleware) out.push(row('middleware', { name: m.kind, user_name: m.user, pid: m.pid, path: m.exe ?? '', detail: m.ports.join(',') }, m, id(m.kind, m.pid, m.exe), seen));
  return out;
}

/** Private (RFC 1918, loopback, link-local, ULA) vs public addresses, for IntranetIp/InternetIp. */
export function isPrivateIp(ip: string): boolean {
  if (ip.includes(':')) return ip === '::1' || /^f[cd]/i.test(ip) || /^fe80/i.test(ip);
  const [a, b, c] = ip.split('.').map(Number) as [number, number, number];
  // Documentation ranges (RFC 5737) are not reachable from the internet either.
  const doc = (a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113);
  return doc || a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/** Addresses of a host other than loopback and IPv6 link-local, IPv4 first. */
export function hostAddresses(inv: HostInventory): { ips: string[]; macs: string[] } {
  const ips: string[] = [];
  const macs: string[] = [];
  for (const i of inv.interfaces) {
    if (i.name === 'lo') continue;
    if (i.mac && i.mac !== '00:00:00:00:00:00' && !macs.includes(i.mac)) macs.push(i.mac);
    for (const ip of i.ips) if (ip !== '127.0.0.1' && ip !== '::1' && !/^fe80/i.test(ip) && !ips.includes(ip)) ips.push(ip);
  }
  ips.sort((x, y) => Number(x.includes(':')) - Number(y.includes(':')));
  return { ips, macs };
}
