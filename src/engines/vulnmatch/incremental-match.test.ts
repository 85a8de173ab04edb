import { describe, expect, it } from 'vitest';
import { buildAdvisoryIndex, matchInventory, packageLookupNames, type HostInventory } from './matcher.js';
import { parseOsvRecord } from './osv-parse.js';

/** What incremental re-evaluation relies on (issue 4): lookup names and per-advisory matching. */
const dsa = (id: string, pkgs: string[], fixed: string) =>
  parseOsvRecord({
    id,
    modified: '2026-01-01T00:00:00Z',
    aliases: [`CVE-2026-${id.slice(4, 8)}`],
    affected: pkgs.map((name) => ({ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] })),
  });

const advisories = [
  dsa('DSA-0001-1', ['openssl'], '3.0.11-1~deb12u2'),
  dsa('DSA-0002-1', ['linux'], '6.1.90-1'),
  dsa('DSA-0003-1', ['linux'], '6.1.94-1'),
  dsa('DSA-0004-1', ['curl', 'libcurl4'], '7.88.1-10+deb12u5'),
  // Named by binary and by source: the binary match wins for this advisory.
  dsa('DSA-0005-1', ['libssl3', 'openssl'], '3.0.13-1~deb12u1'),
];
const index = buildAdvisoryIndex(advisories);
const host = (kernelRelease?: string): HostInventory => ({
  osEcosystem: 'Debian:12',
  ...(kernelRelease ? { kernelRelease } : {}),
  packages: [
    { name: 'libssl3', version: '3.0.11-1~deb12u1', source: 'openssl', arch: 'amd64' },
    { name: 'curl', version: '7.88.1-10+deb12u4', source: 'curl', arch: 'amd64' },
    { name: 'libcurl4', version: '7.88.1-10+deb12u4', source: 'curl', arch: 'amd64' },
    { name: 'linux-image-6.1.0-18-amd64', version: '6.1.76-1', source: 'linux-signed-amd64 (6.1.76+1)', arch: 'amd64' },
    { name: 'linux-image-6.1.0-21-amd64', version: '6.1.90-1', source: 'linux-signed-amd64 (6.1.90+1)', arch: 'amd64' },
  ],
});

describe('incremental matching', () => {
  it('lists the names a package is looked up by, signed kernels included', () => {
    expect(packageLookupNames('dpkg', { name: 'libssl3', version: '1', source: 'openssl (3.0.11-1)' })).toEqual(['libssl3', 'openssl']);
    expect(packageLookupNames('dpkg', { name: 'linux-image-6.1.0-18-amd64', version: '6.1.76-1', source: 'linux-signed-amd64 (6.1.76+1)' })).toEqual(['linux-image-6.1.0-18-amd64', 'linux-signed-amd64', 'linux']);
    expect(packageLookupNames('rpm', { name: 'sudo', version: '1.9.5p2-10.el9_3' })).toEqual(['sudo']);
  });

  it('every match comes from an advisory naming one of the host lookup names', () => {
    const names = new Set(host().packages.flatMap((p) => packageLookupNames('dpkg', p)));
    const full = matchInventory(host('6.1.0-18-amd64'), index);
    expect(full.length).toBeGreaterThan(4);
    for (const m of full) expect(names.has(m.advisoryPackage)).toBe(true);
  });

  it('judging one advisory gives exactly its findings from a full match', () => {
    for (const release of [undefined, '6.1.0-18-amd64', '6.1.0-21-amd64']) {
      const full = matchInventory(host(release), index);
      for (const a of advisories) {
        const only = matchInventory(host(release), index, { onlyAdvisories: new Set([a.id]) });
        expect(only).toEqual(full.filter((m) => m.advisoryId === a.id));
      }
      const two = new Set(['DSA-0002-1', 'DSA-0005-1']);
      expect(matchInventory(host(release), index, { onlyAdvisories: two })).toEqual(full.filter((m) => two.has(m.advisoryId)));
    }
  });
});
