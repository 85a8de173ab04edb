/**
 * HostProbe for the real machine: bounded file reads, directory listings, policy commands with
 * timeouts, and the process list from /proc.
 *
 * `root` prefixes every FILE path (fixture trees in tests, or a mounted image); commands and the
 * process list always describe the running host. `root` is a convenience, not a security boundary:
 * absolute symlinks inside it resolve against the real root.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CommandOutput,
  HostProbe,
  ProbeDirEntry,
  ProbeFailure,
  ProbeResult,
  ProbeStat,
  ProcessInfo,
} from '../../engines/sca/host-probe.js';
import { runPolicyCommand } from './command.js';

export interface HostProbeOptions {
  root?: string;
  /** Larger files are read up to this size and flagged truncated. Default 4 MiB. */
  maxFileBytes?: number;
  /** Per stream. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Listing stops after this many entries per directory. Default 100 000. */
  maxDirEntries?: number;
  procRoot?: string;
}

function failure(e: unknown, path: string): ProbeFailure {
  const err = e as NodeJS.ErrnoException;
  const code = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 'ENOENT' : err.code === 'EACCES' || err.code === 'EPERM' ? 'EACCES' : 'ERROR';
  return { ok: false, code, reason: `${path}: ${err.code ?? err.message}` };
}

export function createHostProbe(options: HostProbeOptions = {}): HostProbe {
  const root = options.root ?? '/';
  const maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
  const maxOutputBytes = options.maxOutputBytes ?? 1024 * 1024;
  const maxDirEntries = options.maxDirEntries ?? 100_000;
  const procRoot = options.procRoot ?? '/proc';
  const real = (p: string): string => (root === '/' ? p : join(root, p));

  return {
    async readFile(path): Promise<ProbeResult<{ text: string; truncated: boolean }>> {
      let fh;
      try {
        fh = await open(real(path), 'r');
      } catch (e) {
        return failure(e, path);
      }
      try {
        const chunks: Buffer[] = [];
        let len = 0;
        while (len <= maxFileBytes) {
          const chunk = Buffer.alloc(Math.min(64 * 1024, maxFileBytes + 1 - len));
          const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
          if (bytesRead === 0) break;
          chunks.push(chunk.subarray(0, bytesRead));
          len += bytesRead;
        }
        const buf = Buffer.concat(chunks);
        const truncated = len > maxFileBytes;
        return { ok: true, value: { text: buf.subarray(0, Math.min(len, maxFileBytes)).toString('utf8'), truncated } };
      } catch (e) {
        return failure(e, path);
      } finally {
        await fh.close();
      }
    },

    async stat(path): Promise<ProbeResult<ProbeStat>> {
      try {
        const s = await stat(real(path));
        const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
        return { ok: true, value: { kind, size: s.size, mode: s.mode, uid: s.uid, gid: s.gid } };
      } catch (e) {
        return failure(e, path);
      }
    },

    async listDir(path): Promise<ProbeResult<ProbeDirEntry[]>> {
      try {
        const entries = await readdir(real(path), { withFileTypes: true });
        return {
          ok: true,
          value: entries.slice(0, maxDirEntries).map((d) => ({
            name: d.name,
            kind: d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other',
          })),
        };
      } catch (e) {
        return failure(e, path);
      }
    },

    runCommand(command, timeoutMs): Promise<ProbeResult<CommandOutput>> {
      return runPolicyCommand(command, { timeoutMs, maxOutputBytes });
    },

    async listProcesses(): Promise<ProbeResult<ProcessInfo[]>> {
      let names: string[];
      try {
        names = (await readdir(procRoot)).filter((n) => /^\d+$/.test(n));
      } catch (e) {
        return failure(e, procRoot);
      }
      const out: ProcessInfo[] = [];
      for (const pid of names.slice(0, 100_000)) {
        try {
          const [comm, cmd] = await Promise.all([
            readFile(`${procRoot}/${pid}/comm`, 'utf8'),
            readFile(`${procRoot}/${pid}/cmdline`).then((b) => b.subarray(0, 4096)),
          ]);
          out.push({ pid: Number(pid), name: comm.trim(), cmdline: cmd.toString('utf8').split('\0').filter(Boolean).join(' ') });
        } catch {
          // the process exited while we looked
        }
      }
      return { ok: true, value: out };
    },
  };
}
