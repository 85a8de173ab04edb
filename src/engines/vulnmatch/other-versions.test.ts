import { describe, expect, it } from 'vitest';
import { compareMaven } from './maven-version.js';
import { comparePep440, Pep440Error } from './pep440-version.js';
import { compareSemver, SemverError } from './semver-version.js';

/** Every earlier element must sort strictly before every later one. */
function expectAscending(list: readonly string[], compare: (a: string, b: string) => number): void {
  const wrong: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] ?? '';
      const b = list[j] ?? '';
      if (compare(a, b) !== -1 || compare(b, a) !== 1) wrong.push(`${a} < ${b}`);
    }
  }
  expect(wrong).toEqual([]);
}

function expectEqual(list: readonly string[], compare: (a: string, b: string) => number): void {
  for (const a of list) for (const b of list) expect(compare(a, b), `${a} = ${b}`).toBe(0);
}

describe('compareSemver', () => {
  it('orders the semver.org precedence example', () => {
    expectAscending(
      ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0', '10.0.0'],
      compareSemver,
    );
  });
  it('ignores build metadata and a Go-style "v" prefix, and reads missing parts as 0', () => {
    expectEqual(['1.2.3', 'v1.2.3', '1.2.3+build.5', 'v1.2.3+incompatible'], compareSemver);
    expectEqual(['1.2', '1.2.0'], compareSemver);
  });
  it('rejects what is not a version', () => {
    expect(() => compareSemver('1.2.3', 'latest')).toThrow(SemverError);
  });
});

describe('comparePep440', () => {
  it('orders the PEP 440 summary example', () => {
    expectAscending(
      [
        '1.0.dev456',
        '1.0a1',
        '1.0a2.dev456',
        '1.0a12.dev456',
        '1.0a12',
        '1.0b1.dev456',
        '1.0b2',
        '1.0b2.post345.dev456',
        '1.0b2.post345',
        '1.0rc1.dev456',
        '1.0rc1',
        '1.0',
        '1.0+abc.5',
        '1.0+abc.7',
        '1.0+5',
        '1.0.post456.dev34',
        '1.0.post456',
        '1.0.15',
        '1.1.dev1',
        '1!0.1',
      ],
      comparePep440,
    );
  });
  it('normalizes spellings', () => {
    expectEqual(['1.0a1', '1.0alpha1', '1.0-a.1', '1.0.A1', 'v1.0a1', '1.0.0a1'], comparePep440);
    expectEqual(['1.0rc1', '1.0c1', '1.0pre1', '1.0preview1'], comparePep440);
    expectEqual(['1.0-1', '1.0.post1', '1.0post1', '1.0-r1', '1.0rev1'], comparePep440);
    expectEqual(['2', '2.0', '2.0.0', '0!2.0'], comparePep440);
  });
  it('rejects non-PEP 440 versions', () => {
    expect(() => comparePep440('1.0', 'french toast')).toThrow(Pep440Error);
  });
});

describe('compareMaven', () => {
  it('orders qualifiers: alpha < beta < milestone < rc < snapshot < release < sp < others', () => {
    expectAscending(
      ['1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2', '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot', '1-1', '1-2', '1-123'],
      compareMaven,
    );
  });
  it('orders numbers and mixed forms', () => {
    expectAscending(
      ['2.0', '2-1', '2.0.a', '2.0.0.a', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2', '2.123', '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m'],
      compareMaven,
    );
  });
  it('treats trailing zeros and release aliases as equal', () => {
    expectEqual(['1', '1.0', '1.0.0', '1-0', '1.0-0', '1ga', '1-ga', '1.final', '1-release', '1.0.0.RELEASE'], compareMaven);
    expectEqual(['1a1', '1-a1', '1-alpha-1', '1alpha1'], compareMaven);
    expectEqual(['1cr', '1rc', '1-rc', '1-CR'], compareMaven);
  });
});
