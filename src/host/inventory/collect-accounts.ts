import { open } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';
import type { AccountItem } from './inventory-types.js';
import { buildAccounts, parseGroup, parseLastlog, parsePasswd, parseShadow, parseSudoers, parseWtmp, UTMP_RECORD } from './parse-accounts.js';

const MAX_SUDOERS_FILES = 200;
/** Only the newest part of wtmp is read: enough for recent logins, bounded on busy hosts. */
const WTMP_TAIL_RECORDS = 50_000;

export async function collectAccounts(fs: HostFs): Promise<AccountItem[]> {
  const passwdText = await fs.text('/etc/passwd', 16 * 1024 * 1024, false);
  if (passwdText === null) return [];
  const passwd = parsePasswd(passwdText);
  const shadowText = await fs.text('/etc/shadow', 16 * 1024 * 1024, false);
  const groups = parseGroup((await fs.text('/etc/group')) ?? '');

  let sudoersText = (await fs.text('/etc/sudoers')) ?? '';
  for (const name of (await fs.list('/etc/sudoers.d')).slice(0, MAX_SUDOERS_FILES)) {
    // sudo skips files with a dot or ending in ~ in includedir.
    if (name.includes('.') || name.endsWith('~')) continue;
    sudoersText += `\n${(await fs.text(`/etc/sudoers.d/${name}`, 1024 * 1024)) ?? ''}`;
  }

  const maxUid = passwd.reduce((m, p) => Math.max(m, p.uid), 0);
  // lastlog is sparse and indexed by uid; huge uids (nobody = 65534) make it large, so cap the read.
  const lastlog = await fs.bytes('/var/log/lastlog', Math.min(64 * 1024 * 1024, (maxUid + 1) * 292 + 292));
  const wtmp = await readTail(fs, '/var/log/wtmp', WTMP_TAIL_RECORDS * UTMP_RECORD);
  return buildAccounts({
    passwd,
    ...(shadowText !== null ? { shadow: parseShadow(shadowText) } : {}),
    groups,
    sudoers: parseSudoers(sudoersText),
    ...(lastlog ? { lastByUid: parseLastlog(lastlog, passwd.map((p) => p.uid)) } : {}),
    ...(wtmp ? { lastByName: parseWtmp(wtmp) } : {}),
  });
}

async function readTail(fs: HostFs, path: string, maxBytes: number): Promise<Buffer | null> {
  try {
    const fh = await open(fs.path(path), 'r');
    try {
      const { size } = await fh.stat();
      const len = Math.min(size, maxBytes);
      // Align to whole records from the end.
      const start = size - len + ((size - len) % UTMP_RECORD === 0 ? 0 : UTMP_RECORD - ((size - len) % UTMP_RECORD));
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return buf;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}
