/**
 * Passwords kept in clear in service configuration files, judged with the seed's rule (length,
 * character classes, user name, dictionary): Tomcat `tomcat-users.xml`, rsync secrets files
 * (`user:password`, and their file mode), SVN `passwd` (`[users]` section) and vsftpd virtual
 * users (the db_load text source: user and password on alternating lines). Pure: callers pass the
 * file text (and mode); findings name the account, the file and the fix, never the password.
 */
import { dictionaryFor, type WeakDictionary } from './dictionary.js';
import type { WeakpassFinding } from './findings.js';
import { checkPassword } from './password-rules.js';

export type ConfigSecretKind = 'tomcat' | 'rsync' | 'svn' | 'vsftpd';

export interface ConfigAccount {
  user: string;
  password: string;
  /** Tomcat roles, when the file has them. */
  roles?: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? '';
  });

/** `<user username=".." password=".." roles=".."/>` elements outside XML comments (Tomcat 5's `name=` too). */
export function parseTomcatUsers(xml: string): ConfigAccount[] {
  const text = xml.replace(/<!--[\s\S]*?(-->|$)/g, '');
  const out: ConfigAccount[] = [];
  for (const m of text.matchAll(/<user\b([^>]*)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? '').matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs[(a[1] ?? '').toLowerCase()] = unescapeXml(a[3] ?? a[4] ?? '');
    const user = attrs.username ?? attrs.name;
    if (user === undefined || attrs.password === undefined) continue;
    out.push({ user, password: attrs.password, roles: (attrs.roles ?? '').split(',').map((r) => r.trim()).filter((r) => r.length > 0) });
  }
  return out;
}

/** rsync secrets: `user:password` per line; `#` comments; the password is everything after the first colon. */
export function parseRsyncSecrets(text: string): ConfigAccount[] {
  const out: ConfigAccount[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim().length === 0 || line.trimStart().startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out.push({ user: line.slice(0, i).trim(), password: line.slice(i + 1) });
  }
  return out;
}

/** `secrets file = …` paths of an rsyncd.conf (global and per module). */
export function rsyncSecretsFiles(conf: string): string[] {
  const out = new Set<string>();
  for (const m of conf.matchAll(/^\s*secrets\s+file\s*=\s*(.+?)\s*$/gim)) out.add(m[1] as string);
  return [...out];
}

/** svnserve `passwd`: `name = password` lines of the `[users]` section. */
export function parseSvnPasswd(text: string): ConfigAccount[] {
  const out: ConfigAccount[] = [];
  let inUsers = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      inUsers = (section[1] ?? '').trim().toLowerCase() === 'users';
      continue;
    }
    if (!inUsers) continue;
    const i = line.indexOf('=');
    if (i <= 0) continue;
    out.push({ user: line.slice(0, i).trim(), password: line.slice(i + 1).trim() });
  }
  return out;
}

/** vsftpd virtual users' db_load source (`db_load -T -t hash -f users.txt users.db`): user, password, user, password … */
export function parseVsftpdVirtualUsers(text: string): ConfigAccount[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  const out: ConfigAccount[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) out.push({ user: lines[i] as string, password: lines[i + 1] as string });
  return out;
}

/** `db=` of pam_userdb lines in /etc/pam.d/vsftpd (the .db file; its text source is usually beside it). */
export function pamUserdbPaths(pam: string): string[] {
  const out = new Set<string>();
  for (const m of pam.matchAll(/pam_userdb\.so\b[^\n]*?\bdb=(\S+)/g)) out.add(m[1] as string);
  return [...out];
}

/** Tomcat stores digests as `salt$iterations$hex` or plain hex when a CredentialHandler is set. */
function looksDigested(pw: string): boolean {
  return /^([0-9a-f]+\$\d+\$)?[0-9a-f]{32,}$/i.test(pw);
}

const PRIVILEGED_TOMCAT_ROLES = ['manager-gui', 'manager-script', 'manager-jmx', 'admin-gui', 'admin-script', 'manager', 'admin'];

function fixFor(kind: ConfigSecretKind, file: string, user: string): string {
  switch (kind) {
    case 'tomcat':
      return `In ${file} give user "${user}" a strong password (or remove the user), grant manager/admin roles only to accounts that need them, preferably store digests (CredentialHandler + bin/digest.sh), and restart Tomcat.`;
    case 'rsync':
      return `In ${file} change the password of "${user}" (and the clients' --password-file), keep the file 'chmod 600' owned by root, and restart rsync.`;
    case 'svn':
      return `In ${file} ([users]) change the password of "${user}", set 'anon-access = none' and 'password-db' in svnserve.conf, and restart svnserve.`;
    case 'vsftpd':
      return `In ${file} change the password of virtual user "${user}", rebuild the database ('db_load -T -t hash -f ${file} <db>.db'), 'chmod 600' both files and remove the text source if it is not needed.`;
  }
}

const LABEL: Record<ConfigSecretKind, string> = { tomcat: 'Tomcat', rsync: 'rsync', svn: 'SVN', vsftpd: 'vsftpd virtual' };

export function configSecretFindings(kind: ConfigSecretKind, file: string, accounts: readonly ConfigAccount[], dict: WeakDictionary): WeakpassFinding[] {
  const out: WeakpassFinding[] = [];
  for (const a of accounts) {
    if (kind === 'tomcat' && looksDigested(a.password)) continue;
    const verdict = checkPassword(a.password, { user: a.user, dictionary: dictionaryFor(a.user, dict) });
    if (verdict.strong) continue;
    const privileged = (a.roles ?? []).filter((r) => PRIVILEGED_TOMCAT_ROLES.includes(r));
    const empty = a.password.length === 0;
    out.push({
      kind: empty ? 'empty_password' : 'weak_password',
      category: 'weak_password',
      level: kind === 'tomcat' && privileged.length === 0 ? 'medium' : 'high',
      service: kind,
      account: a.user,
      target: file,
      reason: `${LABEL[kind]} user "${a.user}" in ${file} has ${empty ? 'an empty' : 'a weak'} password${privileged.length ? ` and the roles ${privileged.join(', ')}` : ''}`,
      brokenRules: verdict.failed,
      fix: fixFor(kind, file, a.user),
    });
  }
  return out;
}

/** A secrets file readable or writable by group/other (rsync refuses it with `strict modes`, and local users can read it). */
export function secretFileModeFindings(kind: ConfigSecretKind, file: string, mode: number): WeakpassFinding[] {
  const perm = mode & 0o777;
  if ((perm & 0o077) === 0) return [];
  return [
    {
      kind: 'exposed_secret_file',
      category: 'weak_password',
      level: (perm & 0o007) !== 0 ? 'high' : 'medium',
      service: kind,
      account: '(file)',
      target: file,
      reason: `${file} holds ${LABEL[kind]} passwords with mode ${perm.toString(8).padStart(3, '0')} (group/other can access it; expected 600)`,
      fix: `chmod 600 ${file} && chown root:root ${file}`,
    },
  ];
}
