/** One typed snapshot of a host's assets (SPEC ), as the agent sends it in a `snapshot` of kind `inventory`. */

export interface OsInfo {
  /** `ID` of /etc/os-release, e.g. `debian`. */
  id: string;
  /** `PRETTY_NAME`, e.g. `Debian GNU/Linux 12 (bookworm)`. */
  prettyName: string;
  versionId: string;
  /** `uname -r`. */
  kernel: string;
  /** `uname -m`, e.g. `x86_64`. */
  arch: string;
}

export interface HardwareInfo {
  cpuModel: string;
  cores: number;
  memTotalBytes: number;
}

export interface NetworkInterfaceInfo {
  name: string;
  mac: string;
  ips: string[];
}

export interface ProcessItem {
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  /** Kernel task name. */
  name: string;
  /** Absent for kernel threads and unreadable links. */
  exe?: string;
  /** sha256 of the executable; absent when unreadable or over the hashing bound. */
  sha256?: string;
  cmdline: string;
  /** Epoch ms. */
  startTime: number;
  /** Single-letter state of /proc/<pid>/stat (R, S, D, Z…). */
  state: string;
}

export type PortProto = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export interface ListeningPort {
  proto: PortProto;
  bindIp: string;
  port: number;
  /** Owning process; absent when no fd points at the socket (kernel sockets, other namespaces). */
  pid?: number;
  procName?: string;
}

export type PasswordState = 'set' | 'empty' | 'locked' | 'none' | 'unknown';

export interface AccountItem {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** True for a shell that allows interactive login (not nologin/false/sync…). */
  loginShell: boolean;
  groups: string[];
  sudoer: boolean;
  /** From /etc/shadow: set, empty (no password!), locked (`!`/`*` prefix), none (`*`/`!` alone) — never the hash. */
  passwordState: PasswordState;
  /** Epoch ms; absent when never or unknown. */
  passwordExpiresAt?: number;
  accountExpiresAt?: number;
  lastLoginAt?: number;
  lastLoginFrom?: string;
}

/** `cms`: a CMS core found in a web root (name wordpress/drupal/joomla, path its directory). */
export type SoftwareSource = 'dpkg' | 'rpm' | 'apk' | 'pip' | 'npm' | 'jar' | 'cms';

export interface SoftwareItem {
  source: SoftwareSource;
  name: string;
  version: string;
  arch?: string;
  /** Source package name and version for OS packages (dpkg `Source:`, rpm SOURCERPM). */
  sourceName?: string;
  sourceVersion?: string;
  /** Where it was found (dist-info dir, package.json, jar path) for language packages. */
  path?: string;
  /** Epoch ms. */
  installTime?: number;
  /** Running processes that have one of this package's files mapped (dpkg hosts; bounded). */
  pids?: number[];
}

export interface CronItem {
  /** File the entry comes from. */
  source: string;
  user: string;
  /** Schedule field(s), e.g. `17 * * * *`, `@reboot`, or `daily` for /etc/cron.daily scripts. */
  period: string;
  command: string;
}

export type ServiceKind = 'systemd' | 'sysv' | 'rc.local';

export interface ServiceItem {
  kind: ServiceKind;
  name: string;
  enabled: boolean;
  /** Unit file or script path. */
  path: string;
}

export interface KernelModule {
  name: string;
  size: number;
  refCount: number;
  usedBy: string[];
  state: string;
}

export type MiddlewareKind = 'nginx' | 'apache' | 'php-fpm' | 'tomcat' | 'java' | 'node' | 'redis' | 'mysql' | 'postgresql' | 'mongodb';

export interface MiddlewareItem {
  kind: MiddlewareKind;
  pid: number;
  exe?: string;
  user: string;
  ports: number[];
}

export interface HostInventory {
  /** Epoch ms when collection started. */
  collectedAt: number;
  hostname: string;
  os: OsInfo;
  hardware: HardwareInfo;
  interfaces: NetworkInterfaceInfo[];
  processes: ProcessItem[];
  ports: ListeningPort[];
  accounts: AccountItem[];
  software: SoftwareItem[];
  cron: CronItem[];
  services: ServiceItem[];
  modules: KernelModule[];
  middleware: MiddlewareItem[];
  /** Sources that were missing, unreadable or truncated, e.g. `rpm: not installed`. */
  warnings: string[];
}
