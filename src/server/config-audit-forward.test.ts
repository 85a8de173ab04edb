import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createForwarders } from '../domain/audit/forward/index.js';
import { loadConfig } from './config.js';

const load = (forward: unknown, env: NodeJS.ProcessEnv = {}) => loadConfig({ env, flags: { audit: { forward } } });
const silent = { error: () => undefined, warn: () => undefined };

describe('config: audit.forward', () => {
  it('accepts syslog and webhook targets with defaults left to the forwarders', () => {
    const cfg = load({ syslog: { transport: 'tcp', host: 'siem.example', facility: 'local0' }, webhook: { url: 'https://hec.example/services/collector/raw', secret: '0123456789abcdef' } });
    expect(cfg.audit.retentionDays).toBe(180);
    expect(cfg.audit.forward?.syslog).toEqual({ transport: 'tcp', host: 'siem.example', facility: 'local0' });
    const stats = createForwarders(cfg.audit.forward, silent).map((f) => f.stats());
    expect(stats.map((s) => s.target)).toEqual(['tcp://siem.example:514', 'https://hec.example/services/collector/raw']);
  });

  it('names the bad key', () => {
    expect(() => load({ syslog: { transport: 'sctp', host: 'h' } })).toThrow(/config key audit\.forward\.syslog\.transport/);
    expect(() => load({ syslog: { transport: 'udp', host: 'h', facility: 'local9' } })).toThrow(/config key audit\.forward\.syslog\.facility/);
    expect(() => load({ syslog: { transport: 'udp', host: 'h', port: 70000 } })).toThrow(/config key audit\.forward\.syslog\.port/);
    expect(() => load({ syslog: { transport: 'udp', host: 'h', sdId: 'bad id' } })).toThrow(/config key audit\.forward\.syslog\.sdId/);
    expect(() => load({ syslog: { transport: 'udp', host: 'h', bogus: 1 } })).toThrow(/config key audit\.forward\.syslog/);
    expect(() => load({ syslog: { transport: 'udp', host: 'h', caFile: '/x.pem' } })).toThrow('config key audit.forward.syslog.caFile: only used with transport "tls"');
    expect(() => load({ webhook: { url: 'ftp://x' } })).toThrow(/config key audit\.forward\.webhook\.url/);
    expect(() => load({ webhook: { url: 'https://x', secret: 'short' } })).toThrow(/config key audit\.forward\.webhook\.secret/);
    expect(() => load({ webhook: { url: 'http://x', tlsVerify: false } })).toThrow(/config key audit\.forward\.webhook\.url: caFile\/tlsVerify need an https/);
    expect(() => load({ webhook: { url: 'https://x', headers: { 'Bad Header': 'v' } } })).toThrow(/config key audit\.forward\.webhook\.headers/);
  });

  it('reads VIGIL_AUDIT_SYSLOG and VIGIL_AUDIT_WEBHOOK_* from the environment', () => {
    const cfg = loadConfig({ env: { VIGIL_AUDIT_SYSLOG: 'tls://[::1]:6515', VIGIL_AUDIT_WEBHOOK_URL: 'http://127.0.0.1:9/h', VIGIL_AUDIT_WEBHOOK_SECRET: 'x'.repeat(32) } });
    expect(cfg.audit.forward).toEqual({ syslog: { transport: 'tls', host: '::1', port: 6515 }, webhook: { url: 'http://127.0.0.1:9/h', secret: 'x'.repeat(32) } });
    expect(() => loadConfig({ env: { VIGIL_AUDIT_SYSLOG: 'syslog.example:514' } })).toThrow(/VIGIL_AUDIT_SYSLOG: "syslog.example:514" is not/);
  });

  it('a missing CA file fails with the key named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
    try {
      const cfg = load({ syslog: { transport: 'tls', host: 'h', caFile: join(dir, 'none.pem') } });
      expect(() => createForwarders(cfg.audit.forward, silent)).toThrow(/config key audit\.forward\.syslog\.caFile: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
