import { describe, expect, it } from 'vitest';
import { compareDpkg } from './dpkg-version.js';
import { parseEcosystem } from './ecosystem.js';
import { evaluateAffectedPackage, evaluateRange, isAffected } from './osv-range.js';
import type { AffectedPackage, AffectedRange, RangeEvent } from './osv-types.js';
import { compareRpm } from './rpm-version.js';

const ev = (type: RangeEvent['type'], version: string): RangeEvent => ({ type, version });
const eco = (events: RangeEvent[]): AffectedRange => ({ type: 'ECOSYSTEM', events });
const semver = (events: RangeEvent[]): AffectedRange => ({ type: 'SEMVER', events });

describe('isAffected', () => {
  const simple = eco([ev('introduced', '0'), ev('fixed', '1:3.0.7-27.el9')]);
  it('introduced 0 .. fixed, epochs respected', () => {
    expect(isAffected(simple, '1:3.0.7-26.el9', compareRpm)).toBe(true);
    expect(isAffected(simple, '1:3.0.7-27.el9', compareRpm)).toBe(false);
    expect(isAffected(simple, '3.0.8-1.el9', compareRpm)).toBe(true); // epoch 0 < 1
    expect(isAffected(simple, '2:1.0-1', compareRpm)).toBe(false);
  });

  it('last_affected includes its own version', () => {
    const r = eco([ev('introduced', '1.0-1'), ev('last_affected', '1.2-1')]);
    expect(isAffected(r, '0.9-1', compareDpkg)).toBe(false);
    expect(isAffected(r, '1.0-1', compareDpkg)).toBe(true);
    expect(isAffected(r, '1.2-1', compareDpkg)).toBe(true);
    expect(isAffected(r, '1.2-1+deb12u1', compareDpkg)).toBe(false);
  });

  it('handles several intervals given out of order', () => {
    const r = semver([ev('fixed', '2.5.0'), ev('introduced', '2.0.0'), ev('fixed', '1.5.0'), ev('introduced', '1.0.0')]);
    expect(['0.9.0', '1.0.0', '1.4.9', '1.5.0', '1.9.9', '2.0.0', '2.5.0', '3.0.0'].map((v) => isAffected(r, v))).toEqual([
      false, true, true, false, false, true, false, false,
    ]);
  });

  it('never fixed means affected from introduced on', () => {
    const r = semver([ev('introduced', '1.2.0')]);
    expect(isAffected(r, '1.1.9')).toBe(false);
    expect(isAffected(r, '99.0.0')).toBe(true);
  });

  it('limit caps the range', () => {
    const r = semver([ev('introduced', '0'), ev('limit', '2.0.0')]);
    expect(isAffected(r, '1.9.9')).toBe(true);
    expect(isAffected(r, '2.0.0')).toBe(false);
    expect(isAffected(semver([ev('introduced', '0'), ev('limit', '*')]), '5.0.0')).toBe(true);
  });

  it('uses "~" ordering of dpkg for Debian backports', () => {
    const r = eco([ev('introduced', '0'), ev('fixed', '3.0.11-1~deb12u2')]);
    expect(isAffected(r, '3.0.11-1~deb12u1', compareDpkg)).toBe(true);
    expect(isAffected(r, '3.0.11-1', compareDpkg)).toBe(false);
  });

  it('needs a comparator for ECOSYSTEM ranges', () => {
    expect(() => isAffected(simple, '1.0')).toThrow(/comparator/);
  });

  it('reports the next fixed version', () => {
    const r = eco([ev('introduced', '0'), ev('fixed', '1.5-1'), ev('introduced', '2.0-1'), ev('fixed', '2.5-1')]);
    expect(evaluateRange(r, '2.1-1', compareDpkg)).toEqual({ affected: true, fixed: '2.5-1' });
    expect(evaluateRange(r, '1.0-1', compareDpkg)).toEqual({ affected: true, fixed: '1.5-1' });
  });
});

describe('evaluateAffectedPackage', () => {
  const pkg = (over: Partial<AffectedPackage>): AffectedPackage => ({
    ecosystem: 'Debian:12',
    eco: parseEcosystem('Debian:12'),
    package: 'openssl',
    ranges: [],
    versions: [],
    binaries: [],
    ...over,
  });

  it('uses the explicit versions list', () => {
    const p = pkg({ versions: ['3.0.9-1', '3.0.10-1'] });
    expect(evaluateAffectedPackage(p, '3.0.10-1').affected).toBe(true);
    expect(evaluateAffectedPackage(p, '0:3.0.10-1').affected).toBe(true);
    expect(evaluateAffectedPackage(p, '3.0.11-1').affected).toBe(false);
  });

  it('returns an error instead of a verdict for versions the scheme rejects', () => {
    const p = pkg({ ranges: [eco([ev('introduced', '0'), ev('fixed', '3.0.11-1')])] });
    const v = evaluateAffectedPackage(p, '3.0.10-');
    expect(v.affected).toBe(false);
    expect(v.error).toMatch(/revision number is empty/);
  });
});
