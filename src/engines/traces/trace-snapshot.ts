/** What the host collector (src/host/traces) gathers for an intrusion-trace investigation. */

/** A small text file (cron table, unit file, init script, authorized_keys), bounded in lines. */
export interface HostTextFile {
  path: string;
  mtimeMs: number;
  lines: string[];
  /** Lines beyond the collector's cap were dropped. */
  truncated?: boolean;
  /** Listed in a package's file list (dpkg). Absent when unknown. */
  ownedByPackage?: boolean;
}

/** Files that make things start again: the places a miner or trojan persists. */
export interface PersistenceSnapshot {
  cron: HostTextFile[];
  systemdUnits: HostTextFile[];
  /** /etc/rc.local and /etc/init.d/* scripts. */
  rcScripts: HostTextFile[];
  authorizedKeys: HostTextFile[];
}

export interface LoginRecord {
  user: string;
  /** Terminal line, e.g. `pts/0`. */
  tty: string;
  /** Remote host or address; empty for local logins. */
  host: string;
  timeMs: number;
  kind: 'user' | 'boot' | 'failed';
}

export interface AcceptedLogin {
  user: string;
  source: string;
  method?: string;
  timeMs: number;
  line: string;
}

export type PasswordStatus = 'hash' | 'empty' | 'locked' | 'no-shadow-entry' | 'unknown';

export interface AccountEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** From /etc/shadow's password field, classified; the hash itself is never collected. */
  passwordStatus: PasswordStatus;
}

export interface ChangedFile {
  path: string;
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  mode: number;
  ownedByPackage?: boolean;
}

export interface TempExecutable {
  path: string;
  size: number;
  mode: number;
  uid: number;
  mtimeMs: number;
  /** Starts with the ELF magic. */
  elf: boolean;
}

export interface EnabledUnit {
  /** Unit name, e.g. `sshd.service`. */
  name: string;
  /** The `*.wants` directory it is linked from. */
  wantedBy: string;
  /** Where the link points. */
  target: string;
  ownedByPackage: boolean;
}

export interface TraceSnapshot extends PersistenceSnapshot {
  hostname: string;
  collectedAtMs: number;
  /** Root the collector read (`/` on a real host; a fixture root in tests). */
  root: string;
  logins: LoginRecord[];
  acceptedLogins: AcceptedLogin[];
  accounts: AccountEntry[];
  recentFiles: ChangedFile[];
  tempExecutables: TempExecutable[];
  enabledUnits: EnabledUnit[];
  /** Sections where a cap was hit. */
  truncatedSections: string[];
  /** Sources that could not be read (missing file, permission). */
  unreadable: string[];
}
