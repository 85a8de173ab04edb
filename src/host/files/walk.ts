import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { setImmediate as turn } from 'node:timers/promises';

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
  /**
   * Read every file into one reused buffer: a yielded file's bytes are valid only until the
   * consumer asks for the next file (for scanners that finish with a file before moving on).
   */
  reuseBuffer?: boolean;
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

/** Synchronous file-system work between two turns of the event loop (timers and sockets keep running). */
const SLICE_MS = 10;
/** First read: enough for most files in one call, and for the NUL probe of binaries. */
const FIRST_READ = 64 * 1024;

/**
 * Walk `root` depth-first and yield regular files one at a time (memory stays bounded by one
 * file). Never leaves the root through symlinks, tolerates unreadable entries and arbitrary
 * name bytes, and counts what it skipped in `stats`. Reads are synchronous (one open, fstat and
 * read per file: the thread-pool round trips of async calls cost more than the reads themselves)
 * and the walk gives the event loop a turn every few milliseconds.
 */
export async function* walkFiles(root: string | Buffer, opts: WalkOptions = {}, stats: WalkStats = newWalkStats()): AsyncGenerator<WalkedFile> {
  const reader = new BoundedReader(opts.maxFileBytes ?? 10 * 1024 * 1024, opts.skipBinary ?? true, opts.reuseBuffer ?? false, stats);
  const skipDirs = new Set(opts.skipDirs ?? ['.git', 'node_modules']);
  const rootReal = await realpath(typeof root === 'string' ? Buffer.from(root) : root, { encoding: 'buffer' });
  const stack: Buffer[] = [rootReal];
  let sliceStart = performance.now();
  while (stack.length > 0) {
    const dirPath = stack.pop();
    if (!dirPath) break;
    let entries: Dirent[];
    try {
      // With encoding 'buffer' the runtime hands back Buffer names; the typings only know strings.
      entries = readdirSync(dirPath, { withFileTypes: true, encoding: 'buffer' as BufferEncoding });
    } catch {
      stats.skipped.unreadable++;
      continue;
    }
    const subdirs: Buffer[] = [];
    for (const entry of entries) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await turn();
        sliceStart = performance.now();
      }
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
          real = realpathSync(full, { encoding: 'buffer' });
        } catch {
          stats.skipped.unreadable++;
          continue;
        }
        if (!inside(rootReal, real)) {
          stats.skipped.symlinkOutside++;
          continue;
        }
        // Links to directories inside the root are walked at their real location already.
        if (!isFileSync(real)) continue;
        target = real;
      } else if (!entry.isFile()) {
        continue; // sockets, FIFOs, devices: never opened
      }
      const bytes = reader.read(target);
      if (!bytes) continue;
      stats.files++;
      stats.bytes += bytes.length;
      yield { path: full, displayPath: full.toString('utf8'), bytes };
      if (opts.maxFiles !== undefined && stats.files >= opts.maxFiles) return;
    }
    stack.push(...subdirs.reverse());
  }
}

/** open (O_NOFOLLOW) + fstat + read of a whole file up to a size bound, into a reused or fresh buffer. */
class BoundedReader {
  private shared = Buffer.allocUnsafe(FIRST_READ);

  constructor(
    private readonly maxBytes: number,
    private readonly skipBinary: boolean,
    private readonly reuse: boolean,
    private readonly stats: WalkStats,
  ) {}

  read(target: Buffer): Buffer | undefined {
    let fd: number;
    try {
      // O_NOFOLLOW: a file swapped for a symlink after the check is refused, not followed.
      fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      this.stats.skipped.unreadable++;
      return undefined;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return undefined;
      if (st.size > this.maxBytes) {
        this.stats.skipped.tooLarge++;
        return undefined;
      }
      const size = st.size;
      let buf: Buffer;
      if (this.reuse) {
        if (this.shared.length < size) this.shared = Buffer.allocUnsafe(Math.max(size, this.shared.length * 2));
        buf = this.shared;
      } else {
        buf = Buffer.allocUnsafe(size);
      }
      // Binaries are recognised from their first bytes: read those first, the rest only for text.
      let off = readFull(fd, buf, 0, Math.min(size, FIRST_READ));
      if (this.skipBinary && buf.subarray(0, Math.min(off, BINARY_PROBE)).includes(0)) {
        this.stats.skipped.binary++;
        return undefined;
      }
      if (off === Math.min(size, FIRST_READ)) off += readFull(fd, buf, off, size - off);
      return buf.subarray(0, off);
    } catch {
      this.stats.skipped.unreadable++;
      return undefined;
    } finally {
      closeSync(fd);
    }
  }
}

function isFileSync(p: Buffer): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Read up to `len` bytes at `off` (also the file position); stops early at end of file. */
function readFull(fd: number, buf: Buffer, off: number, len: number): number {
  let done = 0;
  while (done < len) {
    const n = readSync(fd, buf, off + done, len - done, off + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** lstat that reports failure as undefined (for callers checking a root before walking). */
export async function statRoot(p: string): Promise<'dir' | 'file' | undefined> {
  const st = await lstat(p).catch(() => undefined);
  if (!st) return undefined;
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
}
