import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch } from './glob.js';

/** Independent oracle: the same language as a RegExp (fine for the short strings tests use). */
function globToRegExp(pattern: string): RegExp {
  let src = '^';
  for (const ch of pattern) {
    if (ch === '*') src += '[\\s\\S]*';
    else if (ch === '?') src += '[\\s\\S]';
    else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`${src}$`);
}

const alphabet = fc.constantFrom('a', 'b', ':', '-', '/', '.', '*', '?');
const patternArb = fc.array(alphabet, { maxLength: 10 }).map((cs) => cs.join(''));
const inputArb = fc.array(fc.constantFrom('a', 'b', ':', '-', '/', '.', '*', '?'), { maxLength: 12 }).map((cs) => cs.join(''));

describe('glob', () => {
  it('matches the documented examples', () => {
    expect(globMatch('yundun-sas:Describe*', 'yundun-sas:DescribeVulList')).toBe(true);
    expect(globMatch('yundun-sas:Describe*', 'yundun-sas:Describe')).toBe(true); // * may be empty
    expect(globMatch('yundun-sas:Describe?', 'yundun-sas:Describe')).toBe(false); // ? is exactly one
    expect(globMatch('yundun-sas:Describe?', 'yundun-sas:DescribeX')).toBe(true);
    expect(globMatch('acs:ecs:*:*:*', 'acs:ecs:cn-hangzhou:123:instance/i-1')).toBe(true);
    expect(globMatch('acs:ecs:*:*:snapshot/*', 'acs:ecs:cn-hangzhou:123:instance/i-1')).toBe(false);
    expect(globMatch('a*b*c', 'abc')).toBe(true);
    expect(globMatch('a*b*c', 'acb')).toBe(false);
    expect(compileGlob('ABC')('abc')).toBe(false); // case is the caller's business
  });

  it('the hand-written matcher and the compiled matcher agree with a RegExp oracle', () => {
    fc.assert(
      fc.property(patternArb, inputArb, (p, s) => {
        const expected = globToRegExp(p).test(s);
        expect(globMatch(p, s)).toBe(expected);
        expect(compileGlob(p)(s)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('stays fast on a pattern that makes backtracking regexes explode', () => {
    const pattern = `${'*a'.repeat(40)}*b`;
    const input = 'a'.repeat(5000);
    expect(globMatch(pattern, input)).toBe(false);
    expect(compileGlob(pattern)(input)).toBe(false);
  });
});
