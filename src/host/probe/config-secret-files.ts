/**
 * Finds and reads the service files that keep passwords in clear (Tomcat, rsync, SVN, vsftpd
 * virtual users) and turns them into weak-password findings with the pure parsers of
 * engines/weakpass/config-secrets.ts. Paths are configurable: explicit files per kind, plus the
 * usual locations (globbed one directory level) and the files named by rsyncd.conf / pam_userdb.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WeakDictionary } from '../../engines/weakpass/dictionary.js';
import type { WeakpassFinding } from '../../engines/weakpass/findings.js';
import {
  configSecretFindings,
  pamUserdbPaths,
  parseRsyncSecrets,
  parseSvnPasswd,
  parseTomcatUsers,
  parseVsftpdVirtualUsers,
  rsyncSecretsFiles,
  secretFileModeFindings,
  type ConfigSecretKind,
} from '../../engines/weakpass/config-secrets.js';

export type ConfigSecretPaths = Partial<Record<ConfigSecretKind, string[]>> & {
  /** rsyncd.conf files whose `secrets file` entries are checked. Default /etc/rsyncd.conf. */
  rsyncdConf?: string[];
  /** PAM files whose pam_userdb `db=` is looked up (`<db>.txt`). Default /etc/pam.d/vsftpd. */
  pamVsftpd?: string[];
};

/** Expands a path whose segments may hold `*` wildcards (one directory level each), by reading directories. */
export function expandPattern(pattern: string): string[] {
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : (parts[0] as string)];
  for (const seg of parts.slice(1)) {
    if (seg.length === 0) continue;
    const next: string[] = [];
    for (const b of bases) {
      if (!seg.includes('*')) {
        next.push(join(b, seg));
        continue;
      }
      const re = new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      try {
        for (const n of readdirSync(b).sort()) if (re.test(n)) next.push(join(b, n));
      } catch {
        // missing directory: no match
      }
    }
    bases = next;
  }
  return bases;
}

export const DEFAULT_CONFIG_SECRET_PATHS: Required<ConfigSecretPaths> = {
  tomcat: ['/etc/tomcat*/tomcat-users.xml', '/opt/tomcat*/conf/tomcat-users.xml', '/usr/local/tomcat*/conf/tomcat-users.xml', '/usr/share/tomcat*/conf/tomcat-users.xml'],
  rsync: ['/etc/rsyncd.secrets', '/etc/rsync.password', '/etc/rsyncd.pass'],
  svn: ['/srv/svn/*/conf/passwd', '/var/svn/*/conf/passwd', '/home/svn/*/conf/passwd', '/opt/svn/*/conf/passwd'],
  vsftpd: ['/etc/vsftpd/virtual_users.txt', '/etc/vsftpd/vuser.txt', '/etc/vsftpd/vusers.txt', '/etc/vsftpd/loginusers.txt'],
  rsyncdConf: ['/etc/rsyncd.conf', '/etc/rsync/rsyncd.conf'],
  pamVsftpd: ['/etc/pam.d/vsftpd'],
};

/** `VIGIL_WEAKPASS_<KIND>_FILES` (colon-separated) replace the defaults of that kind. */
export function configSecretPathsFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigSecretPaths {
  const out: ConfigSecretPaths = {};
  const keys: Array<[keyof ConfigSecretPaths, string]> = [['tomcat', 'TOMCAT'], ['rsync', 'RSYNC'], ['svn', 'SVN'], ['vsftpd', 'VSFTPD'], ['rsyncdConf', 'RSYNCD_CONF'], ['pamVsftpd', 'PAM_VSFTPD']];
  for (const [k, name] of keys) {
    const v = env[`VIGIL_WEAKPASS_${name}_FILES`];
    if (v !== undefined) out[k] = v.split(':').filter((s) => s.length > 0);
  }
  return out;
}

const MAX_FILE = 1024 * 1024;

function readSmall(path: string): { text: string; mode: number } | null {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FILE) return null;
    return { text: readFileSync(path, 'utf8'), mode: st.mode };
  } catch {
    return null;
  }
}

export interface ConfigSecretScan {
  /** Files read per kind. */
  files: Record<ConfigSecretKind, string[]>;
  findings: Record<ConfigSecretKind, WeakpassFinding[]>;
}

export function scanConfigSecrets(paths: ConfigSecretPaths, dict: WeakDictionary): ConfigSecretScan {
  const p = { ...DEFAULT_CONFIG_SECRET_PATHS, ...paths };
  const lists: Record<ConfigSecretKind, Set<string>> = { tomcat: new Set(), rsync: new Set(), svn: new Set(), vsftpd: new Set() };
  for (const kind of ['tomcat', 'rsync', 'svn', 'vsftpd'] as const) for (const pat of p[kind]) for (const f of expandPattern(pat)) lists[kind].add(f);
  for (const conf of p.rsyncdConf) {
    const c = readSmall(conf);
    if (c) for (const f of rsyncSecretsFiles(c.text)) lists.rsync.add(f.startsWith('/') ? f : join(dirname(conf), f));
  }
  for (const pam of p.pamVsftpd) {
    const c = readSmall(pam);
    if (c) for (const db of pamUserdbPaths(c.text)) lists.vsftpd.add(`${db.replace(/\.db$/, '')}.txt`);
  }
  const parse = { tomcat: parseTomcatUsers, rsync: parseRsyncSecrets, svn: parseSvnPasswd, vsftpd: parseVsftpdVirtualUsers } as const;
  const out: ConfigSecretScan = { files: { tomcat: [], rsync: [], svn: [], vsftpd: [] }, findings: { tomcat: [], rsync: [], svn: [], vsftpd: [] } };
  for (const kind of ['tomcat', 'rsync', 'svn', 'vsftpd'] as const) {
    for (const file of lists[kind]) {
      const c = readSmall(file);
      if (!c) continue;
      out.files[kind].push(file);
      out.findings[kind].push(...configSecretFindings(kind, file, parse[kind](c.text), dict));
      if (kind === 'rsync' || kind === 'vsftpd') out.findings[kind].push(...secretFileModeFindings(kind, file, c.mode));
    }
  }
  return out;
}
