import type { AccountItem, PasswordState } from './inventory-types.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface ShadowStatus {
  passwordState: PasswordState;
  /** Epoch ms. */
  passwordExpiresAt?: number;
  accountExpiresAt?: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface LastLogin {
  at: number;
  from: string;
}

const DAY_MS = 86_400_000;
const NON_LOGIN_SHELLS = /(?:^|\/)(?:nologin|false|sync|shutdown|halt)$/;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7 || !f[0]) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0], uid, gid, home: f[5] ?? '', shell: f[6] ?? '' });
  }
  return out;
}

/**
 * Password state per user from /etc/shadow. Only flags leave this function — never the hash.
 * Fields: name:hash:lastchg:min:max:warn:inactive:expire (days since epoch).
 */
export function parseShadow(text: string): Map<string, ShadowStatus> {
  const out = new Map<string, ShadowStatus>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 2 || !f[0]) continue;
    const hash = f[1] ?? '';
    let passwordState: PasswordState;
    if (hash === '') passwordState = 'empty';
    else if (hash === '*' || hash === '!' || hash === '!!' || hash === '!*') passwordState = 'none';
    else if (hash.startsWith('!') || hash.startsWith('*')) passwordState = 'locked';
    else passwordState = 'set';
    const status: ShadowStatus = { passwordState };
    const lastChange = Number(f[2]);
    const maxDays = Number(f[4]);
    if (f[2] && f[4] && Number.isFinite(lastChange) && Number.isFinite(maxDays) && maxDays < 99999 && lastChange > 0) {
      status.passwordExpiresAt = (lastChange + maxDays) * DAY_MS;
    }
    const expire = Number(f[7]);
    if (f[7] && Number.isFinite(expire)) status.accountExpiresAt = expire * DAY_MS;
    out.set(f[0], status);
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !f[0]) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0], gid, members: (f[3] ?? '').split(',').filter((m) => m !== '') });
  }
  return out;
}

/**
 * Users and groups granted rights by sudoers text: user specifications (`alice ALL=(ALL) ALL`,
 * `%sudo ALL=…`) and User_Alias members. Defaults and other aliases are ignored.
 */
export function parseSudoers(text: string): { users: Set<string>; groups: Set<string> } {
  const users = new Set<string>();
  const groups = new Set<string>();
  const aliases = new Map<string, string[]>();
  // Join continuation lines first.
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.replace(/(^|\s)#(?!\d).*$/, '').trim();
    if (line === '' || line.startsWith('Defaults') || line.startsWith('@include') || line.startsWith('#include')) continue;
    const alias = /^User_Alias\s+([A-Z][A-Z0-9_]*)\s*=\s*(.+)$/.exec(line);
    if (alias?.[1] && alias[2]) {
      aliases.set(alias[1], alias[2].split(',').map((s) => s.trim()));
      continue;
    }
    if (/^(Runas|Host|Cmnd)_Alias\s/.test(line)) continue;
    const spec = /^(\S.*?)\s+\S+\s*=/.exec(line);
    if (!spec?.[1]) continue;
    for (const who of spec[1].split(',').map((s) => s.trim())) {
      const expanded = aliases.get(who) ?? [who];
      for (const w of expanded) {
        if (w.startsWith('%')) groups.add(w.slice(1));
        else if (w !== '' && !w.startsWith('!')) users.add(w);
      }
    }
  }
  return { users, groups };
}

/** /var/log/lastlog: fixed records indexed by uid (x86_64/glibc: int32 time, line[32], host[256]). */
export const LASTLOG_RECORD = 292;

export function parseLastlog(buf: Buffer, uids: readonly number[]): Map<number, LastLogin> {
  const out = new Map<number, LastLogin>();
  for (const uid of uids) {
    const off = uid * LASTLOG_RECORD;
    if (uid < 0 || off + LASTLOG_RECORD > buf.length) continue;
    const t = buf.readInt32LE(off);
    if (t <= 0) continue;
    out.set(uid, { at: t * 1000, from: cString(buf.subarray(off + 36, off + 36 + 256)) });
  }
  return out;
}

/** utmp/wtmp records (glibc x86_64, 384 bytes): the newest USER_PROCESS login per user name. */
export const UTMP_RECORD = 384;
const USER_PROCESS = 7;

export function parseWtmp(buf: Buffer): Map<string, LastLogin> {
  const out = new Map<string, LastLogin>();
  for (let off = 0; off + UTMP_RECORD <= buf.length; off += UTMP_RECORD) {
    if (buf.readInt32LE(off) !== USER_PROCESS) continue;
    const user = cString(buf.subarray(off + 44, off + 76));
    const host = cString(buf.subarray(off + 76, off + 332));
    const at = buf.readInt32LE(off + 340) * 1000;
    if (!user || at <= 0) continue;
    const prev = out.get(user);
    if (!prev || prev.at < at) out.set(user, { at, from: host });
  }
  return out;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

export interface AccountSources {
  passwd: PasswdEntry[];
  shadow?: Map<string, ShadowStatus>;
  groups: GroupEntry[];
  sudoers: { users: Set<string>; groups: Set<string> };
  lastByUid?: Map<number, LastLogin>;
  lastByName?: Map<string, LastLogin>;
}

/** Joins the account sources into one row per passwd entry. */
export function buildAccounts(src: AccountSources): AccountItem[] {
  const gidName = new Map(src.groups.map((g) => [g.gid, g.name]));
  return src.passwd.map((p) => {
    const groupNames = new Set<string>();
    const primary = gidName.get(p.gid);
    if (primary) groupNames.add(primary);
    for (const g of src.groups) if (g.members.includes(p.name)) groupNames.add(g.name);
    const groups = [...groupNames];
    const sudoer = p.uid === 0 || src.sudoers.users.has(p.name) || src.sudoers.users.has('ALL') || groups.some((g) => src.sudoers.groups.has(g));
    const shadow = src.shadow?.get(p.name);
    const last = src.lastByUid?.get(p.uid) ?? src.lastByName?.get(p.name);
    return {
      name: p.name,
      uid: p.uid,
      gid: p.gid,
      home: p.home,
      shell: p.shell,
      loginShell: p.shell !== '' && !NON_LOGIN_SHELLS.test(p.shell),
      groups,
      sudoer,
      passwordState: shadow?.passwordState ?? 'unknown',
      ...(shadow?.passwordExpiresAt !== undefined ? { passwordExpiresAt: shadow.passwordExpiresAt } : {}),
      ...(shadow?.accountExpiresAt !== undefined ? { accountExpiresAt: shadow.accountExpiresAt } : {}),
      ...(last ? { lastLoginAt: last.at, lastLoginFrom: last.from } : {}),
    };
  });
}

/** Names of accounts other than `root` that also have uid 0 (a classic backdoor). */
export function duplicateRootAccounts(accounts: readonly AccountItem[]): string[] {
  return accounts.filter((a) => a.uid === 0 && a.name !== 'root').map((a) => a.name);
}
