/** Event kind agents send findings as (`queue.push(ALERT_EVENT_KIND, AlertEventData)`). */
export const ALERT_EVENT_KIND = 'alert';

/** Sas EventStatus codes. */
export const AlertStatus = {
  pending: 1,
  ignored: 2,
  confirmed: 4,
  falsePositive: 8,
  handling: 16,
  handled: 32,
  expired: 64,
} as const;

export type AlertLevel = 'serious' | 'suspicious' | 'remind';
export const ALERT_LEVELS: readonly AlertLevel[] = ['serious', 'suspicious', 'remind'];

export interface AlertProcess {
  pid: number;
  comm: string;
  cmdline: string[];
}

export interface AlertPeer {
  proto: string;
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** What an agent knows about one finding; stored (bounded) as the alert's details. */
export interface AlertDetails {
  pid?: number;
  /** Start time (clock ticks since boot) of `pid`, so a kill never hits a reused pid. */
  startTime?: number;
  exe?: string;
  comm?: string;
  cmdline?: string[];
  uid?: number;
  processChain?: AlertProcess[];
  fds?: { fd: number; target: string }[];
  peer?: AlertPeer | null;
  via?: { pid: number; comm: string; link: string; resource: string }[];
  holderPid?: number | null;
  holderStartTime?: number | null;
  file?: { path: string; sha256?: string } | null;
  evidence?: string;
  class?: number;
  /** Miner findings: entries that would start it again, and the clean-up plan for `miner_cleanup`. */
  persistence?: AlertPersistence;
}

export interface AlertPersistence {
  findings: { kind: string; path: string; lineNo: number | null; line: string | null; reason: string; level: string; detail: string }[];
  /** Steps as the agent's `miner_cleanup` task takes them (delete-line / delete-file / disable-unit). */
  plan: Record<string, string | number>[];
}

/** `data` of an `alert` event. */
export interface AlertEventData {
  ruleId: string;
  name: string;
  level: AlertLevel;
  /** Same rule + same key on the same host = one alert (count and last time grow). */
  aggKey: string;
  details: AlertDetails;
}

export interface AlertView {
  id: number;
  uuid: string;
  ruleId: string;
  uniqueInfo: string;
  name: string;
  level: AlertLevel;
  status: number;
  count: number;
  firstTime: number;
  lastTime: number;
  details: AlertDetails;
  notes: { noteId: number; note: string; noteTime: number }[];
  operateErrorCode: string;
  operateMsg: string;
  operateTime: number | null;
  markMisRules: string;
  instanceName: string;
  intranetIp: string;
  internetIp: string;
}

const MAX_STR = 4096;
const MAX_LIST = 32;

function str(v: unknown, max = MAX_STR): string | undefined {
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}
function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}
function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function strList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.slice(0, MAX_LIST).filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, 1024)) : undefined;
}
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function parsePersistence(v: unknown): AlertPersistence | undefined {
  const p = obj(v);
  if (!p || !Array.isArray(p.findings) || !Array.isArray(p.plan)) return undefined;
  const findings = p.findings.slice(0, MAX_LIST).flatMap((x) => {
    const f = obj(x);
    const path = str(f?.path, 1024);
    if (!f || !path) return [];
    return [{ kind: str(f.kind, 32) ?? '', path, lineNo: int(f.lineNo) ?? null, line: str(f.line, 512) ?? null, reason: str(f.reason, 64) ?? '', level: str(f.level, 16) ?? '', detail: str(f.detail, 512) ?? '' }];
  });
  const plan = p.plan.slice(0, MAX_LIST).flatMap((x) => {
    const s = obj(x);
    if (!s || typeof s.action !== 'string') return [];
    const step: Record<string, string | number> = {};
    for (const k of ['action', 'path', 'unit', 'expected'] as const) if (typeof s[k] === 'string') step[k] = (s[k] as string).slice(0, 1024);
    if (int(s.lineNo) !== undefined) step.lineNo = s.lineNo as number;
    return [step];
  });
  return { findings, plan };
}

/** Validates and bounds an agent's alert event; null when it is not one. Agents are not trusted to send sane sizes. */
export function parseAlertEvent(data: unknown): AlertEventData | null {
  const d = obj(data);
  if (!d) return null;
  const ruleId = str(d.ruleId, 128);
  const name = str(d.name, 256);
  const aggKey = str(d.aggKey, 1024);
  const level = ALERT_LEVELS.find((l) => l === d.level);
  if (!ruleId || !name || aggKey === undefined || !level) return null;
  const det = obj(d.details) ?? {};
  const proc = (v: unknown): AlertProcess | null => {
    const p = obj(v);
    const pid = int(p?.pid);
    return p && pid !== undefined ? { pid, comm: str(p.comm, 64) ?? '', cmdline: strList(p.cmdline) ?? [] } : null;
  };
  const peerObj = obj(det.peer);
  const fileObj = obj(det.file);
  const details: AlertDetails = defined({
    pid: int(det.pid),
    startTime: int(det.startTime),
    exe: str(det.exe),
    comm: str(det.comm, 64),
    cmdline: strList(det.cmdline),
    uid: int(det.uid),
    processChain: Array.isArray(det.processChain) ? det.processChain.slice(0, MAX_LIST).map(proc).filter((p): p is AlertProcess => p !== null) : undefined,
    fds: Array.isArray(det.fds)
      ? det.fds.slice(0, MAX_LIST).flatMap((f) => {
          const o = obj(f);
          const fd = int(o?.fd);
          return o && fd !== undefined ? [{ fd, target: str(o.target, 512) ?? '' }] : [];
        })
      : undefined,
    peer: peerObj
      ? { proto: str(peerObj.proto, 8) ?? '', remoteAddress: str(peerObj.remoteAddress, 64) ?? '', remotePort: int(peerObj.remotePort) ?? 0, localPort: int(peerObj.localPort) ?? 0 }
      : undefined,
    via: Array.isArray(det.via)
      ? det.via.slice(0, MAX_LIST).flatMap((h) => {
          const o = obj(h);
          const pid = int(o?.pid);
          return o && pid !== undefined ? [{ pid, comm: str(o.comm, 64) ?? '', link: str(o.link, 16) ?? '', resource: str(o.resource, 512) ?? '' }] : [];
        })
      : undefined,
    holderPid: int(det.holderPid),
    holderStartTime: int(det.holderStartTime),
    file: fileObj && str(fileObj.path) ? defined({ path: str(fileObj.path) ?? '', sha256: str(fileObj.sha256, 64) }) : undefined,
    evidence: str(det.evidence, 2048),
    class: int(det.class),
    persistence: parsePersistence(det.persistence),
  });
  return { ruleId, name, level, aggKey, details };
}

/** Agent task kinds the response operations run as (registered by src/agent/respond-feature.ts). */
export const RESPONSE_TASK = {
  kill: 'kill_process',
  quara: 'quara',
  restore: 'quara_restore',
  block: 'block_ip',
  /** Miner persistence clean-up (src/agent/miner-persistence.ts). */
  cleanPersistence: 'miner_cleanup',
} as const;

export interface AlertFilter {
  levels?: AlertLevel[];
  /** Sas EventStatus codes; empty = all. */
  statuses?: number[];
  /** `N` not dealt with (pending, handling), `Y` dealt with. */
  dealed?: 'N' | 'Y';
  uuids?: string[];
  name?: string;
  ruleId?: string;
  id?: number;
  timeStart?: number;
  timeEnd?: number;
  offset: number;
  limit: number;
}
