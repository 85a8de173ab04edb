import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { scanSecrets } from './scan.js';
import type { SecretFinding, SecretScanOptions } from './types.js';

/**
 * Host adapter (it spawns git): scan every commit's ADDED lines in a repository, so a key that
 * was committed and later deleted is still reported with the commit that introduced it.
 */
export interface GitSecretFinding extends SecretFinding {
  commit: string;
  author: string;
  date: string;
  file: string;
}

export interface GitHistoryOptions {
  /** Kill git after this long (default 120 s). */
  timeoutMs?: number;
  /** Stop reading after this many bytes of `git log` output (default 256 MiB). */
  maxOutputBytes?: number;
  /** Added text buffered per file per commit before it is scanned in chunks (default 1 MiB). */
  maxBlockBytes?: number;
  secrets?: Omit<SecretScanOptions, 'path'>;
  gitBinary?: string;
}

export interface GitHistoryResult {
  findings: GitSecretFinding[];
  commits: number;
  truncated: boolean;
  timedOut: boolean;
}

const COMMIT_MARK = '\x01';

interface Block {
  commit: string;
  author: string;
  date: string;
  file: string;
  lines: string[];
  lineNumbers: number[];
  bytes: number;
}

export async function scanGitHistory(repo: string, opts: GitHistoryOptions = {}): Promise<GitHistoryResult> {
  const args = [
    '-C', repo,
    '-c', 'core.quotePath=false',
    '-c', 'core.fsmonitor=false',
    '--no-pager',
    'log', '-p', '--all', '--no-color', '--unified=0', '--no-ext-diff', '--no-textconv', '--no-renames',
    `--format=${COMMIT_MARK}%H%x00%an <%ae>%x00%aI`,
  ];
  const child = spawn(opts.gitBinary ?? 'git', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
  });
  const maxOut = opts.maxOutputBytes ?? 256 * 1024 * 1024;
  const maxBlock = opts.maxBlockBytes ?? 1024 * 1024;
  const result: GitHistoryResult = { findings: [], commits: 0, truncated: false, timedOut: false };
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8');
  });
  const timer = setTimeout(() => {
    result.timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 120_000);
  let seen = 0;
  child.stdout.on('data', (d: Buffer) => {
    seen += d.length;
    if (seen > maxOut && !result.truncated) {
      result.truncated = true;
      child.kill('SIGKILL');
    }
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  exited.catch(() => undefined); // observed below; avoids an unhandled rejection while streaming

  let commit = '';
  let author = '';
  let date = '';
  let file: string | undefined;
  let newLine = 0;
  let block: Block | undefined;
  const flush = (): void => {
    if (block && block.lines.length > 0) scanBlock(block, result.findings, opts.secrets);
    block = undefined;
  };
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.startsWith(COMMIT_MARK)) {
      flush();
      [commit = '', author = '', date = ''] = line.slice(1).split('\0');
      file = undefined;
      result.commits++;
      continue;
    }
    if (line.startsWith('+++ ')) {
      flush();
      const p = line.slice(4);
      file = p === '/dev/null' ? undefined : unquote(p).replace(/^b\//, '');
      continue;
    }
    if (line.startsWith('--- ') || line.startsWith('diff --git ')) {
      flush();
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      newLine = Number(hunk[1]);
      continue;
    }
    if (file && line.startsWith('+')) {
      block ??= { commit, author, date, file, lines: [], lineNumbers: [], bytes: 0 };
      block.lines.push(line.slice(1));
      block.lineNumbers.push(newLine);
      block.bytes += line.length;
      newLine++;
      if (block.bytes > maxBlock) flush();
    }
  }
  flush();
  clearTimeout(timer);
  const code = await exited;
  if (code !== 0 && !result.truncated && !result.timedOut) {
    throw new Error(`git log failed (exit ${code ?? 'signal'}): ${stderr.trim().slice(0, 300)}`);
  }
  return result;
}

function scanBlock(block: Block, out: GitSecretFinding[], opts: GitHistoryOptions['secrets']): void {
  // Added lines of one hunk group are joined so multi-line secrets (PEM blocks, key pairs) are seen whole.
  for (const f of scanSecrets(block.lines.join('\n'), { ...opts, path: block.file })) {
    out.push({
      ...f,
      line: block.lineNumbers[f.line - 1] ?? f.line,
      commit: block.commit,
      author: block.author,
      date: block.date,
      file: block.file,
    });
  }
}

/** Undo git's C-style quoting of unusual path names. */
function unquote(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i] ?? '';
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(({ n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 } as Record<string, number>)[n] ?? n.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
