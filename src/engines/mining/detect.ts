import type { InetSocket, ProcessInfo, ProcessSnapshot } from '../../host/procfs/snapshot-types.js';
import { isLoopback, isLoopbackOrPrivate, parseIp } from '../bruteforce/ip.js';
import { sustainedCpu, type CpuSample, type CpuWindowOptions } from './cpu.js';
import { findPoolDomains, findStratumUrls, hasStratumSubstring, isMinerName, poolDomainFor, type MinerIocs, type StratumUrl } from './iocs.js';

export type MinerRuleId =
  /** Process name, exe or argv[0] is a known miner. */
  | 'mining.process-name'
  /** Executable hash is a known miner. */
  | 'mining.exe-hash'
  /** Command line carries a stratum URL / scheme. */
  | 'mining.stratum-cmdline'
  /** Outbound connection to a pool domain on a pool port (Falco's net_miner_pool). */
  | 'mining.pool-connection'
  /** Connected to the very endpoint its own stratum URL names (any address, loopback included). */
  | 'mining.stratum-peer'
  /** Sustained high CPU while holding an outbound connection. */
  | 'mining.cpu-outbound'
  /** Connected to a pool address listed in the IOC list (`ip` entries), any port. */
  | 'mining.pool-address'
  /** Command line names a pool domain of the IOC list (no stratum scheme needed). */
  | 'mining.pool-domain'
  /** A config file named on the command line (`-c`, `--config`) carries a stratum URL or pool domain. */
  | 'mining.config-pool';

export interface MinerPeer {
  remoteAddress: string;
  remotePort: number;
  localPort: number;
  state: string;
  /** Names the host adapter resolved to this address (pool domains, stratum URL hosts). */
  names: string[];
}

export interface MinerFinding {
  ruleId: MinerRuleId;
  level: 'serious' | 'suspicious';
  pid: number;
  comm: string;
  exe?: string;
  cmdline: string[];
  evidence: string;
  stratumUrls: StratumUrl[];
  peers: MinerPeer[];
  /** What a response would act on: the lead's responders kill / quarantine / block these. */
  response: { killPid: number; quarantinePath?: string; blockAddresses: string[] };
}

export interface MinerDetectOptions {
  /** The agent's own pid (never reported). Defaults to snapshot.selfPid. */
  selfPid?: number;
  /** Address → names, from the host adapter resolving the IOC pool domains and stratum URL hosts. */
  addressNames?: ReadonlyMap<string, readonly string[]>;
  /** pid → lower-case SHA-256 of its executable (the host adapter hashes what it chooses to). */
  exeHashes?: ReadonlyMap<number, string>;
  /** CPU samples over a window; enables `mining.cpu-outbound`. */
  cpu?: { samples: readonly CpuSample[] } & CpuWindowOptions;
  /** For `mining.cpu-outbound`: also count loopback/private peers (default false). */
  cpuCountsPrivatePeers?: boolean;
  /** pid → config file the process was started with (path and text, read by the host adapter). */
  configs?: ReadonlyMap<number, { path: string; text: string }>;
}

interface CmdlineFacts {
  cmd: string;
  urls: StratumUrl[];
  scheme: boolean;
  domains: { domain: string; port: number | null }[];
}

/** Per IOC list, per argv array (stable across passes of the incremental reader): the text work once. */
const factsCache = new WeakMap<MinerIocs, WeakMap<readonly string[], CmdlineFacts>>();
function cmdlineFacts(argv: readonly string[], iocs: MinerIocs): CmdlineFacts {
  let byArgv = factsCache.get(iocs);
  if (!byArgv) factsCache.set(iocs, (byArgv = new WeakMap()));
  let f = byArgv.get(argv);
  if (!f) {
    const cmd = argv.join(' ');
    f = { cmd, urls: findStratumUrls(cmd, iocs), scheme: hasStratumSubstring(cmd, iocs), domains: findPoolDomains(cmd, iocs) };
    byArgv.set(argv, f);
  }
  return f;
}

const CONNECTED = new Set(['ESTABLISHED', 'SYN_SENT']);
const MAX_CMDLINE = 32;

function basename(p: string): string {
  const s = p.replace(/ \(deleted\)$/, '');
  return s.slice(s.lastIndexOf('/') + 1);
}

function sameHost(a: string, b: string): boolean {
  const pa = parseIp(a);
  const pb = parseIp(b);
  return pa && pb ? pa.family === pb.family && pa.value === pb.value : a.toLowerCase() === b.toLowerCase();
}

/**
 * Find crypto miners in a process snapshot: known names/hashes, stratum URLs in command lines,
 * connections to pool domains/ports, and sustained CPU with an outbound connection.
 * One finding per rule and process; pure.
 */
export function detectMiners(snapshot: ProcessSnapshot, iocs: MinerIocs, options: MinerDetectOptions = {}): MinerFinding[] {
  const selfPid = options.selfPid ?? snapshot.selfPid;
  const byInode = new Map<number, InetSocket>();
  for (const s of snapshot.inetSockets) byInode.set(s.inode, s);
  const names = options.addressNames ?? new Map<string, readonly string[]>();
  const hot = new Map<number, number>();
  if (options.cpu) {
    const startOf = new Map(snapshot.processes.map((p) => [p.pid, p.startTime]));
    for (const h of sustainedCpu(options.cpu.samples, options.cpu)) if (startOf.get(h.pid) === h.startTime) hot.set(h.pid, h.averageCores);
  }

  const findings: MinerFinding[] = [];
  for (const p of snapshot.processes) {
    if (p.pid === selfPid) continue;
    const peers = peersOf(p, byInode, names);
    const facts = cmdlineFacts(p.cmdline, iocs);
    const urls = facts.urls;
    const base = (ruleId: MinerRuleId, level: MinerFinding['level'], evidence: string): MinerFinding => ({
      ruleId,
      level,
      pid: p.pid,
      comm: p.comm,
      ...(p.exe !== undefined ? { exe: p.exe } : {}),
      cmdline: p.cmdline.slice(0, MAX_CMDLINE),
      evidence,
      stratumUrls: urls,
      peers,
      response: {
        killPid: p.pid,
        ...(p.exe !== undefined && !p.exe.startsWith('[') ? { quarantinePath: p.exe.replace(/ \(deleted\)$/, '') } : {}),
        blockAddresses: [...new Set(peers.map((x) => x.remoteAddress))],
      },
    });

    const nameHit = [p.comm, p.exe ? basename(p.exe) : '', p.cmdline[0] ? basename(p.cmdline[0]) : '']
      .filter((n) => n !== '')
      .map((n) => isMinerName(n, iocs))
      .find((n) => n !== null);
    if (nameHit) findings.push(base('mining.process-name', 'serious', `process name matches known miner "${nameHit}"`));

    const hash = options.exeHashes?.get(p.pid);
    const label = hash === undefined ? undefined : iocs.sha256.get(hash.toLowerCase());
    if (label !== undefined) findings.push(base('mining.exe-hash', 'serious', `executable SHA-256 ${hash} is ${label}`));

    if (urls.length > 0 || facts.scheme) {
      const what = urls.length > 0 ? urls.map((u) => u.url).join(', ') : 'a stratum scheme';
      findings.push(base('mining.stratum-cmdline', 'serious', `command line contains ${what}`));
    }

    if (urls.length === 0 && facts.domains.length > 0) {
      // `-o pool.supportxmr.com:3333`: a pool with a pool port is a miner's argument; a bare name (ping, dig) less so.
      const withPort = facts.domains.filter((d) => d.port !== null && iocs.ports.has(d.port));
      const d = withPort[0] ?? facts.domains[0];
      if (d) findings.push(base('mining.pool-domain', withPort.length > 0 ? 'serious' : 'suspicious', `command line names mining pool ${d.domain}${d.port !== null ? `:${d.port}` : ''}`));
    }

    const config = options.configs?.get(p.pid);
    if (config) {
      const curls = findStratumUrls(config.text, iocs, 4);
      const cdomains = curls.length > 0 ? [] : findPoolDomains(config.text, iocs, 4);
      const what = curls.length > 0 ? curls.map((u) => u.url).join(', ') : cdomains.map((d) => d.domain).join(', ');
      if (what !== '') findings.push(base('mining.config-pool', 'serious', `config file ${config.path} names ${what}`));
    }

    const listed = peers.filter((x) => iocs.ips.has(x.remoteAddress));
    if (listed.length > 0) {
      findings.push(base('mining.pool-address', 'serious', `connected to listed pool address ${listed.map((x) => `${x.remoteAddress}:${x.remotePort}`).join(', ')}`));
    }

    const poolPeers = peers.filter((x) => !isLoopbackOrPrivate(x.remoteAddress) && poolDomainFor(x.names, x.remotePort, iocs) !== null);
    if (poolPeers.length > 0) {
      const desc = poolPeers.map((x) => `${poolDomainFor(x.names, x.remotePort, iocs)}:${x.remotePort} (${x.remoteAddress})`).join(', ');
      findings.push(base('mining.pool-connection', 'serious', `connected to mining pool ${desc}`));
    }

    const urlPeers = peers.filter((x) => urls.some((u) => (u.port === null || u.port === x.remotePort) && (sameHost(u.host, x.remoteAddress) || x.names.some((n) => sameHost(n, u.host)))));
    if (urlPeers.length > 0) {
      const desc = urlPeers.map((x) => `${x.remoteAddress}:${x.remotePort}`).join(', ');
      findings.push(base('mining.stratum-peer', 'serious', `connected to its stratum endpoint ${desc}${urlPeers.every((x) => isLoopback(x.remoteAddress)) ? ' (loopback)' : ''}`));
    }

    const cores = hot.get(p.pid);
    if (cores !== undefined) {
      const outbound = peers.filter((x) => options.cpuCountsPrivatePeers || !isLoopbackOrPrivate(x.remoteAddress));
      if (outbound.length > 0) {
        const first = outbound[0] as MinerPeer;
        findings.push(base('mining.cpu-outbound', 'suspicious', `sustained ${cores.toFixed(2)} cores with outbound connection to ${first.remoteAddress}:${first.remotePort}`));
      }
    }
  }
  return findings;
}

/** Outbound (not accepted) connected inet sockets of a process. */
function peersOf(p: ProcessInfo, byInode: Map<number, InetSocket>, names: ReadonlyMap<string, readonly string[]>): MinerPeer[] {
  const listening = new Set<number>();
  const sockets: InetSocket[] = [];
  for (const fd of p.fds) {
    if (fd.kind !== 'socket' || fd.inode === undefined) continue;
    const s = byInode.get(fd.inode);
    if (!s) continue;
    if (s.state === 'LISTEN') listening.add(s.localPort);
    else if (CONNECTED.has(s.state) && s.remotePort !== 0) sockets.push(s);
  }
  // A connection to the process's own listening port was accepted, not made: not outbound.
  return sockets
    .filter((s) => !listening.has(s.localPort))
    .map((s) => {
      // v4-mapped tcp6 peers (`::ffff:1.2.3.4`) are reported and looked up as plain IPv4.
      const remote = parseIp(s.remoteAddress)?.text ?? s.remoteAddress;
      return {
        remoteAddress: remote,
        remotePort: s.remotePort,
        localPort: s.localPort,
        state: s.state,
        names: [...(names.get(remote) ?? names.get(s.remoteAddress) ?? [])],
      };
    });
}
