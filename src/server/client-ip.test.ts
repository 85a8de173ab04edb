import { describe, expect, it } from 'vitest';
import { buildTrustList, clientIp, normalizeIp } from './client-ip.js';
import { NonceStore } from './nonce-store.js';

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

describe('NonceStore', () => {
  it('refuses a replay within the TTL, forgets after, and reports capacity', () => {
    const s = new NonceStore(60, 900, 3);
    expect(s.use('AK', 'n1', 0)).toBe('ok');
    expect(s.use('AK', 'n1', 1000)).toBe('used');
    expect(s.use('AK2', 'n1', 1000)).toBe('ok');
    expect(s.use('AK', 'n2', 1000)).toBe('ok');
    expect(s.use('AK', 'n3', 1000)).toBe('full');
    expect(s.use('AK', 'n1', 1_800_001)).toBe('ok');
  });
});
