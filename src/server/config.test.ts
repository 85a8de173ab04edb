import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  it('defaults to loopback:8080 and ./var', () => {
    const c = loadConfig({ env: {} });
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.home.endsWith('/var')).toBe(true);
  });

  it('takes env overrides and file values, flags win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify({ port: 9000, audit: { retentionDays: 30 } }));
    const c = loadConfig({ env: { VIGIL_HOME: dir, VIGIL_CONFIG: f }, flags: { host: '127.0.0.2' } });
    expect(c.port).toBe(9000);
    expect(c.audit.retentionDays).toBe(30);
    expect(c.home).toBe(dir);
    expect(c.host).toBe('127.0.0.2');
    expect(c.limits.bodyBytes).toBe(1024 * 1024);
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ env: { VIGIL_PORT: 'eighty' } })).toThrow(/VIGIL_PORT: "eighty" is not a whole number/);
    expect(() => loadConfig({ env: {}, flags: { port: 70000 } })).toThrow(/config key port/);
    expect(() => loadConfig({ env: {}, flags: { audit: { retentionDays: 'x' } } })).toThrow(/config key audit\.retentionDays/);
    expect(() => loadConfig({ env: {}, flags: { bogus: 1 } })).toThrow(/config key/);
    expect(() => loadConfig({ env: { VIGIL_DATABASE_URL: 'mysql://x' } })).toThrow(/config key databaseUrl/);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
    writeFileSync(join(dir, 'bad.json'), '{nope');
    expect(() => loadConfig({ env: {}, file: join(dir, 'bad.json') })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ env: {}, flags: { tls: { certFile: '/x' } } })).toThrow(/certFile and keyFile/);
  });
});
