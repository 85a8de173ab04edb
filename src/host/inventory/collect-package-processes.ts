/**
 * Related processes: which running processes have an installed package's files mapped
 * (/proc/<pid>/maps × dpkg's file lists /var/lib/dpkg/info/<pkg>[:arch].list). rpm and apk hosts
 * are not covered (their file lists need `rpm -ql` per package / the apk db's paths): noted as a
 * warning. Bounded: processes, bytes of maps per process, bytes of file lists, pids per package.
 */
import { readFile } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';

export interface PackageProcessBounds {
  procRoot: string;
  maxProcesses: number;
  maxMapsBytes: number;
  maxListBytes: number;
  maxPidsPerPackage: number;
}

export const DEFAULT_PACKAGE_PROCESS_BOUNDS: Omit<PackageProcessBounds, 'procRoot'> = { maxProcesses: 4096, maxMapsBytes: 1024 * 1024, maxListBytes: 128 * 1024 * 1024, maxPidsPerPackage: 256 };

/** File-backed paths of one maps file; " (deleted)" (replaced since mapped) is stripped. */
export function mappedPaths(maps: string): string[] {
  const out = new Set<string>();
  for (const line of maps.split('\n')) {
    const i = line.indexOf(' /');
    if (i < 0) continue;
    const path = line.slice(i + 1).replace(/ \(deleted\)$/, '');
    if (path.startsWith('/') && !path.startsWith('/memfd:') && !path.startsWith('/dev/') && !path.startsWith('/SYSV')) out.add(path);
  }
  return [...out];
}

/** The names a path may have in dpkg's lists on merged-/usr systems (/lib → /usr/lib…). */
export function pathAliases(path: string): string[] {
  const m = /^\/usr\/(lib|lib32|lib64|libx32|bin|sbin)(\/.*)$/.exec(path);
  if (m) return [path, `/${m[1]}${m[2]}`];
  const n = /^\/(lib|lib32|lib64|libx32|bin|sbin)(\/.*)$/.exec(path);
  if (n) return [path, `/usr/${n[1]}${n[2]}`];
  return [path];
}

/** dpkg package name of a list file name: "libc6:amd64.list" → "libc6". */
export function packageOfList(file: string): string | undefined {
  if (!file.endsWith('.list')) return undefined;
  return file.slice(0, -'.list'.length).replace(/:[^:]+$/, '');
}

/** Package name → pids of the processes that map one of its files (sorted, bounded). */
export async function collectPackageProcesses(fs: HostFs, pids: number[], b: PackageProcessBounds): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>();
  if (!(await fs.exists('/var/lib/dpkg/info'))) {
    if ((await fs.exists('/var/lib/rpm')) || (await fs.exists('/lib/apk/db'))) fs.warn('related processes: only dpkg hosts are covered');
    return result;
  }
  // Every name a mapped file may have → the pids mapping it.
  const byPath = new Map<string, Set<number>>();
  for (const pid of pids.slice(0, b.maxProcesses)) {
    let maps: string;
    try {
      const buf = await readFile(`${b.procRoot}/${pid}/maps`);
      maps = buf.subarray(0, b.maxMapsBytes).toString('utf8');
    } catch {
      continue; // Gone, or a kernel thread, or not readable.
    }
    for (const path of mappedPaths(maps)) {
      for (const alias of pathAliases(path)) {
        const set = byPath.get(alias);
        if (set) set.add(pid);
        else byPath.set(alias, new Set([pid]));
      }
    }
  }
  if (byPath.size === 0) return result;
  let budget = b.maxListBytes;
  for (const file of await fs.list('/var/lib/dpkg/info')) {
    const pkg = packageOfList(file);
    if (!pkg) continue;
    if (budget <= 0) {
      fs.warn(`related processes: dpkg file lists over ${b.maxListBytes} bytes, stopped`);
      break;
    }
    const text = await fs.text(`/var/lib/dpkg/info/${file}`, budget);
    if (text === null) continue;
    budget -= text.length;
    let pidsOf: Set<number> | undefined;
    for (const line of text.split('\n')) {
      const hit = byPath.get(line);
      if (!hit) continue;
      pidsOf ??= new Set(result.get(pkg) ?? []);
      for (const p of hit) pidsOf.add(p);
    }
    if (pidsOf) result.set(pkg, [...pidsOf].sort((x, y) => x - y).slice(0, b.maxPidsPerPackage));
  }
  return result;
}
