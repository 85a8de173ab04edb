import { lstat, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Host file access for collectors: every path is resolved under `root` (a fixture tree in tests). */
export class HostFs {
  constructor(
    readonly root: string,
    private readonly warnings: string[],
  ) {}

  path(p: string): string {
    return this.root === '/' ? p : join(this.root, p);
  }

  warn(message: string): void {
    if (this.warnings.length < 200) this.warnings.push(message);
  }

  /** Text of a file up to `maxBytes`; null when missing (silently) or unreadable (warned). */
  async text(p: string, maxBytes = 16 * 1024 * 1024, quietMissing = true): Promise<string | null> {
    const b = await this.bytes(p, maxBytes, quietMissing);
    return b === null ? null : b.toString('utf8');
  }

  async bytes(p: string, maxBytes = 16 * 1024 * 1024, quietMissing = true): Promise<Buffer | null> {
    try {
      const st = await stat(this.path(p));
      if (!st.isFile()) return null;
      if (st.size > maxBytes) {
        this.warn(`${p}: larger than ${maxBytes} bytes, skipped`);
        return null;
      }
      return await readFile(this.path(p));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!(quietMissing && (code === 'ENOENT' || code === 'ENOTDIR'))) this.warn(`${p}: ${code ?? String(err)}`);
      return null;
    }
  }

  /** Directory entries (names, sorted); [] when missing. */
  async list(p: string): Promise<string[]> {
    try {
      return (await readdir(this.path(p))).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.warn(`${p}: ${code ?? String(err)}`);
      return [];
    }
  }

  async exists(p: string): Promise<boolean> {
    try {
      await stat(this.path(p));
      return true;
    } catch {
      return false;
    }
  }

  /** A real directory (a symlink is not followed). */
  async isDir(p: string): Promise<boolean> {
    try {
      return (await lstat(this.path(p))).isDirectory();
    } catch {
      return false;
    }
  }
}
