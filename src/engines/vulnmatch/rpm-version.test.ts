import { describe, expect, it } from 'vitest';
import { compareRpm, formatRpmEvr, parseRpmEvr, rpmvercmp } from './rpm-version.js';

describe('parseRpmEvr', () => {
  it('takes the epoch from leading digits before ":" and the release after the last "-"', () => {
    expect(parseRpmEvr('1:3.0.7-27.el9')).toEqual({ epoch: '1', version: '3.0.7', release: '27.el9' });
    expect(parseRpmEvr('3.0.7-27.el9')).toEqual({ version: '3.0.7', release: '27.el9' });
    expect(parseRpmEvr('1.2')).toEqual({ version: '1.2' });
    expect(parseRpmEvr(':1.2-3')).toEqual({ epoch: '0', version: '1.2', release: '3' });
    expect(parseRpmEvr('1.2-rc-3')).toEqual({ version: '1.2-rc', release: '3' });
    expect(parseRpmEvr('a1:2')).toEqual({ version: 'a1:2' });
  });

  it('formats without a zero epoch', () => {
    expect(formatRpmEvr(parseRpmEvr('0:1.0-1'))).toBe('1.0-1');
    expect(formatRpmEvr(parseRpmEvr('2:1.0-1'))).toBe('2:1.0-1');
  });
});

describe('rpmvercmp', () => {
  it.each([
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.0~rc1^git1', '1.0~rc1', 1],
    ['1.01', '1.1', 0],
    ['1.a', '1.1', -1], // numeric segments are newer than alphabetic ones
    ['el9_6.1', 'el9_3', 1],
    ['1_0', '1.0', 0], // separators are all alike
  ] as const)('%s vs %s = %d', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(0 - expected);
  });
});

describe('compareRpm (rpm.vercmp semantics)', () => {
  it.each([
    ['1:1.0-1', '2.0-1', 1], // epoch first
    ['0:1.0-1', '1.0-1', 0], // absent epoch = 0
    ['1.0', '1.0-1', -1], // absent release sorts first
    ['1.9.5p2-10.el9_6.1', '1.9.5p2-10.el9_3', 1],
    ['1:3.5.5-3.el9_8', '1:3.5.5-4.el9_8', -1],
    ['5.14.0-687.39.1.el9_8', '5.14.0-687.5.3.el9_8', 1],
  ] as const)('%s vs %s = %d', (a, b, expected) => {
    expect(compareRpm(a, b)).toBe(expected);
    expect(compareRpm(b, a)).toBe(0 - expected);
  });
});
