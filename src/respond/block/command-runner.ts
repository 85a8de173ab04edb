import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(argv: readonly string[], input?: string): Promise<CommandResult>;
}

export interface ExecRunnerOptions {
  /** Prepended to every command, e.g. `['ip', 'netns', 'exec', 'vigil-test-1']`. */
  prefix?: readonly string[];
  timeoutMs?: number;
}

/** Runs argument arrays directly (never through a shell); non-zero exits are returned, not thrown. */
export function execRunner(options: ExecRunnerOptions = {}): CommandRunner {
  const prefix = options.prefix ?? [];
  return {
    run(argv, input) {
      const full = [...prefix, ...argv];
      const [bin, ...args] = full;
      if (bin === undefined) return Promise.reject(new Error('empty command'));
      return new Promise((resolve) => {
        const child = execFile(bin, args, { timeout: options.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 127;
          resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
        });
        if (input !== undefined) child.stdin?.end(input);
      });
    },
  };
}

/** True when `bin` runs (exit status ignored beyond "could start"). */
export async function commandExists(runner: CommandRunner, argv: readonly string[]): Promise<boolean> {
  const r = await runner.run(argv);
  return r.code !== 127;
}
