import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface HashBudget {
  /** Bytes still allowed to be read in this collection pass. */
  remainingBytes: number;
}

/**
 * sha256 of executables keyed by (dev, inode, mtime, size), so an unchanged binary is hashed once
 * per agent lifetime. Bounded: files over `maxFileBytes` are not hashed, the cache holds at most
 * `maxEntries`, and each pass has a byte budget.
 */
export class ExeHashCache {
  private readonly cache = new Map<string, string>();

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
      key = `${st.dev}:${st.ino}:${st.mtimeMs}:${st.size}`;
      size = st.size;
    } catch {
      return undefined;
    }
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (size > this.maxFileBytes || size > budget.remainingBytes) return undefined;
    budget.remainingBytes -= size;
    const digest = await new Promise<string | undefined>((resolve) => {
      const h = createHash('sha256');
      const s = createReadStream(path, { end: Math.max(0, size - 1) });
      s.on('data', (chunk) => h.update(chunk));
      s.on('error', () => resolve(undefined));
      s.on('end', () => resolve(h.digest('hex')));
    });
    if (digest === undefined) return undefined;
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, digest);
    return digest;
  }
}
