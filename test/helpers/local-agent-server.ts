import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `vigil server --local-agent` from the built CLI, as the Quick start runs it. */
export interface LocalAgentServer {
  url: string;
  home: string;
  process: ChildProcess;
  /** A root AccessKey made with `vigil admin create-accesskey --json`. */
  createKey(): { AccessKeyId: string; AccessKeySecret: string };
  stop(): Promise<void>;
}

export async function startLocalAgentServer(env: NodeJS.ProcessEnv = {}): Promise<LocalAgentServer> {
  if (!existsSync('dist/cli/main.js')) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 'vigil-local-'));
  const child = spawn(process.execPath, ['bin/vigil.js', 'server', '--home', home, '--port', '0', '--local-agent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', ...env },
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  };
  let out = '';
  let url = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Vigil listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) url = m[1] as string;
        if (url && out.includes('local agent')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    home,
    process: child,
    createKey: () => JSON.parse(spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'create-accesskey', '--home', home, '--json'], { encoding: 'utf8' }).stdout),
    stop,
  };
}

/** Polls `fn` until it returns a value (bounded), for state that arrives asynchronously from agents. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
