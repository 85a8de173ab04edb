import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipInRange, parseIp, parseIpRange, parseIpv4 } from './ip.js';

function inRange(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const r = parseIpRange(cidr);
  if (a === null || r === null) throw new Error(`bad test input ${ip} ${cidr}`);
  return ipInRange(a, r);
}

describe('IP addresses', () => {
  it('parses IPv4 and rejects what is not a dotted quad', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.0.0.300', '10.0.0', '10.0.0.1.1', '010.0.0.1', '1.2.3.-4', '', '1..2.3', ' 1.2.3.4']) {
      expect(parseIpv4(bad)).toBeNull();
    }
  });

  it('agrees with node:net isIP on generated and random strings (zone ids excluded)', () => {
    const candidate = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.string({ maxLength: 20 }),
      fc.string({ unit: fc.constantFrom('0', '1', 'f', ':', '.', '9'), maxLength: 24 }));
    fc.assert(
      fc.property(candidate, (s) => {
        fc.pre(!s.includes('%'));
        expect(parseIp(s) !== null).toBe(isIP(s) !== 0);
      }),
      { numRuns: 5000 },
    );
  });

  it('matches IPv4 CIDRs', () => {
    expect(inRange('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inRange('192.168.1.255', '192.168.1.0/24')).toBe(true);
    expect(inRange('192.168.2.0', '192.168.1.0/24')).toBe(false);
    expect(inRange('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inRange('1.2.3.4', '1.2.3.4')).toBe(true);
    expect(inRange('1.2.3.5', '1.2.3.4/32')).toBe(false);
    expect(inRange('10.0.0.1', '10.0.0.0/31')).toBe(true);
  });

  it('matches IPv6 CIDRs, including prefixes that end inside a group', () => {
    expect(inRange('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(inRange('2001:db8:abcd:12ff::1', '2001:db8:abcd:1200::/56')).toBe(true);
    expect(inRange('2001:db8:abcd:1300::1', '2001:db8:abcd:1200::/56')).toBe(false);
    expect(inRange('fe80::1', 'fe80::/10')).toBe(true);
    expect(inRange('fec0::1', 'fe80::/10')).toBe(false);
    expect(inRange('::1', '::1/128')).toBe(true);
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address, both ways', () => {
    expect(inRange('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('::ffff:a01:203', '10.0.0.0/8')).toBe(true);
    expect(inRange('10.1.2.3', '::ffff:10.0.0.0/104')).toBe(true);
    expect(inRange('11.1.2.3', '::ffff:10.0.0.0/104')).toBe(false);
    expect(inRange('2001:db8::1', '0.0.0.0/0')).toBe(false);
  });

  it('rejects bad ranges', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '::/129', '10.0.0.300/8', 'fe80::1%eth0', 'x/8']) {
      expect(parseIpRange(bad)).toBeNull();
    }
  });

  it('a range always contains its own base address (property, v4 and v6)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat({ max: 128 }), (ip, n) => {
        const prefix = ip.includes(':') ? n : n % 33;
        expect(inRange(ip, `${ip}/${prefix}`)).toBe(true);
      }),
    );
  });
});
