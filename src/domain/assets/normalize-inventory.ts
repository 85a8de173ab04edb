import type {
  AccountItem,
  CronItem,
  HostInventory,
  KernelModule,
  ListeningPort,
  MiddlewareItem,
  NetworkInterfaceInfo,
  PasswordState,
  PortProto,
  ProcessItem,
  ServiceItem,
  SoftwareItem,
  SoftwareSource,
} from '../../host/inventory/inventory-types.js';

/** Per-kind caps: an agent (or anyone holding its credential) cannot make the server store unbounded rows. */
export const INVENTORY_LIMITS = { processes: 20_000, ports: 10_000, accounts: 10_000, software: 50_000, cron: 5_000, services: 10_000, modules: 5_000, middleware: 1_000, interfaces: 256, warnings: 200 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 512): string => (typeof v === 'string' ? v.slice(0, max) : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
/** Integers, also from digit strings (JSON producers differ); anything else is absent/0. */
const optInt = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return undefined;
};
const int = (v: unknown): number => optInt(v) ?? 0;
const optStr = (v: unknown, max = 512): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined);
const strList = (v: unknown, maxItems: number, max = 256): string[] => (Array.isArray(v) ? v.slice(0, maxItems).map((x) => str(x, max)).filter((x) => x !== '') : []);
function list<T>(v: unknown, maxItems: number, fn: (o: Obj) => T | null): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = [];
  for (const x of v.slice(0, maxItems)) {
    if (!isObj(x)) continue;
    const r = fn(x);
    if (r !== null) out.push(r);
  }
  return out;
}
function pick<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(v as T) ? (v as T) : fallback;
}
const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const PROTOS: readonly PortProto[] = ['tcp', 'tcp6', 'udp', 'udp6'];
const PASSWORD_STATES: readonly PasswordState[] = ['set', 'empty', 'locked', 'none', 'unknown'];
const SOFTWARE_SOURCES: readonly SoftwareSource[] = ['dpkg', 'rpm', 'apk', 'pip', 'npm', 'jar', 'cms'];
const SERVICE_KINDS = ['systemd', 'sysv', 'rc.local'] as const;
const MIDDLEWARE = ['nginx', 'apache', 'php-fpm', 'tomcat', 'java', 'node', 'redis', 'mysql', 'postgresql', 'mongodb'] as const;

/**
 * Turns the `data` of an agent's inventory snapshot into a well-typed, bounded HostInventory.
 * Wrong-typed fields become empty values, unknown fields are dropped, lists are capped.
 */
export function normalizeInventory(data: unknown, now: number): HostInventory {
  const d = isObj(data) ? data : {};
  const os = isObj(d.os) ? d.os : {};
  const hw = isObj(d.hardware) ? d.hardware : {};
  const L = INVENTORY_LIMITS;
  return {
    collectedAt: optInt(d.collectedAt) ?? now,
    hostname: str(d.hostname, 256),
    os: { id: str(os.id, 64), prettyName: str(os.prettyName, 256), versionId: str(os.versionId, 64), kernel: str(os.kernel, 256), arch: str(os.arch, 64) },
    hardware: { cpuModel: str(hw.cpuModel, 256), cores: int(hw.cores), memTotalBytes: int(hw.memTotalBytes) },
    interfaces: list(d.interfaces, L.interfaces, (o): NetworkInterfaceInfo => ({ name: str(o.name, 64), mac: str(o.mac, 64), ips: strList(o.ips, 64, 64) })),
    processes: list(d.processes, L.processes, (o): ProcessItem =>
      clean({ pid: int(o.pid), ppid: int(o.ppid), uid: int(o.uid), user: str(o.user, 256), name: str(o.name, 256), exe: optStr(o.exe, 4096), sha256: optStr(o.sha256, 64), cmdline: str(o.cmdline, 4096), startTime: int(o.startTime), state: str(o.state, 8) }),
    ),
    ports: list(d.ports, L.ports, (o): ListeningPort => clean({ proto: pick(o.proto, PROTOS, 'tcp'), bindIp: str(o.bindIp, 64), port: int(o.port), pid: optInt(o.pid), procName: optStr(o.procName, 256) })),
    accounts: list(d.accounts, L.accounts, (o): AccountItem =>
      clean({
        name: str(o.name, 256),
        uid: int(o.uid),
        gid: int(o.gid),
        home: str(o.home, 1024),
        shell: str(o.shell, 1024),
        loginShell: o.loginShell === true,
        groups: strList(o.groups, 256),
        sudoer: o.sudoer === true,
        passwordState: pick(o.passwordState, PASSWORD_STATES, 'unknown'),
        passwordExpiresAt: optInt(o.passwordExpiresAt),
        accountExpiresAt: optInt(o.accountExpiresAt),
        lastLoginAt: optInt(o.lastLoginAt),
        lastLoginFrom: optStr(o.lastLoginFrom, 256),
      }),
    ),
    software: list(d.software, L.software, (o): SoftwareItem | null => {
      const name = str(o.name, 512);
      if (!name) return null;
      return clean({ source: pick(o.source, SOFTWARE_SOURCES, 'dpkg'), name, version: str(o.version, 256), arch: optStr(o.arch, 64), sourceName: optStr(o.sourceName, 512), sourceVersion: optStr(o.sourceVersion, 256), path: optStr(o.path, 4096), installTime: optInt(o.installTime), pids: Array.isArray(o.pids) && o.pids.length ? o.pids.slice(0, 256).map(int) : undefined });
    }),
    cron: list(d.cron, L.cron, (o): CronItem => ({ source: str(o.source, 1024), user: str(o.user, 256), period: str(o.period, 256), command: str(o.command, 4096) })),
    services: list(d.services, L.services, (o): ServiceItem => ({ kind: pick(o.kind, SERVICE_KINDS, 'systemd'), name: str(o.name, 512), enabled: o.enabled === true, path: str(o.path, 4096) })),
    modules: list(d.modules, L.modules, (o): KernelModule => ({ name: str(o.name, 256), size: int(o.size), refCount: int(o.refCount), usedBy: strList(o.usedBy, 256), state: str(o.state, 32) })),
    middleware: list(d.middleware, L.middleware, (o): MiddlewareItem =>
      clean({ kind: pick(o.kind, MIDDLEWARE, 'java'), pid: int(o.pid), exe: optStr(o.exe, 4096), user: str(o.user, 256), ports: Array.isArray(o.ports) ? o.ports.slice(0, 256).map(int) : [] }),
    ),
    warnings: strList(d.warnings, L.warnings, 1024),
  };
}
