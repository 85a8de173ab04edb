import { describe, expect, it } from 'vitest';
import { compareApk } from './apk-version.js';
import { compareDpkg } from './dpkg-version.js';
import { comparatorFor, EcosystemError, parseEcosystem } from './ecosystem.js';
import { compareMaven } from './maven-version.js';
import { comparePep440 } from './pep440-version.js';
import { compareRpm } from './rpm-version.js';
import { compareSemver } from './semver-version.js';

describe('parseEcosystem', () => {
  it.each([
    ['Debian:12', 'Debian', '12', 'dpkg', 'Debian:12', false],
    ['Debian:12.5', 'Debian', '12', 'dpkg', 'Debian:12', false],
    ['Ubuntu:22.04:LTS', 'Ubuntu', '22.04', 'dpkg', 'Ubuntu:22.04', false],
    ['Ubuntu:24.10', 'Ubuntu', '24.10', 'dpkg', 'Ubuntu:24.10', false],
    ['Ubuntu:Pro:16.04:LTS', 'Ubuntu', '16.04', 'dpkg', 'Ubuntu:16.04', true],
    ['AlmaLinux:9', 'AlmaLinux', '9', 'rpm', 'AlmaLinux:9', false],
    ['almalinux:9.4', 'AlmaLinux', '9', 'rpm', 'AlmaLinux:9', false],
    ['Rocky Linux:9', 'Rocky Linux', '9', 'rpm', 'Rocky Linux:9', false],
    ['Alpine:v3.19', 'Alpine', 'v3.19', 'apk', 'Alpine:v3.19', false],
    ['Alpine:3.19.1', 'Alpine', 'v3.19', 'apk', 'Alpine:v3.19', false],
  ] as const)('%s', (raw, name, release, scheme, key, pro) => {
    const eco = parseEcosystem(raw);
    expect(eco).toMatchObject({ raw, name, release, scheme, key, pro, os: true });
  });

  it.each([
    ['PyPI', 'pep440'],
    ['npm', 'semver'],
    ['Go', 'semver'],
    ['Maven', 'maven'],
    ['Maven:https://repo.maven.apache.org/maven2/', 'maven'],
  ] as const)('%s is a language ecosystem ordered by %s', (raw, scheme) => {
    const eco = parseEcosystem(raw);
    expect(eco.os).toBe(false);
    expect(eco.scheme).toBe(scheme);
    expect(eco.key).toBe(raw.split(':')[0]);
  });

  it('rejects an empty name and an OS without release', () => {
    expect(() => parseEcosystem('')).toThrow(EcosystemError);
    expect(() => parseEcosystem('Debian')).toThrow(/needs a release/);
  });

  it('keeps unknown ecosystems without a comparator', () => {
    const eco = parseEcosystem('Hackage');
    expect(eco.scheme).toBeUndefined();
    expect(comparatorFor(eco)).toBeUndefined();
  });
});

describe('comparatorFor', () => {
  it('picks the comparator of each family', () => {
    expect(comparatorFor('Debian:12')).toBe(compareDpkg);
    expect(comparatorFor('Ubuntu:22.04:LTS')).toBe(compareDpkg);
    expect(comparatorFor('AlmaLinux:9')).toBe(compareRpm);
    expect(comparatorFor('Rocky Linux:9')).toBe(compareRpm);
    expect(comparatorFor('Alpine:v3.19')).toBe(compareApk);
    expect(comparatorFor('npm')).toBe(compareSemver);
    expect(comparatorFor('Go')).toBe(compareSemver);
    expect(comparatorFor('PyPI')).toBe(comparePep440);
    expect(comparatorFor('Maven')).toBe(compareMaven);
  });
});
