/**
 * Host evidence the miner engine cannot read itself, gathered only for busy processes (CPU above
 * `busyCores` in the last interval) and cached per (pid, start time): the config file named on the
 * command line (`-c FILE`, `--config FILE`, `--config=FILE`, resolved against the process's cwd)
 * and, when the IOC list has any `sha256` entries, the executable's SHA-256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openSync, closeSync, fstatSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { IncrementalSnapshot, ProcessInfo } from '../host/procfs/snapshot-types.js';

const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_HASH_BYTES = 64 * 1024 * 1024;

interface Cached {
  startTime: number;
  config?: { path: string; text: string } | null;
  hash?: string | null;
}

/** Config file argument of a non-shell command line (`--config` first, then a path-like `-c`), or null. */
export function configArgument(argv: readonly string[]): string | null {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--config' && argv[i + 1]) return argv[i + 1] as string;
    if (a.startsWith('--config=')) return a.slice('--config='.length);
  }
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i + 1];
    // `-c` is also "run this code" for interpreters and shells: only a path-like value counts.
    if (argv[i] === '-c' && v !== undefined && /^[^\s;|&'"`$()]{1,1024}$/.test(v)) return v;
  }
  return null;
}

function readSmallFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

async function hashExe(pid: number): Promise<string | null> {
  // Through /proc/<pid>/exe: the very file the process runs, even if it was replaced or deleted.
  const h = createHash('sha256');
  let total = 0;
  try {
    for await (const chunk of createReadStream(`/proc/${pid}/exe`, { highWaterMark: 256 * 1024 })) {
      total += (chunk as Buffer).length;
      if (total > MAX_HASH_BYTES) return null;
      h.update(chunk as Buffer);
    }
  } catch {
    return null;
  }
  return h.digest('hex');
}

export class MinerEvidence {
  private readonly cache = new Map<number, Cached>();

  constructor(
    private readonly opts: { busyCores: number; hashExecutables: () => boolean; isShellLike: (p: ProcessInfo) => boolean },
  ) {}

  /** Evidence for this snapshot; hashing runs in the background and shows up in a later pass. */
  collect(snap: IncrementalSnapshot): { configs: Map<number, { path: string; text: string }>; exeHashes: Map<number, string> } {
    const configs = new Map<number, { path: string; text: string }>();
    const exeHashes = new Map<number, string>();
    const live = new Set<number>();
    for (const p of snap.processes) {
      live.add(p.pid);
      let c = this.cache.get(p.pid);
      if (c && c.startTime !== p.startTime) c = undefined;
      if (!c && (snap.recentCores.get(p.pid) ?? 0) < this.opts.busyCores) continue;
      if (!c) this.cache.set(p.pid, (c = { startTime: p.startTime }));
      if (c.config === undefined) {
        const arg = this.opts.isShellLike(p) ? null : configArgument(p.cmdline);
        const path = arg === null ? null : isAbsolute(arg) ? arg : `/proc/${p.pid}/cwd/${arg}`;
        const text = path === null ? null : readSmallFile(path);
        c.config = text === null || arg === null ? null : { path: arg, text };
      }
      if (c.config) configs.set(p.pid, c.config);
      if (c.hash === undefined && this.opts.hashExecutables()) {
        const entry = c;
        entry.hash = null;
        void hashExe(p.pid).then((h) => {
          entry.hash = h;
        });
      }
      if (c.hash) exeHashes.set(p.pid, c.hash);
    }
    for (const pid of this.cache.keys()) if (!live.has(pid)) this.cache.delete(pid);
    return { configs, exeHashes };
  }
}
