/**
 * The host's OS package inventory for vulnerability matching: OSV ecosystem from os-release,
 * installed packages from dpkg-query, rpm or the apk database, running kernel from uname.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { promisify } from 'node:util';
import type { HostInventory, HostPackage } from '../engines/vulnmatch/index.js';

const run = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

/** OSV ecosystem name of the OS described by os-release, or an error naming what is missing. */
export function osvEcosystemOf(os: Record<string, string>): string {
  const id = (os.ID ?? '').toLowerCase();
  const ver = os.VERSION_ID ?? '';
  const major = ver.split('.')[0] ?? '';
  if (!ver) throw new Error(`os-release has no VERSION_ID (ID=${id || 'unknown'}): cannot choose advisories`);
  switch (id) {
    case 'debian':
      return `Debian:${major}`;
    case 'ubuntu':
      return /\bLTS\b/.test(os.VERSION ?? '') ? `Ubuntu:${ver}:LTS` : `Ubuntu:${ver}`;
    case 'almalinux':
      return `AlmaLinux:${major}`;
    case 'rocky':
      return `Rocky Linux:${major}`;
    case 'alpine':
      return `Alpine:v${ver.split('.').slice(0, 2).join('.')}`;
    default:
      throw new Error(`no OSV ecosystem known for ID=${id || 'unknown'} ${ver}`);
  }
}

/** `dpkg-query -W` lines: status, package, version, source, architecture (tab separated). */
export function parseDpkgQuery(text: string): HostPackage[] {
  const out: HostPackage[] = [];
  for (const line of text.split('\n')) {
    const [status = '', name = '', version = '', source = '', arch = ''] = line.split('\t');
    // Second letter of db:Status-Abbrev is the current state; only installed packages count.
    if (status[1] !== 'i' || !name || !version) continue;
    out.push({ name, version, ...(source ? { source } : {}), ...(arch ? { arch } : {}) });
  }
  return out;
}

/** `rpm -qa` lines: name, [epoch:]version-release, arch. */
export function parseRpmQuery(text: string): HostPackage[] {
  const out: HostPackage[] = [];
  for (const line of text.split('\n')) {
    const [name = '', evr = '', arch = ''] = line.split('\t');
    if (!name || !evr || name === 'gpg-pubkey') continue;
    out.push({ name, version: evr, ...(arch && arch !== '(none)' ? { arch } : {}) });
  }
  return out;
}

/** /lib/apk/db/installed: blank-line separated stanzas with P: name, V: version, o: origin, A: arch. */
export function parseApkInstalled(text: string): HostPackage[] {
  const out: HostPackage[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const f: Record<string, string> = {};
    for (const line of stanza.split('\n')) if (line[1] === ':') f[line[0] as string] = line.slice(2);
    if (!f.P || !f.V) continue;
    out.push({ name: f.P, version: f.V, ...(f.o ? { source: f.o } : {}), ...(f.A ? { arch: f.A } : {}) });
  }
  return out;
}

export async function readHostInventory(osEcosystem: string, scheme: 'dpkg' | 'rpm' | 'apk'): Promise<HostInventory> {
  let packages: HostPackage[];
  if (scheme === 'dpkg') {
    const { stdout } = await run('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Version}\t${Source}\t${Architecture}\n'], {
      maxBuffer: MAX_OUTPUT,
    });
    packages = parseDpkgQuery(stdout);
  } else if (scheme === 'rpm') {
    const { stdout } = await run('rpm', ['-qa', '--qf', '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\n'], { maxBuffer: MAX_OUTPUT });
    packages = parseRpmQuery(stdout);
  } else {
    packages = parseApkInstalled(await readFile('/lib/apk/db/installed', 'utf8'));
  }
  return { osEcosystem, kernelRelease: release(), packages };
}
