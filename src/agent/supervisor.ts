import { spawn } from 'node:child_process';
import { appendFileSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { paths } from './home.js';
import { AGENT_ENV } from './process-tuning.js';

const LOG_MAX_BYTES = 10 * 1024 * 1024;
/** Set in the agent's environment by its supervisor: the supervisor's pid. */
export const SUPERVISOR_ENV = 'VIGIL_SUPERVISOR_PID';

function rotate(file: string): void {
  try {
    if (statSync(file).size > LOG_MAX_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

/**
 * Where systemd is missing: keeps `run` alive, restarting it with backoff (1 s doubling to 30 s,
 * reset after a minute of good running). SIGTERM/SIGINT stop the child and the supervisor.
 */
export async function supervise(home: string, runCommand: string[]): Promise<never> {
  const p = paths(home);
  writeFileSync(p.pid, String(process.pid), { mode: 0o600 });
  let child: ReturnType<typeof spawn> | null = null;
  let stopping = false;
  let delay = 1_000;
  const stop = () => {
    stopping = true;
    // The agent reports a SIGTERM nobody announced as an attack on it (self-protect.ts).
    if (child?.pid) writeFileSync(p.stopIntent, JSON.stringify({ pid: child.pid, at: Date.now() }), { mode: 0o600 });
    child?.kill('SIGTERM');
    rmSync(p.pid, { force: true });
    setTimeout(() => process.exit(0), 3_000).unref();
    if (!child) process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (;;) {
    rotate(p.log);
    const started = Date.now();
    const [cmd, ...args] = runCommand as [string, ...string[]];
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...AGENT_ENV, [SUPERVISOR_ENV]: String(process.pid) } });
    child = c;
    const toLog = (b: Buffer) => appendFileSync(p.log, b, { mode: 0o600 });
    c.stdout?.on('data', toLog);
    c.stderr?.on('data', toLog);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => c.once('exit', (code, signal) => resolve([code, signal])));
    child = null;
    if (stopping) process.exit(0);
    // The next agent reads this to say how its predecessor ended (self-protect.ts).
    if (c.pid) writeFileSync(p.lastExit, JSON.stringify({ pid: c.pid, code, signal, at: Date.now() }), { mode: 0o600 });
    if (Date.now() - started > 60_000) delay = 1_000;
    appendFileSync(p.log, JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: `agent exited (${signal ? `signal ${signal}` : `code ${code}`}); restarting in ${delay} ms` }) + '\n');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(30_000, delay * 2);
  }
}
