import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { paths } from './home.js';
import { AGENT_ENV } from './process-tuning.js';

export const UNIT_FILE = '/etc/systemd/system/vigil-agent.service';
export const CRON_FILE = '/etc/cron.d/vigil-agent';

/** systemd is PID 1 and answers (containers and these test machines often have neither). */
export function systemdUsable(): boolean {
  if (!existsSync('/run/systemd/system')) return false;
  const r = spawnSync('systemctl', ['is-system-running'], { encoding: 'utf8', timeout: 5_000 });
  if (r.error || r.status === null) return false;
  return !/offline|unknown/.test(r.stdout ?? '');
}

const shellQuote = (s: string) => (/^[A-Za-z0-9_./=:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The unit: restarts forever, capped memory/CPU (R-3.7: the agent must never take the host down). */
export function unitText(runCommand: string[], opts: { memoryMax?: string; cpuQuota?: string } = {}): string {
  return `[Unit]
Description=Vigil security agent
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${runCommand.map(shellQuote).join(' ')}
${Object.entries(AGENT_ENV)
  .map(([k, v]) => `Environment=${k}=${v}`)
  .join('\n')}
Restart=always
RestartSec=5
MemoryMax=${opts.memoryMax ?? '256M'}
CPUQuota=${opts.cpuQuota ?? '20%'}
Nice=10
IOSchedulingClass=idle

[Install]
WantedBy=multi-user.target
`;
}

export type ServiceMode = 'systemd' | 'daemon' | 'none';

export interface InstallServiceOptions {
  home: string;
  /** How to start this agent: [node, script, …] to which `run`/`supervise --home DIR` is appended. */
  self: string[];
  image: boolean;
  noService?: boolean;
  /** Skip the @reboot cron line (tests, or hosts started by other means). */
  noBoot?: boolean;
  log: (msg: string) => void;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
}

/** Starts the supervisor detached (no systemd); resolves with its pid once it wrote the pid file. */
export async function startDaemon(home: string, self: string[]): Promise<number> {
  const [cmd, ...args] = self as [string, ...string[]];
  const child = spawn(cmd, [...args, 'supervise', '--home', home], { detached: true, stdio: 'ignore' });
  child.unref();
  const pidFile = paths(home).pid;
  for (let i = 0; i < 100; i++) {
    if (existsSync(pidFile)) return Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the agent supervisor did not start (no pid file after 10 s)');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the supervisor (it stops its agent, announced); waits up to 5 s for the supervisor to exit. */
async function stopDaemon(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

export function daemonPid(home: string): number | null {
  const f = paths(home).pid;
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8'));
  return Number.isInteger(pid) && pid > 1 && isAlive(pid) ? pid : null;
}

export async function installService(o: InstallServiceOptions): Promise<ServiceMode> {
  if (o.noService) return 'none';
  const runCmd = [...o.self, 'run', '--home', o.home];
  if (systemdUsable()) {
    writeFileSync(UNIT_FILE, unitText(runCmd), { mode: 0o644 });
    run('systemctl', ['daemon-reload']);
    run('systemctl', ['enable', 'vigil-agent.service']);
    // `restart` also starts it; an agent already running (a re-install, an upgrade) runs the new program.
    if (!o.image) run('systemctl', ['restart', 'vigil-agent.service']);
    o.log(o.image ? `systemd unit ${UNIT_FILE} enabled; the agent enrolls at next boot` : `systemd unit ${UNIT_FILE} enabled and (re)started`);
    return 'systemd';
  }
  if (!o.noBoot) {
    if (existsSync('/etc/cron.d')) {
      writeFileSync(CRON_FILE, `# Vigil agent: started at boot where systemd is absent\n@reboot root ${[...o.self, 'supervise', '--home', o.home].map(shellQuote).join(' ')} >/dev/null 2>&1\n`, { mode: 0o644 });
      o.log(`no systemd: boot start via ${CRON_FILE}`);
    } else o.log('no systemd and no /etc/cron.d: add the agent to your init system to start it at boot');
  }
  if (o.image) {
    o.log('image mode: files installed; the agent enrolls when it first starts (next boot)');
    return 'none';
  }
  // A re-install (an upgrade): stop the running supervisor cleanly first, so one agent runs the new program.
  const old = daemonPid(o.home);
  if (old) {
    await stopDaemon(old);
    o.log(`stopped the running agent supervisor (pid ${old}) to start the new program`);
  }
  const pid = await startDaemon(o.home, o.self);
  o.log(`no systemd: agent running under its own supervisor (pid ${pid}, log ${paths(o.home).log})`);
  return 'daemon';
}

/** Stops the service and removes what install wrote; the home (credential, queue) unless keepData. */
export async function uninstall(o: { home: string; keepData: boolean; prefixBundle?: string; log: (m: string) => void }): Promise<void> {
  if (existsSync(UNIT_FILE)) {
    if (systemdUsable()) spawnSync('systemctl', ['disable', '--now', 'vigil-agent.service'], { timeout: 30_000 });
    rmSync(UNIT_FILE, { force: true });
    if (systemdUsable()) spawnSync('systemctl', ['daemon-reload'], { timeout: 30_000 });
    o.log(`removed ${UNIT_FILE}`);
  }
  if (existsSync(CRON_FILE) && readFileSync(CRON_FILE, 'utf8').includes(o.home)) {
    rmSync(CRON_FILE, { force: true });
    o.log(`removed ${CRON_FILE}`);
  }
  const pid = daemonPid(o.home);
  if (pid) {
    await stopDaemon(pid);
    o.log(`stopped the agent supervisor (pid ${pid})`);
  }
  if (!o.keepData) {
    rmSync(o.home, { recursive: true, force: true });
    o.log(`removed ${o.home}`);
  }
  if (o.prefixBundle && existsSync(o.prefixBundle)) {
    rmSync(o.prefixBundle, { force: true });
    o.log(`removed ${o.prefixBundle}`);
  }
  // The rules install wrote beside the program.
  const rules = o.prefixBundle ? join(dirname(o.prefixBundle), 'rules') : null;
  if (rules && existsSync(rules)) {
    rmSync(rules, { recursive: true, force: true });
    o.log(`removed ${rules}`);
  }
}
