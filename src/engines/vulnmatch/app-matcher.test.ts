import { describe, expect, it } from 'vitest';
import { matchAppPackages, type AppPackage } from './app-matcher.js';
import { buildAdvisoryIndex } from './matcher.js';
import { parseOsvRecord } from './osv-parse.js';

/** Affected entries modelled on published OSV/GHSA records (ranges as the records give them). */
const RECORDS = [
  {
    // GHSA-jfh8-c2jp-5v3q (Log4Shell, CVE-2021-44228): three ECOSYSTEM intervals.
    id: 'GHSA-jfh8-c2jp-5v3q',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2021-44228'],
    affected: [
      {
        package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.3.1' }, { introduced: '2.4' }, { fixed: '2.12.2' }, { introduced: '2.13.0' }, { fixed: '2.15.0' }] }],
      },
    ],
  },
  {
    // GHSA-35jh-r3h4-6jhm (lodash command injection, CVE-2021-23337): SEMVER range.
    id: 'GHSA-35jh-r3h4-6jhm',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2021-23337'],
    affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
  },
  {
    // GHSA-j8r2-6x86-q33q (requests Proxy-Authorization leak, CVE-2023-32681).
    id: 'GHSA-j8r2-6x86-q33q',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2023-32681'],
    affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] }] }],
  },
  {
    // PYSEC-2023-100-style record for a mixed-case project name (Django, CVE-2023-36053; 4.2 line).
    id: 'PYSEC-2023-100',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2023-36053'],
    affected: [{ package: { ecosystem: 'PyPI', name: 'Django' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '4.2a1' }, { fixed: '4.2.3' }] }] }],
  },
  {
    // WordPress 6.4.3 security release (January 2024) in Vigil's CMS ecosystem naming.
    id: 'VIGIL-WP-2024-0130',
    modified: '2024-01-30T00:00:00Z',
    affected: [{ package: { ecosystem: 'WordPress', name: 'wordpress' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '6.4' }, { fixed: '6.4.3' }] }] }],
  },
].map((r) => parseOsvRecord(JSON.stringify(r)));

const index = buildAdvisoryIndex(RECORDS);
const match = (pkgs: AppPackage[]) => matchAppPackages(pkgs, index).map((m) => `${m.advisoryId} ${m.package}@${m.installedVersion} -> ${m.fixedVersion ?? '-'}`);

describe('matchAppPackages', () => {
  it('Maven: a jar known by artifact id, Maven version ordering across the three intervals', () => {
    const jar = (version: string): AppPackage => ({ ecosystem: 'Maven', name: 'log4j-core', version });
    expect(match([jar('2.14.1')])).toEqual(['GHSA-jfh8-c2jp-5v3q log4j-core@2.14.1 -> 2.15.0']);
    expect(match([jar('2.0-rc1')])).toEqual(['GHSA-jfh8-c2jp-5v3q log4j-core@2.0-rc1 -> 2.3.1']); // beta9 < rc1
    expect(match([jar('2.0-beta8'), jar('2.3.1'), jar('2.12.2'), jar('2.15.0'), jar('2.17.1')])).toEqual([]);
    expect(match([{ ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.12.1' }])).toEqual([
      'GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core@2.12.1 -> 2.12.2',
    ]);
    // Another group's artifact of the same name is not log4j-core when the group is known.
    expect(match([{ ecosystem: 'Maven', name: 'org.example:log4j-core', version: '2.14.1' }])).toEqual([]);
  });

  it('npm: SEMVER range', () => {
    expect(match([{ ecosystem: 'npm', name: 'lodash', version: '4.17.20' }])).toEqual(['GHSA-35jh-r3h4-6jhm lodash@4.17.20 -> 4.17.21']);
    expect(match([{ ecosystem: 'npm', name: 'lodash', version: '4.17.21' }, { ecosystem: 'npm', name: 'Lodash', version: '1.0.0' }])).toEqual([]);
  });

  it('PyPI: PEP 440 ordering and PEP 503 name normalization', () => {
    expect(match([{ ecosystem: 'PyPI', name: 'requests', version: '2.30.0' }])).toEqual(['GHSA-j8r2-6x86-q33q requests@2.30.0 -> 2.31.0']);
    expect(match([{ ecosystem: 'PyPI', name: 'requests', version: '2.2.1' }, { ecosystem: 'PyPI', name: 'requests', version: '2.31.0' }])).toEqual([]);
    expect(match([{ ecosystem: 'PyPI', name: 'django', version: '4.2rc1' }])).toEqual(['PYSEC-2023-100 django@4.2rc1 -> 4.2.3']);
    expect(match([{ ecosystem: 'PyPI', name: 'Django', version: '4.1.9' }, { ecosystem: 'PyPI', name: 'Django', version: '4.2.3.post1' }])).toEqual([]);
  });

  it('WordPress core: 6.4.1 before the 6.4.3 fix, 6.4.3 and 6.3.2 not', () => {
    expect(match([{ ecosystem: 'WordPress', name: 'WordPress', version: '6.4.1' }])).toEqual(['VIGIL-WP-2024-0130 WordPress@6.4.1 -> 6.4.3']);
    expect(match([{ ecosystem: 'WordPress', name: 'wordpress', version: '6.4.3' }, { ecosystem: 'WordPress', name: 'wordpress', version: '6.3.2' }])).toEqual([]);
  });

  it('skips versions its scheme rejects, empty versions and unknown ecosystems', () => {
    expect(match([{ ecosystem: 'PyPI', name: 'requests', version: 'french toast' }, { ecosystem: 'npm', name: 'lodash', version: '' }, { ecosystem: 'RubyGems', name: 'rails', version: '1.0' }])).toEqual([]);
  });
});
