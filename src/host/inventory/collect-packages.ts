import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';
import type { SoftwareItem } from './inventory-types.js';
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

/**
 * rpm: an rpmdb.sqlite (RHEL 9, Fedora) is read directly — package header blobs parsed here, no
 * shelling out. BerkeleyDB (RHEL ≤ 8) and ndb (SUSE) databases go through `rpm -qa`, which reads every
 * backend exactly; without the binary the source is reported as a warning.
 */
async function rpm(fs: HostFs): Promise<SoftwareItem[]> {
  for (const p of RPMDB_SQLITE_PATHS) {
    if (!(await fs.exists(p))) continue;
    try {
      const r = await readRpmdbSqlite(fs.path(p));
      if (r) {
        if (r.bad > 0) fs.warn(`${p}: ${r.bad} package header(s) could not be parsed`);
        return r.items;
      }
    } catch (err) {
      fs.warn(`${p}: cannot read (${err instanceof Error ? err.message : String(err)}); trying rpm -qa`);
    }
    break;
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
