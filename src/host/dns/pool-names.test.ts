import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../test/helpers/dns-server.js';
import { PoolNameResolver } from './pool-names.js';

describe('PoolNameResolver against a DNS server on loopback', () => {
  let dns: TestDnsServer;
  const records: Record<string, string[]> = { 'pool.minexmr.com': ['198.51.100.7'], 'xmr.pool.minergate.com': ['198.51.100.7', '198.51.100.8'] };
  beforeAll(async () => {
    dns = await startDnsServer(records);
  });
  afterAll(async () => {
    await dns.close();
  });

  it('maps each answered address to the pool names, keeps answers when a later pass fails', async () => {
    const r = new PoolNameResolver({ domains: ['pool.minexmr.com', 'XMR.pool.minergate.com.', 'gone.example', 'bad name!'], servers: [`127.0.0.1:${dns.port}`], timeoutMs: 500 });
    const st = await r.refresh();
    expect(st).toMatchObject({ names: 3, resolved: 2, failed: 1, addresses: 2 });
    expect(r.addressNames().get('198.51.100.7')).toEqual(['pool.minexmr.com', 'xmr.pool.minergate.com']);
    expect(r.addressNames().get('198.51.100.8')).toEqual(['xmr.pool.minergate.com']);
    expect(dns.queries).toContain('pool.minexmr.com/1');
    expect(dns.queries).toContain('pool.minexmr.com/28');
    // The server forgets a name: the old answer stays (a pool offline is still a pool).
    delete records['pool.minexmr.com'];
    const again = await r.refresh();
    expect(again.failed).toBe(2);
    expect(r.addressNames().get('198.51.100.7')).toEqual(['pool.minexmr.com', 'xmr.pool.minergate.com']);
    r.stop();
  });

  it('a dead DNS server costs timeouts, not errors', async () => {
    const r = new PoolNameResolver({ domains: ['pool.minexmr.com'], servers: ['127.0.0.1:9'], timeoutMs: 200 });
    await expect(r.refresh()).resolves.toMatchObject({ resolved: 0, failed: 1, addresses: 0 });
    r.stop();
  });
});
