import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';
import type { SoftwareItem } from './inventory-types.js';
import type { RpmdbFileRead } from './rpmdb-blobs.js';
import { readRpmdbBdb } from './rpmdb-bdb.js';
import { readRpmdbNdb } from './rpmdb-ndb.js';
import { RPMDB_SQLITE_PATHS, readRpmdbSqlite } from './rpmdb-sqlite.js';
import { parseApkInstalled, parseDpkgStatus, parseRpmQuery, RPM_QUERY_FORMAT } from './parse-packages.js';

/** dpkg from its status database; install time = mtime of the package's file list. */
async function dpkg(fs: HostFs): Promise<SoftwareItem[]> {
  const text = await fs.text('/var/lib/dpkg/status', 256 * 1024 * 1024);
  if (text === null) return [];
  const items = parseDpkgStatus(text);
  for (const it of items) {
    for (const list of [`/var/lib/dpkg/info/${it.name}:${it.arch ?? ''}.list`, `/var/lib/dpkg/info/${it.name}.list`]) {
      try {
        it.installTime = Math.round((await stat(fs.path(list))).mtimeMs);
        break;
      } catch {
        // Try the next naming scheme (multi-arch packages carry `:arch`).
      }
    }
  }
  return items;
}

/** BerkeleyDB `Packages` (RHEL ≤ 8, CentOS 7, Amazon Linux 2) and ndb `Packages.db` (SUSE). */
const RPMDB_FILE_READERS: { paths: readonly string[]; read: (file: string) => RpmdbFileRead }[] = [
  { paths: ['/var/lib/rpm/Packages', '/usr/lib/sysimage/rpm/Packages'], read: (f) => readRpmdbBdb(f) },
  { paths: ['/var/lib/rpm/Packages.db', '/usr/lib/sysimage/rpm/Packages.db'], read: (f) => readRpmdbNdb(f) },
];

/**
 * rpm, read directly — no shelling out — in the order rpmdb.sqlite (RHEL 9, Fedora), BerkeleyDB
 * `Packages`, ndb `Packages.db`: the first database that reads wins; an unreadable one is a warning
 * and the next is tried. Header blobs are parsed here, giving the items `rpm -qa` gives. The live
 * host falls back to `rpm -qa` when none reads, and also when an rpmdb.sqlite is there but
 * better-sqlite3 is not (the single-file agent): a Packages file beside it would be a stale
 * leftover. Under another root (a container image) there is no fallback.
 */
async function rpm(fs: HostFs): Promise<SoftwareItem[]> {
  let sqliteWithoutDriver = false;
  for (const p of RPMDB_SQLITE_PATHS) {
    if (!(await fs.exists(p))) continue;
    try {
      const r = await readRpmdbSqlite(fs.path(p));
      if (r) {
        if (r.bad > 0) fs.warn(`${p}: ${r.bad} package header(s) could not be parsed`);
        return r.items;
      }
      sqliteWithoutDriver = true;
    } catch (err) {
      fs.warn(`${p}: cannot read (${err instanceof Error ? err.message : String(err)})`);
    }
    break;
  }
  for (const { paths, read } of sqliteWithoutDriver ? [] : RPMDB_FILE_READERS) {
    for (const p of paths) {
      if (!(await fs.exists(p))) continue;
      try {
        const r = read(fs.path(p));
        if (r.bad > 0) fs.warn(`${p}: ${r.bad} package header(s) could not be parsed (${r.problems.join('; ')})`);
        return r.items;
      } catch (err) {
        fs.warn(`${p}: cannot read (${err instanceof Error ? err.message : String(err)})`);
      }
      break;
    }
  }
  const hasDb = (await fs.exists('/var/lib/rpm')) || (await fs.exists('/usr/lib/sysimage/rpm'));
  if (!hasDb || fs.root !== '/') return [];
  const out = await new Promise<string | null>((resolve) => {
    execFile('rpm', ['-qa', '--qf', RPM_QUERY_FORMAT], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout) => resolve(err ? null : stdout));
  });
  if (out === null) {
    fs.warn('rpm: database present but `rpm -qa` failed or rpm is not installed');
    return [];
  }
  return parseRpmQuery(out);
}

async function apk(fs: HostFs): Promise<SoftwareItem[]> {
  const text = await fs.text('/lib/apk/db/installed', 256 * 1024 * 1024);
  return text === null ? [] : parseApkInstalled(text);
}

export async function collectOsPackages(fs: HostFs): Promise<SoftwareItem[]> {
  return [...(await dpkg(fs)), ...(await rpm(fs)), ...(await apk(fs))];
}
