import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';

// The Quick start's first command runs `vigil server --local-agent`: one process, SQLite, and an
// agent protecting the machine it runs on. This drives the built CLI exactly that way.
if (!existsSync('dist/cli/main.js')) throw new Error('dist/cli/main.js is missing: run `npm run build` first');

let home: string;
let server: ChildProcess;
let url = '';
let out = '';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'vigil-local-'));
  server = spawn(process.execPath, ['bin/vigil.js', 'server', '--home', home, '--port', '0', '--local-agent'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' } });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    server.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Vigil listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) url = m[1] as string;
      if (url && out.includes('local agent')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('vigil server --local-agent', () => {
  it('enrolls the local agent, reports it online and lists this machine in the asset center', async () => {
    const key = JSON.parse(spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'create-accesskey', '--home', home, '--json'], { encoding: 'utf8' }).stdout) as {
      AccessKeyId: string;
      AccessKeySecret: string;
    };
    const sas = popClient(url, key.AccessKeyId, key.AccessKeySecret);
    await until('agent online', async () => ((await sas.request('DescribeSummaryInfo', {})).AegisClientOnlineCount === 1 ? true : undefined));
    const instances = await until('inventory ingested', async () => {
      const r = (await sas.request('DescribeCloudCenterInstances', {})) as { Instances: Array<{ ClientStatus: string; Os: string; Kernel: string }> };
      return r.Instances.length === 1 && r.Instances[0]?.Kernel ? r.Instances : undefined;
    });
    expect(instances[0]?.ClientStatus).toBe('online');
    const kernel = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
    expect(instances[0]?.Kernel).toBe(kernel);
    expect(existsSync(join(home, 'local-agent'))).toBe(true);
  });
});
