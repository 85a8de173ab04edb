/**
 * Reads the script file an interpreter process runs, as that process sees it: absolute paths
 * under /proc/<pid>/root (its mount namespace and chroot), relative ones under /proc/<pid>/cwd.
 * Bounded (first MAX_SCRIPT_BYTES), regular files only (a FIFO named as a script must not block
 * the reader).
 */
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { MAX_SCRIPT_BYTES } from '../../engines/revshell/script-program.js';

/** Path of `script` as process `pid` resolves it, through procfs. */
export function procScriptPath(pid: number, script: string): string {
  return script.startsWith('/') ? `/proc/${pid}/root${script}` : `/proc/${pid}/cwd/${script}`;
}

/** First `max` bytes of a regular file as UTF-8, or null (missing, unreadable, not a regular file). */
export function readRegularFileHead(path: string, max = MAX_SCRIPT_BYTES): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const buf = Buffer.allocUnsafe(max);
    let n = 0;
    while (n < max) {
      const r = readSync(fd, buf, n, max - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.toString('utf8', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Source of the script `script` that process `p` runs (one byte past the analysed size, to tell a big file), or null. */
export function readProcessScript(p: { pid: number }, script: string): string | null {
  return readRegularFileHead(procScriptPath(p.pid, script), MAX_SCRIPT_BYTES + 1);
}
