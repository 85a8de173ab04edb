import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { HostTextFile } from '../../engines/traces/trace-snapshot.js';

export function tryLstat(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

export function tryStat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function tryReaddir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/** Read at most `maxBytes` from the start (or the end with `tail`). */
export function readBounded(path: string, maxBytes: number, tail = false): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(path).size;
    const len = Math.min(size, maxBytes);
    const buf = Buffer.alloc(len);
    const n = readSync(fd, buf, 0, len, tail ? size - len : 0);
    return buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A regular text file as bounded lines; null when missing, not regular or unreadable. */
export function readTextFile(path: string, displayPath: string, maxLines: number, owned?: Set<string>): HostTextFile | null {
  const st = tryLstat(path);
  if (!st?.isFile()) return null;
  const buf = readBounded(path, 256 * 1024);
  if (buf === null) return null;
  const all = buf.toString('utf8').split('\n');
  if (all[all.length - 1] === '') all.pop();
  return {
    path: displayPath,
    mtimeMs: st.mtimeMs,
    lines: all.slice(0, maxLines).map((l) => (l.length > 2000 ? l.slice(0, 2000) : l)),
    ...(all.length > maxLines || buf.length >= 256 * 1024 ? { truncated: true } : {}),
    ...(owned ? { ownedByPackage: owned.has(displayPath) } : {}),
  };
}

export interface WalkEntry {
  path: string;
  stats: Stats;
}

/**
 * Depth-first walk without following symlinks, bounded in visited entries and depth. Returns
 * whether the walk stopped early.
 */
export function walkBounded(root: string, opts: { maxDepth: number; maxVisited: number; skip?: (path: string) => boolean }, visit: (e: WalkEntry) => void): { truncated: boolean; visited: number } {
  let visited = 0;
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (!cur) break;
    for (const name of tryReaddir(cur.dir)) {
      if (visited >= opts.maxVisited) return { truncated: true, visited };
      const p = join(cur.dir, name);
      if (opts.skip?.(p)) continue;
      const st = tryLstat(p);
      if (!st) continue;
      visited++;
      if (st.isDirectory()) {
        if (cur.depth + 1 < opts.maxDepth) stack.push({ dir: p, depth: cur.depth + 1 });
        continue;
      }
      visit({ path: p, stats: st });
    }
  }
  return { truncated: false, visited };
}

/** Paths listed in /var/lib/dpkg/info/*.list, as absolute paths (one Set; much faster than dpkg -S). */
export function readDpkgOwnedPaths(infoDir: string, maxEntries = 2_000_000): Set<string> {
  const owned = new Set<string>();
  for (const name of tryReaddir(infoDir)) {
    if (!name.endsWith('.list')) continue;
    let text: string;
    try {
      text = readFileSync(join(infoDir, name), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line === '' || line === '/.') continue;
      owned.add(line);
      // Debian 12 is merged-/usr: packages list /bin/x but the file lives at /usr/bin/x (and vice versa).
      const m = /^\/(bin|sbin|lib|lib32|lib64|libx32)\//.exec(line);
      if (m) owned.add(`/usr${line}`);
      else if (/^\/usr\/(bin|sbin|lib)\//.test(line)) owned.add(line.slice(4));
      if (owned.size >= maxEntries) return owned;
    }
  }
  return owned;
}

/**
 * Which of `candidates` some package lists in /var/lib/dpkg/info/*.list. Reads one list at a time
 * and keeps only matches, so memory stays small (the full path set of a Debian host is ~100 MB of
 * strings in V8, too much for the agent's budget).
 */
export function ownedAmong(infoDir: string, candidates: ReadonlySet<string>): Set<string> {
  const owned = new Set<string>();
  if (candidates.size === 0) return owned;
  for (const name of tryReaddir(infoDir)) {
    if (!name.endsWith('.list')) continue;
    let text: string;
    try {
      text = readFileSync(join(infoDir, name), 'utf8');
    } catch {
      continue;
    }
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      if (line === '' || line === '/.') continue;
      if (candidates.has(line)) owned.add(line);
      // Merged /usr (Debian 12): a package lists /bin/x while the file is found at /usr/bin/x, and vice versa.
      if (/^\/(bin|sbin|lib|lib32|lib64|libx32)\//.test(line)) {
        if (candidates.has(`/usr${line}`)) owned.add(`/usr${line}`);
      } else if (/^\/usr\/(bin|sbin|lib)\//.test(line) && candidates.has(line.slice(4))) owned.add(line.slice(4));
    }
    if (owned.size === candidates.size) break;
  }
  return owned;
}
