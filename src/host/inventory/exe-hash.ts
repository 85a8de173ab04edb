import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface HashBudget {
  /** Bytes still allowed to be read in this collection pass. */
  remainingBytes: number;
}

const KEY_RE = /^\d+:\d+:\d+(\.\d+)?:\d+(\.\d+)?:\d+$/;
const DIGEST_RE = /^[0-9a-f]{64}$/;
/** A cache file bigger than this is not ours (4,096 entries take ~450 KB). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * sha256 of executables keyed by (dev, inode, mtime, ctime, size), so an unchanged binary is hashed
 * once. ctime is part of the key because user space can set a file's mtime back (`touch -d`) but not
 * its ctime. Bounded: files over `maxFileBytes` are not hashed, the cache holds at most `maxEntries`
 * (oldest dropped first), and each pass has a byte budget. The agent collects inventory in a child
 * process per run, so the cache is kept in a file between runs (`load`/`save`).
 */
export class ExeHashCache {
  private readonly cache = new Map<string, string>();
  /** Lookups answered from the cache / files read, since construction. */
  hits = 0;
  misses = 0;

  constructor(
    readonly maxFileBytes = 256 * 1024 * 1024,
    readonly maxEntries = 4096,
  ) {}

  get size(): number {
    return this.cache.size;
  }

  /** `path` is `/proc/<pid>/exe` (works for deleted binaries too) or a plain path. */
  async hash(path: string, budget: HashBudget): Promise<string | undefined> {
    let key: string;
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) return undefined;
      key = `${st.dev}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}:${st.size}`;
      size = st.size;
    } catch {
      return undefined;
    }
    const hit = this.cache.get(key);
    if (hit) {
      this.hits++;
      // Most recently used last: eviction drops what no process has run for longest.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    if (size > this.maxFileBytes || size > budget.remainingBytes) return undefined;
    budget.remainingBytes -= size;
    this.misses++;
    const digest = await new Promise<string | undefined>((resolve) => {
      const h = createHash('sha256');
      const s = createReadStream(path, { end: Math.max(0, size - 1) });
      s.on('data', (chunk) => h.update(chunk));
      s.on('error', () => resolve(undefined));
      s.on('end', () => resolve(h.digest('hex')));
    });
    if (digest === undefined) return undefined;
    this.put(key, digest);
    return digest;
  }

  private put(key: string, digest: string): void {
    this.cache.delete(key);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, digest);
  }

  /**
   * Loads entries saved by `save`. A missing file is an empty cache; a file that is too big, not
   * JSON or not in this shape is ignored as a whole (returned as the reason) and hashing starts
   * over — a bad cache costs time, never a wrong answer from a half-read file.
   */
  load(file: string): string | null {
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) return `${file}: larger than ${MAX_FILE_BYTES} bytes, ignored`;
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : `${file}: ${(err as Error).message}`;
    }
    let entries: unknown;
    try {
      entries = (JSON.parse(text) as { version?: unknown; entries?: unknown }).entries;
    } catch {
      return `${file}: not JSON, ignored`;
    }
    if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2 && KEY_RE.test(String(e[0])) && DIGEST_RE.test(String(e[1])))) {
      return `${file}: not a hash cache, ignored`;
    }
    for (const [k, d] of entries as Array<[string, string]>) this.put(k, d);
    return null;
  }

  /** Writes the cache (mode 0600, replaced atomically: a crash leaves the old file or the new one). */
  save(file: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, entries: [...this.cache] }), { mode: 0o600 });
    renameSync(tmp, file);
  }
}
