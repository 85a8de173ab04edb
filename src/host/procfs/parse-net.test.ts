import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasRemotePeer, parseHexAddress, parseProcNetInet, parseProcNetUnix } from './parse-net.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

// Captured on this machine with a python script holding: a 127.0.0.1 TCP pair, a ::1 TCP pair,
// an IPv4-mapped TCP pair on a :: listener, and connected UDP sockets to 127.0.0.1:9 and [::1]:53.
describe('parseProcNetInet on captured tables', () => {
  it('decodes little-endian IPv4 addresses and states', () => {
    const rows = parseProcNetInet(fixture('net-tcp.txt'), 'tcp');
    expect(rows.find((r) => r.inode === 19990)).toEqual({
      inode: 19990, proto: 'tcp', localAddress: '127.0.0.1', localPort: 53752, remoteAddress: '127.0.0.1', remotePort: 35145, state: 'ESTABLISHED', uid: 0,
    });
    expect(rows.find((r) => r.inode === 19989)).toMatchObject({ localPort: 35145, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 });
    expect(rows.find((r) => r.inode === 1068)).toMatchObject({ localAddress: '0.0.0.0', localPort: 2024 });
    expect(rows.find((r) => r.inode === 5395)).toMatchObject({ uid: 106 });
    // TIME_WAIT rows have inode 0 and belong to no process.
    expect(rows.some((r) => r.inode === 0)).toBe(false);
    expect(rows).toHaveLength(14);
  });

  it('decodes IPv6 as four little-endian words, including IPv4-mapped addresses', () => {
    const rows = parseProcNetInet(fixture('net-tcp6.txt'), 'tcp6');
    expect(rows.find((r) => r.inode === 19993)).toMatchObject({ localAddress: '::1', localPort: 42826, remoteAddress: '::1', remotePort: 45395, state: 'ESTABLISHED' });
    expect(rows.find((r) => r.inode === 19996)).toMatchObject({ localAddress: '::ffff:127.0.0.1', localPort: 40326, remoteAddress: '::ffff:127.0.0.1', remotePort: 43861 });
    expect(rows.find((r) => r.inode === 3490)).toMatchObject({ localAddress: '::1', state: 'LISTEN' });
  });

  it('reads connected UDP sockets', () => {
    expect(parseProcNetInet(fixture('net-udp.txt'), 'udp')).toEqual([
      { inode: 19998, proto: 'udp', localAddress: '127.0.0.1', localPort: 46328, remoteAddress: '127.0.0.1', remotePort: 9, state: 'ESTABLISHED', uid: 0 },
    ]);
    expect(parseProcNetInet(fixture('net-udp6.txt'), 'udp6')[0]).toMatchObject({ localAddress: '::1', localPort: 54407, remoteAddress: '::1', remotePort: 53 });
  });

  it('skips malformed lines instead of throwing', () => {
    expect(parseProcNetInet('header\n garbage line\n 0: ZZZZ:0000 1 2\n', 'tcp')).toEqual([]);
    expect(parseProcNetInet('', 'tcp')).toEqual([]);
  });
});

describe('parseHexAddress', () => {
  it('handles non-loopback addresses in both byte orders', () => {
    expect(parseHexAddress('0F02000A:01BB')).toEqual({ address: '10.0.2.15', port: 443 });
    expect(parseHexAddress('0A00020F:01BB', 'BE')).toEqual({ address: '10.0.2.15', port: 443 });
    expect(parseHexAddress('B80D0120000000000000000001000000:0016')).toEqual({ address: '2001:db8::1', port: 22 });
    expect(parseHexAddress('B80D0120000000000000000001000000:0016', 'LE')?.address).toBe('2001:db8::1');
    expect(parseHexAddress('000080FE00000000FF565002AB1234FE:0050')?.address).toBe('fe80::250:56ff:fe34:12ab');
    expect(parseHexAddress('00000000000000000000000000000000:0000')?.address).toBe('::');
  });

  it('rejects fields of the wrong shape', () => {
    expect(parseHexAddress('0100007F')).toBeNull();
    expect(parseHexAddress('0100007F:1')).toBeNull();
    expect(parseHexAddress('0100007:0016')).toBeNull();
  });
});

describe('parseProcNetUnix', () => {
  it('reads named, listening and unnamed sockets', () => {
    const rows = parseProcNetUnix(fixture('net-unix.txt'));
    expect(rows.find((r) => r.inode === 4312)).toEqual({ inode: 4312, type: 1, state: 1, listening: true, path: '/var/run/postgresql/.s.PGSQL.5432' });
    expect(rows.find((r) => r.inode === 5035)).toEqual({ inode: 5035, type: 1, state: 3, listening: false });
    expect(rows).toHaveLength(6);
  });

  it('keeps paths with spaces and abstract names', () => {
    const text = 'Num       RefCount Protocol Flags    Type St Inode Path\n0000000000000000: 00000002 00000000 00010000 0001 01 777 @/tmp/.X11 unix/X0\n';
    expect(parseProcNetUnix(text)[0]?.path).toBe('@/tmp/.X11 unix/X0');
  });
});

describe('hasRemotePeer', () => {
  const base = { inode: 1, proto: 'tcp' as const, localAddress: '10.0.0.2', localPort: 40000, uid: 0 };
  it('is true for connected sockets and false for listeners and unconnected UDP', () => {
    expect(hasRemotePeer({ ...base, remoteAddress: '10.0.0.9', remotePort: 4444, state: 'ESTABLISHED' })).toBe(true);
    expect(hasRemotePeer({ ...base, remoteAddress: '10.0.0.9', remotePort: 4444, state: 'SYN_SENT' })).toBe(true);
    expect(hasRemotePeer({ ...base, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' })).toBe(false);
    expect(hasRemotePeer({ ...base, proto: 'udp', remoteAddress: '0.0.0.0', remotePort: 0, state: 'CLOSE' })).toBe(false);
  });
});
