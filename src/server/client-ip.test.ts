import { describe, expect, it } from 'vitest';
import { buildTrustList, clientIp, normalizeIp } from './client-ip.js';

describe('clientIp', () => {
  const trust = buildTrustList(['127.0.0.1', '10.0.0.0/8']);
  it('uses the TCP peer unless the peer is a trusted proxy', () => {
    expect(clientIp('::ffff:192.0.2.1', '1.2.3.4', trust)).toBe('192.0.2.1');
    expect(clientIp('127.0.0.1', '1.2.3.4, 10.1.1.1', trust)).toBe('1.2.3.4');
    expect(clientIp('127.0.0.1', 'garbage', trust)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', undefined, trust)).toBe('127.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });
  it('refuses bad trust entries', () => {
    expect(() => buildTrustList(['nope'])).toThrow(/not an IP/);
  });
});
