/**
 * `vul.fix` task: upgrades the named packages with the host's package manager,
 * non-interactively, argument arrays only (never a shell). `dryRun` previews the transaction
 * (`apt-get -s`, `dnf --assumeno`, `apk --simulate`) without changing anything.
 */
import { spawn } from 'node:child_process';
import { registerTask } from './task-handlers.js';

export const VUL_FIX_TASK_KIND = 'vul.fix';
export type FixManager = 'apt' | 'dnf' | 'apk';

export interface FixParams {
  manager: FixManager;
  packages: string[];
  dryRun: boolean;
}

export interface FixResult {
  manager: FixManager;
  dryRun: boolean;
  command: string[];
  exitCode: number;
  /** Tail of the package manager's output. */
  output: string;
}

/** Package names as dpkg, rpm and apk allow them (no leading "-": never an option). */
const PACKAGE_RE = /^[A-Za-z0-9][A-Za-z0-9+._~:@-]{0,199}$/;
const MAX_PACKAGES = 500;
const OUTPUT_TAIL = 16_384;
const TIMEOUT_MS = 25 * 60_000;

export function parseFixParams(input: unknown): FixParams {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const manager = o.manager;
  if (manager !== 'apt' && manager !== 'dnf' && manager !== 'apk') throw new Error('manager must be apt, dnf or apk');
  if (!Array.isArray(o.packages) || o.packages.length === 0 || o.packages.length > MAX_PACKAGES) throw new Error(`packages must list 1 to ${MAX_PACKAGES} package names`);
  const packages = o.packages.map((p: unknown) => {
    if (typeof p !== 'string' || !PACKAGE_RE.test(p)) throw new Error(`invalid package name: ${JSON.stringify(p).slice(0, 80)}`);
    return p;
  });
  return { manager, packages: [...new Set(packages)], dryRun: o.dryRun === true };
}

/** The command line for a fix: [program, ...args]. */
export function fixCommand(p: FixParams): string[] {
  if (p.manager === 'apt') return ['apt-get', '-y', '-q', ...(p.dryRun ? ['-s'] : []), 'install', '--only-upgrade', '--', ...p.packages];
  if (p.manager === 'dnf') return ['dnf', '-q', p.dryRun ? '--assumeno' : '-y', 'update', '--', ...p.packages];
  return ['apk', ...(p.dryRun ? ['--simulate'] : []), 'upgrade', '--', ...p.packages];
}

export function runFix(p: FixParams): Promise<FixResult> {
  const command = fixCommand(p);
  const [program, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
      timeout: TIMEOUT_MS,
    });
    let output = '';
    const keep = (d: Buffer): void => {
      output = (output + d.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Error(`${program}: ${err.message}`)));
    child.on('close', (code) => {
      const exitCode = code ?? -1;
      // dnf --assumeno answers "no" to the transaction and exits 1: that is the preview's normal end.
      const ok = exitCode === 0 || (p.manager === 'dnf' && p.dryRun && exitCode === 1);
      if (!ok) reject(new Error(`${command.join(' ')} exited with ${exitCode}: ${output.slice(-2000).trim()}`));
      else resolve({ manager: p.manager, dryRun: p.dryRun, command, exitCode, output });
    });
  });
}

/** Registers the `vul.fix` task kind (a protection task: refused while the host is paused). */
export function startVulnFix(): void {
  registerTask(VUL_FIX_TASK_KIND, { protection: true, run: async (params) => runFix(parseFixParams(params)) });
}
