import { describe, expect, it } from 'vitest';
import { compareDpkg, DpkgVersionError, parseDpkgVersion } from './dpkg-version.js';

function problem(v: string, strict = true): { kind: string; message: string } | undefined {
  try {
    parseDpkgVersion(v, { strict });
    return undefined;
  } catch (err) {
    if (!(err instanceof DpkgVersionError)) throw err;
    return { kind: err.kind, message: err.message };
  }
}

describe('parseDpkgVersion', () => {
  it('splits epoch, upstream and revision at the first colon and the last hyphen', () => {
    expect(parseDpkgVersion('1:2.30-1-2ubuntu0.1')).toEqual({ epoch: 1, upstream: '2.30-1', revision: '2ubuntu0.1' });
    expect(parseDpkgVersion('3.0.11-1~deb12u2')).toEqual({ epoch: 0, upstream: '3.0.11', revision: '1~deb12u2' });
    expect(parseDpkgVersion('  7.88.1  ')).toEqual({ epoch: 0, upstream: '7.88.1', revision: '' });
    expect(parseDpkgVersion('2:1.0:beta-1')).toEqual({ epoch: 2, upstream: '1.0:beta', revision: '1' });
  });

  it('names the problem the way dpkg does', () => {
    expect(problem('')).toEqual({ kind: 'error', message: 'invalid dpkg version "": version string is empty' });
    expect(problem('1.0 2')?.message).toMatch(/embedded spaces/);
    expect(problem(':1.0')?.message).toMatch(/epoch in version is empty/);
    expect(problem('1a:1.0')?.message).toMatch(/epoch in version is not number/);
    expect(problem('-1:1.0')?.message).toMatch(/epoch in version is negative/);
    expect(problem('99999999999:1.0')?.message).toMatch(/epoch in version is too big/);
    expect(problem('1:')?.message).toMatch(/nothing after colon/);
    expect(problem('1.0-')?.message).toMatch(/revision number is empty/);
    expect(problem('-1')?.message).toMatch(/version number is empty/);
    expect(problem('a1.0')).toEqual({ kind: 'warning', message: expect.stringMatching(/does not start with digit/) });
    expect(problem('1.0_1')?.message).toMatch(/invalid character in version number/);
    expect(problem('1.0-1_2')?.message).toMatch(/invalid character in revision number/);
  });

  it('accepts what dpkg only warns about when not strict, never what it rejects', () => {
    expect(problem('a1.0', false)).toBeUndefined();
    expect(problem('1.0_1', false)).toBeUndefined();
    expect(problem('1.0-', false)?.kind).toBe('error');
  });
});

describe('compareDpkg', () => {
  it.each([
    ['1.0~rc1', '1.0', -1],
    ['1.0~', '1.0', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0', '1.0+b1', -1],
    ['1.0a', '1.0+', -1], // letters sort before non-letters
    ['1.0', '1.0a', -1],
    ['1.0-1', '1.0-0', 1],
    ['1.0', '1.0-0', 0],
    ['0:1.0', '1.0', 0],
    ['1:0.1', '9.9', 1],
    ['1.010', '1.9', 1],
    ['1.0010', '1.10', 0],
    ['3.0.11-1~deb12u2', '3.0.11-1', -1],
    ['1:8.9p1-3ubuntu0.10', '1:8.9p1-3ubuntu0.6', 1],
    ['18446744073709551616', '18446744073709551615', 1],
  ] as const)('%s vs %s = %d', (a, b, expected) => {
    expect(compareDpkg(a, b)).toBe(expected);
    expect(compareDpkg(b, a)).toBe(0 - expected);
  });

  it('throws on versions dpkg rejects', () => {
    expect(() => compareDpkg('1.0-', '1.0')).toThrow(DpkgVersionError);
  });
});
