/**
 * `host.reboot` task (R-4.4: "fixed, needs reboot" findings are finished by a reboot, run as its own
 * confirmed task). The agent answers first, then schedules the reboot one minute ahead with the
 * host's own tool, so the result reaches the server and an operator can still cancel it
 * (`shutdown -c`). `VIGIL_REBOOT_COMMAND` (a JSON array) replaces the command — for hosts with
 * their own reboot procedure, and for tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REBOOT_TASK_KIND } from '../domain/vulns/reboot-task.js';
import { registerTask } from './task-handlers.js';

const DELAY_MS = 2_000;

export function rebootCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const custom = env.VIGIL_REBOOT_COMMAND;
  if (custom) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(custom);
    } catch {
      throw new Error('VIGIL_REBOOT_COMMAND must be a JSON array of strings, e.g. ["/sbin/shutdown","-r","+5"]');
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string')) {
      throw new Error('VIGIL_REBOOT_COMMAND must be a JSON array of strings, e.g. ["/sbin/shutdown","-r","+5"]');
    }
    return parsed as string[];
  }
  for (const p of ['/usr/sbin/shutdown', '/sbin/shutdown']) if (existsSync(p)) return [p, '-r', '+1', 'Vigil: reboot requested to finish vulnerability fixes'];
  for (const p of ['/usr/bin/systemctl', '/bin/systemctl']) if (existsSync(p)) return [p, 'reboot'];
  throw new Error('no shutdown or systemctl on this host: reboot it by hand');
}

/** `systemctl reboot` is immediate: it runs after the answer. Anything else schedules and returns. */
const isImmediate = (command: string[]): boolean => /systemctl$/.test(command[0] ?? '') && command[1] === 'reboot';

function runScheduler(command: string[]): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = command as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const add = (b: Buffer) => (output = (output + b.toString()).slice(-4096));
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, output: output.trim() });
    });
  });
}

export function startReboot(): void {
  registerTask(REBOOT_TASK_KIND, {
    protection: false,
    run: async () => {
      const command = rebootCommand();
      if (isImmediate(command)) {
        // Answer the server before the host goes down.
        setTimeout(() => {
          const [cmd, ...args] = command as [string, ...string[]];
          const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
          child.on('error', () => undefined);
          child.unref();
        }, DELAY_MS).unref();
        return { scheduled: true, command, inMs: DELAY_MS };
      }
      const r = await runScheduler(command);
      if (r.exitCode !== 0) throw new Error(`${command.join(' ')} exited ${r.exitCode}: ${r.output || 'no output'}`);
      return { scheduled: true, command, output: r.output };
    },
  });
}
