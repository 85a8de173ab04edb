import { describe, expect, it } from 'vitest';
import { IpAllowlist, isLoopback, parseIp } from './ip.js';

describe('parseIp', () => {
  it('accepts canonical dotted quads only', () => {
    expect(parseIp('203.0.113.5')).toEqual({ family: 4, value: 0xcb007105n, text: '203.0.113.5' });
    expect(parseIp(' 0.0.0.0 ')?.value).toBe(0n);
    expect(parseIp('255.255.255.255')?.value).toBe(0xffffffffn);
    for (const bad of ['010.0.0.1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', '1.2.3.4a', '1234.1.1.1', '', 'example.com', '1.2.3.-4']) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it('parses IPv6, reducing v4-mapped addresses to IPv4', () => {
    expect(parseIp('2001:DB8::7')).toMatchObject({ family: 6, text: '2001:db8::7' });
    expect(parseIp('::ffff:198.51.100.3')).toMatchObject({ family: 4, text: '198.51.100.3' });
    expect(parseIp('::1')?.value).toBe(1n);
    expect(parseIp('1::2::3')).toBeNull();
  });

  it('matches allowlists and loopback', () => {
    const a = new IpAllowlist(['10.0.0.0/8', '2001:db8::/32', 'nope']);
    expect(a.invalid).toEqual(['nope']);
    expect([a.has('10.9.8.7'), a.has('11.0.0.1'), a.has('2001:db8::1'), a.has('junk')]).toEqual([true, false, true, false]);
    expect(new IpAllowlist([]).has('10.0.0.1')).toBe(false);
    expect([isLoopback('127.0.0.2'), isLoopback('::1'), isLoopback('128.0.0.1')]).toEqual([true, true, false]);
  });
});
