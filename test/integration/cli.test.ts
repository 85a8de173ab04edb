import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';

// The CLI contract scripts rely on, exercised through the real built entry point (`npm test` builds
// first; run `npm run build:server` before running this file alone).
if (!existsSync('dist/cli/main.js')) throw new Error('dist/cli/main.js is missing: run `npm run build:server` first');
const CLI = ['bin/vigil.js'];
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

let home: string;
let server: ChildProcess;
let url = '';
let password = '';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  server = spawn(process.execPath, [...CLI, 'server', '--home', home, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' } });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    server.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const pw = /password "([^"]+)"/.exec(out);
      if (pw) password = pw[1] as string;
      const m = /Vigil listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        url = m[1] as string;
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

describe('vigil CLI', () => {
  it('prints the version and helpful help', () => {
    const v = run(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = run(['admin', '--help']);
    expect(h.stdout).toContain('create-accesskey');
    expect(h.stdout).toContain('reset-password');
    const bad = run(['server', '--port', 'eighty', '--home', home]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--port: "eighty" is not a port number');
  });

  it('server prints the admin password once and the URL; data dir and key are private', () => {
    expect(password).toHaveLength(20);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(join(home, 'master.key')).mode & 0o777).toBe(0o600);
  });

  it('admin create-accesskey --json works while the server runs, and the key signs real calls', async () => {
    const r = run(['admin', 'create-accesskey', '--home', home, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const key = JSON.parse(r.stdout) as { AccessKeyId: string; AccessKeySecret: string };
    expect(key.AccessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(key.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    const res = await popClient(url, key.AccessKeyId, key.AccessKeySecret).request('DescribeSummaryInfo', {});
    expect(res.Success).toBe(true);
  });

  it('admin reset-password gives a password that logs in to the console', async () => {
    const r = run(['admin', 'reset-password', '--home', home]);
    expect(r.status, r.stderr).toBe(0);
    const pw = /New password for user "root": (\S+)/.exec(r.stdout)?.[1] as string;
    const old = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserName: 'root', Password: password }) });
    expect(old.status).toBe(401);
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserName: 'root', Password: pw }) });
    expect(login.status).toBe(200);
    const session = (await login.json()) as { CsrfToken: string; IsRoot: boolean };
    expect(session.IsRoot).toBe(true);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const call = await fetch(`${url}/api/DescribeSummaryInfo`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.CsrfToken }, body: '{}' });
    expect(call.status).toBe(200);
    const noCsrf = await fetch(`${url}/api/DescribeSummaryInfo`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
    expect(noCsrf.status).toBe(403);
    const catalog = (await (await fetch(`${url}/api/catalog`, { headers: { cookie } })).json()) as { actions: Array<{ Name: string; RamActions: string[]; Params: object }> };
    expect(catalog.actions.map((a) => a.Name)).toContain('DescribeSummaryInfo');
    expect(catalog.actions.find((a) => a.Name === 'LookupEvents')?.RamActions).toEqual(['actiontrail:LookupEvents']);
  });

  it('refuses plain HTTP on a non-loopback address', () => {
    const r = run(['server', '--home', home, '--host', '0.0.0.0', '--port', '0']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to serve plain HTTP');
  });

  it('serves HTTPS with --tls-self-signed', async () => {
    const h2 = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
    const p = spawn(process.execPath, [...CLI, 'server', '--home', h2, '--port', '0', '--tls-self-signed'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' } });
    try {
      const httpsUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(out)), 30_000);
        p.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Vigil listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] as string);
          }
        });
      });
      const curl = spawnSync('curl', ['-sk', `${httpsUrl}/healthz`], { encoding: 'utf8' });
      expect(JSON.parse(curl.stdout)).toEqual({ status: 'ok', database: 'sqlite' });
      const strict = spawnSync('curl', ['-s', `${httpsUrl}/healthz`], { encoding: 'utf8' });
      expect(strict.status).not.toBe(0);
    } finally {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
      rmSync(h2, { recursive: true, force: true });
    }
  });
});
