/**
 * Running policy commands (`c:` rules).
 *
 * Wazuh executes SCA commands WITHOUT a shell: the string is split into argv (quotes honoured),
 * which is why its policies spell pipes as `sh -c "a | b"`. We do the same: `splitCommand` is a
 * small POSIX-style tokenizer (single quotes literal; double quotes with `\" \\ \$ \``; backslash
 * escapes outside quotes). If the string contains an UNQUOTED shell metacharacter
 * (`| & ; < > ( ) $ \` * ? [ ~` or a newline) we cannot honour it without a shell, so — and only
 * for commands that come from policy files — it runs as `/bin/sh -c <string>`. Callers must never
 * build command strings from host data (file contents, user names, process names): the only
 * substitution the SCA engine performs is the policy's own `variables:` section.
 *
 * Execution: no stdin, `LC_ALL=C`, a fixed PATH, its own process group killed (SIGKILL) on
 * timeout, stdout/stderr each capped at `maxOutputBytes`.
 */
import { spawn } from 'node:child_process';
import type { CommandOutput, ProbeResult } from '../../engines/sca/host-probe.js';

export class CommandSyntaxError extends Error {
  override name = 'CommandSyntaxError';
}

export interface SplitCommand {
  argv: string[];
  /** An unquoted shell metacharacter was seen: argv alone cannot express the command. */
  needsShell: boolean;
}

const META = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[', '~', '\n']);

export function splitCommand(command: string): SplitCommand {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let needsShell = false;
  let i = 0;
  const n = command.length;
  while (i < n) {
    const c = command[i] as string;
    if (c === ' ' || c === '\t') {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
      i += 1;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) throw new CommandSyntaxError(`unterminated single quote in: ${command}`);
      cur += command.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i += 1;
      let closed = false;
      while (i < n) {
        const d = command[i] as string;
        if (d === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (d === '\\' && i + 1 < n && '"\\$`\n'.includes(command[i + 1] as string)) {
          cur += command[i + 1];
          i += 2;
          continue;
        }
        if (d === '$' || d === '`') needsShell = true;
        cur += d;
        i += 1;
      }
      if (!closed) throw new CommandSyntaxError(`unterminated double quote in: ${command}`);
      continue;
    }
    if (c === '\\') {
      if (i + 1 < n) cur += command[i + 1];
      i += 2;
      continue;
    }
    if (META.has(c) || (c === '#' && cur === '')) needsShell = true;
    cur += c;
    i += 1;
  }
  if (inWord) argv.push(cur);
  return { argv, needsShell };
}

export interface RunOptions {
  timeoutMs: number;
  maxOutputBytes: number;
}

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', LANG: 'C', HOME: '/root' };

export function runPolicyCommand(command: string, opts: RunOptions): Promise<ProbeResult<CommandOutput>> {
  let split: SplitCommand;
  try {
    split = splitCommand(command);
  } catch (e) {
    return Promise.resolve({ ok: false, code: 'ERROR', reason: (e as Error).message });
  }
  if (split.argv.length === 0) return Promise.resolve({ ok: false, code: 'ERROR', reason: 'empty command' });
  const [file, args] = split.needsShell ? ['/bin/sh', ['-c', command]] : [split.argv[0] as string, split.argv.slice(1)];

  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let truncated = false;
    let timedOut = false;
    let settled = false;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: ENV, detached: true });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      // A grandchild outside the group may still hold the pipes open: do not wait for it.
      setTimeout(() => finish({ ok: false, code: 'TIMEOUT', reason: `timed out after ${opts.timeoutMs} ms` }), 1000).unref();
    }, opts.timeoutMs);
    const collect = (into: Buffer[], chunk: Buffer, which: 'out' | 'err'): void => {
      const used = which === 'out' ? outLen : errLen;
      const room = opts.maxOutputBytes - used;
      if (room <= 0) {
        truncated = true;
        return;
      }
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (piece.length < chunk.length) truncated = true;
      into.push(piece);
      if (which === 'out') outLen += piece.length;
      else errLen += piece.length;
    };
    child.stdout.on('data', (c: Buffer) => collect(out, c, 'out'));
    child.stderr.on('data', (c: Buffer) => collect(err, c, 'err'));
    const finish = (r: ProbeResult<CommandOutput>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(r);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        code: e.code === 'ENOENT' ? 'NOTFOUND' : e.code === 'EACCES' ? 'EACCES' : 'ERROR',
        reason: e.code === 'ENOENT' ? `${file}: command not found` : e.message,
      });
    });
    child.on('close', (code) => {
      if (timedOut) {
        finish({ ok: false, code: 'TIMEOUT', reason: `timed out after ${opts.timeoutMs} ms` });
        return;
      }
      finish({
        ok: true,
        value: {
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          exitCode: code,
          truncated,
        },
      });
    });
  });
}
