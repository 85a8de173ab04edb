import { constants } from 'node:fs';
import { lstat, open, opendir, realpath, stat } from 'node:fs/promises';
import type { Dir } from 'node:fs';

export interface WalkStats {
  files: number;
  bytes: number;
  skipped: { tooLarge: number; binary: number; symlinkOutside: number; unreadable: number };
}

export interface WalkOptions {
  /** Files larger than this are counted as tooLarge and not read (default 10 MiB). */
  maxFileBytes?: number;
  /** Skip files with a NUL byte in their first 8 KiB (default true). */
  skipBinary?: boolean;
  /** Stop after this many yielded files (default: no limit). */
  maxFiles?: number;
  /** Directory names never entered (default: .git, node_modules). */
  skipDirs?: readonly string[];
}

export interface WalkedFile {
  /** Exact path bytes (names need not be UTF-8). */
  path: Buffer;
  /** Path for display: UTF-8 with invalid bytes replaced. */
  displayPath: string;
  bytes: Buffer;
}

export function newWalkStats(): WalkStats {
  return { files: 0, bytes: 0, skipped: { tooLarge: 0, binary: 0, symlinkOutside: 0, unreadable: 0 } };
}

const SLASH = Buffer.from('/');
const BINARY_PROBE = 8 * 1024;

function join(dir: Buffer, name: Buffer): Buffer {
  return dir.length > 0 && dir[dir.length - 1] === 0x2f ? Buffer.concat([dir, name]) : Buffer.concat([dir, SLASH, name]);
}

function inside(root: Buffer, p: Buffer): boolean {
  if (p.equals(root)) return true;
  const prefix = root[root.length - 1] === 0x2f ? root : Buffer.concat([root, SLASH]);
  return p.length > prefix.length && p.subarray(0, prefix.length).equals(prefix);
}

/**
 * Walk `root` depth-first and yield regular files one at a time (memory stays bounded by one
 * file). Never leaves the root through symlinks, tolerates unreadable entries and arbitrary
 * name bytes, and counts what it skipped in `stats`.
 */
export async function* walkFiles(root: string | Buffer, opts: WalkOptions = {}, stats: WalkStats = newWalkStats()): AsyncGenerator<WalkedFile> {
  const maxBytes = opts.maxFileBytes ?? 10 * 1024 * 1024;
  const skipBinary = opts.skipBinary ?? true;
  const skipDirs = new Set(opts.skipDirs ?? ['.git', 'node_modules']);
  const rootReal = await realpath(typeof root === 'string' ? Buffer.from(root) : root, { encoding: 'buffer' });
  const stack: Buffer[] = [rootReal];
  while (stack.length > 0) {
    const dirPath = stack.pop();
    if (!dirPath) break;
    let dir: Dir | undefined;
    try {
      dir = await opendir(dirPath as unknown as string, { encoding: 'buffer' as BufferEncoding });
    } catch {
      stats.skipped.unreadable++;
      continue;
    }
    const subdirs: Buffer[] = [];
    try {
      for await (const entry of dir) {
        // With encoding 'buffer' the runtime hands back Buffer names; the typings only know strings.
        const name = entry.name as unknown as Buffer;
        const full = join(dirPath, name);
        if (entry.isDirectory()) {
          if (!skipDirs.has(name.toString('latin1'))) subdirs.push(full);
          continue;
        }
        let target = full;
        if (entry.isSymbolicLink()) {
          let real: Buffer;
          try {
            real = await realpath(full, { encoding: 'buffer' });
          } catch {
            stats.skipped.unreadable++;
            continue;
          }
          if (!inside(rootReal, real)) {
            stats.skipped.symlinkOutside++;
            continue;
          }
          // Links to directories inside the root are walked at their real location already.
          const st = await stat(real).catch(() => undefined);
          if (!st?.isFile()) continue;
          target = real;
        } else if (!entry.isFile()) {
          continue; // sockets, FIFOs, devices: never opened
        }
        const file = await readBounded(target, full, maxBytes, skipBinary, stats);
        if (!file) continue;
        stats.files++;
        stats.bytes += file.bytes.length;
        yield file;
        if (opts.maxFiles !== undefined && stats.files >= opts.maxFiles) return;
      }
    } catch {
      stats.skipped.unreadable++;
    }
    stack.push(...subdirs.reverse());
  }
}

async function readBounded(target: Buffer, shown: Buffer, maxBytes: number, skipBinary: boolean, stats: WalkStats): Promise<WalkedFile | undefined> {
  let fh;
  try {
    // O_NOFOLLOW: a file swapped for a symlink after the check is refused, not followed.
    fh = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    stats.skipped.unreadable++;
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    if (st.size > maxBytes) {
      stats.skipped.tooLarge++;
      return undefined;
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const { bytesRead } = await fh.read(buf, off, st.size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    const bytes = buf.subarray(0, off);
    if (skipBinary && bytes.subarray(0, BINARY_PROBE).includes(0)) {
      stats.skipped.binary++;
      return undefined;
    }
    return { path: shown, displayPath: shown.toString('utf8'), bytes };
  } catch {
    stats.skipped.unreadable++;
    return undefined;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** lstat that reports failure as undefined (for callers checking a root before walking). */
export async function statRoot(p: string): Promise<'dir' | 'file' | undefined> {
  const st = await lstat(p).catch(() => undefined);
  if (!st) return undefined;
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
}
