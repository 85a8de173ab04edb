import { readSync } from 'node:fs';
import { open, opendir } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';
import type { SoftwareItem } from './inventory-types.js';
import { jarNameFromFile, parseJarManifest, parseNpmPackageJson, parsePythonMetadata } from './parse-packages.js';
import { readZipEntry, type ByteSource } from './zip-entry.js';

export interface LangPackageBounds {
  /** Roots searched for `node_modules` and `*.jar` (web roots, /opt, /srv…). */
  appRoots: readonly string[];
  maxDepth: number;
  maxDirs: number;
  maxItems: number;
}

export const DEFAULT_APP_ROOTS = ['/var/www', '/srv', '/opt', '/usr/share/java', '/var/lib/tomcat9', '/var/lib/tomcat10', '/usr/share/tomcat9', '/usr/share/tomcat10'];
const PYTHON_LIB_DIRS = ['/usr/lib', '/usr/local/lib', '/usr/lib64', '/usr/local/lib64'];
const GLOBAL_NODE_MODULES = ['/usr/lib/node_modules', '/usr/local/lib/node_modules'];
const SKIP_DIRS = new Set(['.git', 'proc', 'sys', 'dev']);

async function pip(fs: HostFs, limit: number): Promise<SoftwareItem[]> {
  const out: SoftwareItem[] = [];
  for (const lib of PYTHON_LIB_DIRS) {
    for (const py of await fs.list(lib)) {
      if (!/^python\d/.test(py)) continue;
      for (const sub of ['dist-packages', 'site-packages']) {
        const dir = `${lib}/${py}/${sub}`;
        if (py === 'python3' && sub === 'site-packages') continue;
        for (const entry of await fs.list(dir)) {
          if (out.length >= limit) return out;
          let meta: string | null = null;
          if (entry.endsWith('.dist-info')) meta = await fs.text(`${dir}/${entry}/METADATA`, 4 * 1024 * 1024);
          else if (entry.endsWith('.egg-info')) meta = (await fs.text(`${dir}/${entry}/PKG-INFO`, 4 * 1024 * 1024)) ?? (await fs.text(`${dir}/${entry}`, 4 * 1024 * 1024));
          else continue;
          const parsed = meta === null ? null : parsePythonMetadata(meta);
          if (parsed) out.push({ source: 'pip', name: parsed.name, version: parsed.version, path: `${dir}/${entry}` });
        }
      }
    }
  }
  return out;
}

async function packagesInNodeModules(fs: HostFs, dir: string, out: SoftwareItem[], limit: number): Promise<void> {
  for (const entry of await fs.list(dir)) {
    if (out.length >= limit) return;
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? (await fs.list(`${dir}/${entry}`)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) {
      const path = `${dir}/${name}/package.json`;
      const text = await fs.text(path, 1024 * 1024);
      const parsed = text === null ? null : parseNpmPackageJson(text);
      if (parsed && out.length < limit) out.push({ source: 'npm', name: parsed.name, version: parsed.version, path });
    }
  }
}

function fileSource(fd: Awaited<ReturnType<typeof open>>, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      // A synchronous read through the handle's fd keeps readZipEntry pure and simple.
      let done = 0;
      while (done < buf.length) {
        const n = readSync(fd.fd, buf, done, buf.length - done, offset + done);
        if (n <= 0) break;
        done += n;
      }
      return buf.subarray(0, done);
    },
  };
}

async function jar(fs: HostFs, path: string): Promise<SoftwareItem> {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const fromName = jarNameFromFile(fileName);
  let manifest: { name?: string; version?: string } = {};
  try {
    const fh = await open(fs.path(path), 'r');
    try {
      const { size } = await fh.stat();
      const mf = readZipEntry(fileSource(fh, size), 'META-INF/MANIFEST.MF', 256 * 1024);
      if (mf) manifest = parseJarManifest(mf.toString('utf8'));
    } finally {
      await fh.close();
    }
  } catch {
    fs.warn(`${path}: unreadable jar`);
  }
  // The file name is the more stable artifact id; the manifest fills a missing version.
  return { source: 'jar', name: fromName.name, version: fromName.version || manifest.version || '', path };
}

/** Bounded breadth-first walk of the app roots for node_modules dirs and jars. */
async function walkAppRoots(fs: HostFs, bounds: LangPackageBounds, limit: number): Promise<SoftwareItem[]> {
  const out: SoftwareItem[] = [];
  const queue: Array<{ dir: string; depth: number }> = bounds.appRoots.map((dir) => ({ dir, depth: 0 }));
  let visited = 0;
  while (queue.length > 0 && out.length < limit) {
    const { dir, depth } = queue.shift() as { dir: string; depth: number };
    if (++visited > bounds.maxDirs) {
      fs.warn(`language packages: stopped after ${bounds.maxDirs} directories`);
      break;
    }
    let handle;
    try {
      handle = await opendir(fs.path(dir));
    } catch {
      continue;
    }
    for await (const ent of handle) {
      const path = `${dir}/${ent.name}`;
      if (ent.isDirectory()) {
        if (ent.name === 'node_modules') await packagesInNodeModules(fs, path, out, limit);
        else if (depth + 1 < bounds.maxDepth && !SKIP_DIRS.has(ent.name)) queue.push({ dir: path, depth: depth + 1 });
      } else if (ent.isFile() && ent.name.toLowerCase().endsWith('.jar') && out.length < limit) {
        out.push(await jar(fs, path));
      }
    }
  }
  if (out.length >= limit) fs.warn(`language packages: capped at ${limit}`);
  return out;
}

export async function collectLanguagePackages(fs: HostFs, bounds: LangPackageBounds): Promise<SoftwareItem[]> {
  const out = await pip(fs, bounds.maxItems);
  const npmGlobal: SoftwareItem[] = [];
  for (const dir of GLOBAL_NODE_MODULES) await packagesInNodeModules(fs, dir, npmGlobal, bounds.maxItems);
  out.push(...npmGlobal, ...(await walkAppRoots(fs, bounds, bounds.maxItems)));
  // The same file can be reached twice (a root inside another): keep one per (source, path).
  const seen = new Set<string>();
  return out.filter((s) => {
    const k = `${s.source}\0${s.path ?? ''}\0${s.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
