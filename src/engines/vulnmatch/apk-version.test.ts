import { describe, expect, it } from 'vitest';
import { compareApk, isValidApkVersion } from './apk-version.js';

describe('isValidApkVersion', () => {
  it.each(['1.0', '1.2.3a', '1.0_alpha2_pre1', '3.1.4-r0', '1.0_git20240101-r3', '1.0~abc123-r1', '0.01'])('accepts %s', (v) => {
    expect(isValidApkVersion(v)).toBe(true);
  });
  it.each(['', 'a1', '1.0bc', '1.0_foo', '1.0-1', '1.0-r', '1..0', '1.0~', '1.0~xyz', '1.0-r1-r2'])('rejects %s', (v) => {
    expect(isValidApkVersion(v)).toBe(false);
  });
});

describe('compareApk', () => {
  it.each([
    ['1.0_alpha1', '1.0', -1],
    ['1.0_rc1', '1.0_beta9', 1],
    ['1.0_p1', '1.0', 1],
    ['1.0-r1', '1.0', 1],
    ['1.0a', '1.0', 1],
    ['1.0.1', '1.0a', 1],
    ['3.1.4-r10', '3.1.4-r9', 1],
    ['1.01', '1.1', -1], // a leading zero switches to string comparison
    ['1.0~abc-r1', '1.0-r1', 1],
    ['6.6.30-r0', '6.6.14-r0', 1],
  ] as const)('%s vs %s = %d', (a, b, expected) => {
    expect(compareApk(a, b)).toBe(expected);
    expect(compareApk(b, a)).toBe(0 - expected);
  });
});
