/**
 * `vul.fix` task: upgrades the named packages with the host's package manager,
 * non-interactively, argument arrays only (never a shell). Every fix first previews the
 * transaction (`apt-get -s`, `dnf --assumeno`, `apk --simulate`); a preview that would remove
 * packages is refused, and the preview's changes come back in the result. `dryRun` stops there.
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

/** One package the transaction changes, from the preview. */
export interface PlannedChange {
  action: 'upgrade' | 'install' | 'remove';
  name: string;
  from?: string;
  to?: string;
}

export interface PreviewResult {
  command: string[];
  output: string;
  changes: PlannedChange[];
  /** Changed packages that were not named (new dependencies, co-upgraded libraries). */
  extra: string[];
}

export interface FixResult {
  manager: FixManager;
  dryRun: boolean;
  /** The command that was run (for a dry run: the preview's). */
  command: string[];
  exitCode: number;
  /** Tail of the package manager's output. */
  output: string;
  preview: PreviewResult;
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

/**
 * apt options for an unattended upgrade: keep changed config files (no conffile prompt), no
 * recommends pulled in, and wait for a dpkg lock held by another apt run instead of failing.
 */
const APT_OPTS = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'DPkg::Lock::Timeout=120', '--no-install-recommends'];

/** The command line for a fix: [program, ...args]. `--only-upgrade` never installs a named package that is absent. */
export function fixCommand(p: FixParams): string[] {
  if (p.manager === 'apt') return ['apt-get', '-y', '-q', ...(p.dryRun ? ['-s'] : []), ...APT_OPTS, 'install', '--only-upgrade', '--', ...p.packages];
  if (p.manager === 'dnf') return ['dnf', '-q', p.dryRun ? '--assumeno' : '-y', 'update', '--', ...p.packages];
  return ['apk', ...(p.dryRun ? ['--simulate'] : []), 'upgrade', '--', ...p.packages];
}

/** Planned changes from a preview's output (apt `Inst`/`Remv` lines, apk `Upgrading`/`Installing`/`Purging`). */
export function parsePreview(manager: FixManager, output: string): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const line of output.split('\n')) {
    if (manager === 'apt') {
      const inst = /^Inst (\S+)(?: \[([^\]]+)\])?(?: \((\S+))?/.exec(line);
      if (inst?.[1]) out.push({ action: inst[2] ? 'upgrade' : 'install', name: inst[1], ...(inst[2] ? { from: inst[2] } : {}), ...(inst[3] ? { to: inst[3] } : {}) });
      const rm = /^(?:Remv|Purg) (\S+)(?: \[([^\]]+)\])?/.exec(line);
      if (rm?.[1]) out.push({ action: 'remove', name: rm[1], ...(rm[2] ? { from: rm[2] } : {}) });
    } else if (manager === 'apk') {
      const m = /^\(\d+\/\d+\) (Upgrading|Installing|Purging|Deleting) (\S+) \(([^)]*)\)/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      const action = m[1] === 'Upgrading' ? 'upgrade' : m[1] === 'Installing' ? 'install' : 'remove';
      const [from, to] = (m[3] ?? '').split(' -> ');
      out.push({ action, name: m[2], ...(to ? { from, to } : from ? { to: from } : {}) });
    }
    // dnf's table is not parsed: its output is returned as the preview as is.
  }
  return out;
}

function run(manager: FixManager, command: string[], dryRun: boolean): Promise<{ exitCode: number; output: string }> {
  const [program, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'l', APT_LISTCHANGES_FRONTEND: 'none', LC_ALL: 'C' },
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
      const ok = exitCode === 0 || (manager === 'dnf' && dryRun && exitCode === 1);
      if (!ok) reject(new Error(`${command.join(' ')} exited with ${exitCode}: ${output.slice(-2000).trim()}`));
      else resolve({ exitCode, output });
    });
  });
}

export async function previewFix(p: FixParams): Promise<PreviewResult> {
  const command = fixCommand({ ...p, dryRun: true });
  const { output } = await run(p.manager, command, true);
  const changes = parsePreview(p.manager, output);
  const named = new Set(p.packages);
  const extra = [...new Set(changes.filter((c) => !named.has(c.name) && !named.has(c.name.replace(/:[^:]+$/, ''))).map((c) => c.name))];
  return { command, output, changes, extra };
}

/** Previews, refuses removals, then (unless dryRun) runs the upgrade. */
export async function runFix(p: FixParams): Promise<FixResult> {
  const preview = await previewFix(p);
  const removed = preview.changes.filter((c) => c.action === 'remove').map((c) => c.name);
  if (removed.length > 0) throw new Error(`refused: upgrading ${p.packages.join(' ')} would remove ${removed.join(' ')}; fix this host by hand`);
  if (p.dryRun) return { manager: p.manager, dryRun: true, command: preview.command, exitCode: 0, output: preview.output, preview };
  // apt exits 0 when a package is already the newest it knows: that is no fix. (dnf is not parsed.)
  if (p.manager !== 'dnf' && !preview.changes.some((c) => c.action === 'upgrade' && p.packages.some((n) => c.name === n || c.name.startsWith(`${n}:`)))) {
    throw new Error(`no newer version of ${p.packages.join(' ')} is available from this host's package sources (refresh them, e.g. apt-get update, or add the repository with the fix)`);
  }
  const command = fixCommand(p);
  const r = await run(p.manager, command, false);
  return { manager: p.manager, dryRun: false, command, exitCode: r.exitCode, output: r.output, preview };
}

/** Registers the `vul.fix` task kind (a protection task: refused while the host is paused). */
export function startVulnFix(): void {
  registerTask(VUL_FIX_TASK_KIND, { protection: true, run: async (params) => runFix(parseFixParams(params)) });
}
