import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';
import type { SoftwareItem } from './inventory-types.js';
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
 * rpm through `rpm -qa` when an rpm database exists: the rpm library reads every backend
 * (BerkeleyDB, ndb, sqlite) exactly; without the binary the source is reported as a warning.
 */
async function rpm(fs: HostFs): Promise<SoftwareItem[]> {
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
