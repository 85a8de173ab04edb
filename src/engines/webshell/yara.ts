import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { levelFor, type Evidence, type WebshellFinding } from './types.js';

/**
 * Optional adapter for Debian's `yara` CLI (host I/O: it spawns a process). Rules are user
 * files; the process gets an argument array (never a shell), a timeout and an output cap.
 */
export interface YaraOptions {
  /** Rule source files (.yar). */
  rules: readonly string[];
  /** File or directory to scan. */
  target: string;
  recursive?: boolean;
  timeoutMs?: number;
  maxOutputBytes?: number;
  yaraBinary?: string;
}

export interface YaraFinding extends WebshellFinding {
  path: string;
}

export interface YaraResult {
  findings: YaraFinding[];
  timedOut: boolean;
  truncated: boolean;
  /** yara's stderr (warnings such as slow rules), trimmed. */
  warnings: string;
}

/** Is the yara CLI available? */
export async function yaraAvailable(binary = 'yara'): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

export async function runYara(opts: YaraOptions): Promise<YaraResult> {
  if (opts.rules.length === 0) throw new Error('runYara: at least one rule file is required');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = ['--print-strings', '--no-warnings', `--timeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`];
  if (opts.recursive ?? true) args.push('--recursive');
  // yara 4.2 has no `--`: absolute paths keep names that start with '-' from reading as options.
  args.push(...opts.rules.map((r) => resolve(r)), resolve(opts.target));
  const child = spawn(opts.yaraBinary ?? 'yara', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const maxOut = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  const result: YaraResult = { findings: [], timedOut: false, truncated: false, warnings: '' };
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    if (result.truncated) return;
    size += d.length;
    if (size > maxOut) {
      result.truncated = true;
      child.kill('SIGKILL');
      return;
    }
    chunks.push(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString('utf8');
  });
  const timer = setTimeout(() => {
    result.timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs + 2000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => clearTimeout(timer));
  result.warnings = stderr.trim();
  if (code !== 0 && !result.timedOut && !result.truncated) {
    throw new Error(`yara failed (exit ${code ?? 'signal'}): ${result.warnings.slice(0, 300)}`);
  }
  result.findings = parseYaraOutput(Buffer.concat(chunks).toString('utf8'));
  return result;
}

/**
 * Parse `yara -s` output: `RuleName path` lines, each followed by `0xOFFSET:$id: data` lines.
 * Rule names cannot contain spaces, so the path is everything after the first space.
 */
export function parseYaraOutput(out: string): YaraFinding[] {
  const findings: YaraFinding[] = [];
  let current: YaraFinding | undefined;
  for (const line of out.split('\n')) {
    if (line.length === 0) continue;
    const str = /^0x([0-9a-fA-F]+):(\$[\w]*): ?(.*)$/.exec(line);
    if (str && current) {
      if (current.evidence.length < 20) {
        const data = str[3] ?? '';
        const ev: Evidence = { offset: parseInt(str[1] ?? '0', 16), length: data.length, excerpt: `${str[2] ?? ''}: ${data}`.slice(0, 160) };
        current.evidence.push(ev);
      }
      continue;
    }
    const head = /^(\S+) (.+)$/.exec(line);
    if (!head) continue;
    current = {
      ruleId: `yara:${head[1] ?? ''}`,
      lang: 'unknown',
      confidence: 'high',
      level: levelFor.high,
      message: `YARA rule ${head[1] ?? ''} matched`,
      evidence: [],
      path: head[2] ?? '',
    };
    findings.push(current);
  }
  return findings;
}
