/**
 * The JSON/CSV files of an import source: a directory (walked, symlinks not followed), one file,
 * a .zip (unpacked into a temporary directory by the system `unzip`, argument array only) or a
 * .tar.gz (read in memory).
 */
import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { readTarGz } from './tar-reader.js';

/** Bounds for hostile input: files walked, directory depth, archive size. */
export const IMPORT_LIMITS = { maxFiles: 500_000, maxDepth: 16, maxArchiveBytes: 512 * 1024 * 1024 } as const;

export interface ImportItem {
  /** Name for reports: relative to the directory or archive root. */
  name: string;
  size: number;
  read(): Promise<string>;
}

export interface ImportSource {
  items: ImportItem[];
  /** Removes the temporary directory of an unpacked archive. */
  cleanup(): Promise<void>;
}

const WANTED = /\.(json|csv)$/i;

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 4096) err += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd} exited with ${code}: ${err.trim().slice(0, 500)}`))));
  });
}

async function walk(root: string, dir: string, out: ImportItem[], depth: number): Promise<void> {
  if (depth > IMPORT_LIMITS.maxDepth) return;
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (out.length >= IMPORT_LIMITS.maxFiles) return;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(root, p, out, depth + 1);
    else if (e.isFile() && WANTED.test(e.name)) {
      const st = await lstat(p);
      out.push({ name: relative(root, p), size: st.size, read: () => readFile(p, 'utf8') });
    }
  }
}

export async function collectImportFiles(path: string): Promise<ImportSource> {
  const st = await lstat(path);
  const none = async (): Promise<void> => undefined;
  const items: ImportItem[] = [];
  if (st.isDirectory()) {
    await walk(path, path, items, 0);
    return { items, cleanup: none };
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) {
    if (st.size > IMPORT_LIMITS.maxArchiveBytes) throw new Error(`archive larger than ${IMPORT_LIMITS.maxArchiveBytes} bytes`);
    for (const e of readTarGz(await readFile(path), (n) => WANTED.test(n))) {
      if (items.length >= IMPORT_LIMITS.maxFiles) break;
      items.push({ name: e.name, size: e.data.length, read: async () => e.data.toString('utf8') });
    }
    return { items, cleanup: none };
  }
  if (!lower.endsWith('.zip')) return { items: [{ name: basename(path), size: st.size, read: () => readFile(path, 'utf8') }], cleanup: none };
  const tmp = await mkdtemp(join(tmpdir(), 'vigil-vulndb-'));
  const cleanup = (): Promise<void> => rm(tmp, { recursive: true, force: true });
  try {
    // unzip refuses "../" member paths; the absolute path can never be read as an option.
    await run('unzip', ['-qq', '-o', resolve(path), '-d', tmp]);
    await walk(tmp, tmp, items, 0);
    return { items, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
