import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryIndex, buildAdvisoryIndex, matchInventory, type AdvisoryMatch, type HostInventory } from './matcher.js';
import { parseOsvRecord } from './osv-parse.js';
import type { Advisory } from './osv-types.js';
import { sharedDataDir } from '../../../test/helpers/shared-data.js';

/** The shared corpus (see /work/shared/data/README.md, section vuln/); VIGIL_SHARED_DATA overrides. */
const SHARED_DATA = `${sharedDataDir()}/`;
const VULN_DIR = `${SHARED_DATA.replace(/\/?$/, '/')}vuln/`;
const ALMA_TARBALL = `${VULN_DIR}almalinux-osv/almalinux-osv-database.tar.gz`;

/** Minimal ustar reader: regular files only, honouring pax `path` overrides; 'g' headers skipped. */
function* tarEntries(tar: Buffer): Generator<{ path: string; data: Buffer }> {
  let off = 0;
  let paxPath: string | undefined;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) return;
    const field = (start: number, len: number): string => header.subarray(start, start + len).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      continue;
    }
    if (type === '0') yield { path: paxPath ?? name, data };
    paxPath = undefined;
  }
}

function loadAlmaAdvisories(): Advisory[] {
  if (!existsSync(ALMA_TARBALL)) throw new Error(`AlmaLinux OSV tarball missing: ${ALMA_TARBALL}`);
  const out: Advisory[] = [];
  for (const e of tarEntries(gunzipSync(readFileSync(ALMA_TARBALL)))) {
    if (/\/advisories\/almalinux\d+\/[^/]+\.json$/.test(e.path)) out.push(parseOsvRecord(e.data.toString('utf8')));
  }
  return out;
}

function loadUsnAdvisories(): Advisory[] {
  const dir = `${VULN_DIR}ubuntu-usn-osv/`;
  if (!existsSync(dir)) throw new Error(`Ubuntu USN samples missing: ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseOsvRecord(readFileSync(`${dir}${f}`, 'utf8')));
}

/** Compact, order-independent view of findings for assertions. */
function summary(findings: AdvisoryMatch[]): string[] {
  return findings.map((f) => `${f.advisoryId} ${f.package}@${f.installedVersion} -> ${f.fixedVersion ?? '-'} ${f.status}`).sort();
}

describe('matchInventory on the AlmaLinux OSV database', () => {
  let index: AdvisoryIndex;
  beforeAll(() => {
    const advisories = loadAlmaAdvisories();
    // Every record of the real database passes validation (5,680 per the corpus README).
    expect(advisories).toHaveLength(5680);
    index = buildAdvisoryIndex(advisories);
  });

  const almaHost: HostInventory = {
    osEcosystem: 'AlmaLinux:9',
    kernelRelease: '5.14.0-687.36.1.el9_8.x86_64',
    packages: [
      { name: 'sudo', version: '1.9.5p2-10.el9_3', arch: 'x86_64' },
      { name: 'openssl-libs', version: '1:3.5.5-3.el9_8', source: 'openssl', arch: 'x86_64' },
      { name: 'kernel-core', version: '5.14.0-611.5.1.el9_7', arch: 'x86_64' },
      { name: 'kernel-core', version: '5.14.0-687.36.1.el9_8', arch: 'x86_64' },
      { name: 'kernel-core', version: '5.14.0-687.39.1.el9_8', arch: 'x86_64' },
      { name: 'kernel-tools', version: '5.14.0-687.36.1.el9_8', arch: 'x86_64' },
      { name: 'openssl', version: '2:1.0-1', arch: 'x86_64' },
      { name: 'sudo-site-plugin', version: '1.9.5p2-10.el9_3', source: 'sudo', arch: 'x86_64' },
      { name: 'no-such-package', version: '1.0-1', arch: 'x86_64' },
    ],
  };

  it('finds exactly the advisories whose fixed EVR is above the installed one', () => {
    // sudo 1.9.5p2-10.el9_3: ALSA-2023:0282 (fixed -7.el9_1.1) and ALSA-2024:0811 (fixed = installed)
    // do not apply; -10.el9_6.1, -15.el9_7 and 1.9.17p2-3.el9_8 are newer.
    // openssl-libs 1:3.5.5-3: only ALSA-2026:25239 (1:3.5.5-4) is newer.
    // openssl 2:1.0-1: epoch 2 beats every fixed version (all epoch 1).
    // kernel-core: running 687.36.1 is fixed by 687.38.1 and 687.39.1; 687.39.1 is installed, so
    // both need a reboot; the 611 and 687.39.1 kernels are not running and are not reported.
    // kernel-tools is not a per-kernel package and is judged as installed.
    // sudo-site-plugin matches the sudo advisories through its source package.
    expect(summary(matchInventory(almaHost, index))).toEqual(
      [
        'ALSA-2025:9978 sudo@1.9.5p2-10.el9_3 -> 1.9.5p2-10.el9_6.1 affected',
        'ALSA-2026:12310 sudo@1.9.5p2-10.el9_3 -> 1.9.5p2-15.el9_7 affected',
        'ALSA-2026:19220 sudo@1.9.5p2-10.el9_3 -> 1.9.17p2-3.el9_8 affected',
        'ALSA-2026:25239 openssl-libs@1:3.5.5-3.el9_8 -> 1:3.5.5-4.el9_8 affected',
        'ALSA-2026:53329 kernel-core@5.14.0-687.36.1.el9_8 -> 5.14.0-687.38.1.el9_8 fixed-needs-reboot',
        'ALSA-2026:54443 kernel-core@5.14.0-687.36.1.el9_8 -> 5.14.0-687.39.1.el9_8 fixed-needs-reboot',
        'ALSA-2026:53329 kernel-tools@5.14.0-687.36.1.el9_8 -> 5.14.0-687.38.1.el9_8 affected',
        'ALSA-2026:54443 kernel-tools@5.14.0-687.36.1.el9_8 -> 5.14.0-687.39.1.el9_8 affected',
        'ALSA-2025:9978 sudo-site-plugin@1.9.5p2-10.el9_3 -> 1.9.5p2-10.el9_6.1 affected',
        'ALSA-2026:12310 sudo-site-plugin@1.9.5p2-10.el9_3 -> 1.9.5p2-15.el9_7 affected',
        'ALSA-2026:19220 sudo-site-plugin@1.9.5p2-10.el9_3 -> 1.9.17p2-3.el9_8 affected',
      ].sort(),
    );
  });

  it('carries CVEs and says how the package matched', () => {
    const findings = matchInventory(almaHost, index);
    const sudo = findings.find((f) => f.advisoryId === 'ALSA-2026:19220' && f.package === 'sudo');
    expect(sudo).toMatchObject({ cves: ['CVE-2026-35535'], matchedBy: 'binary', advisoryPackage: 'sudo', ecosystem: 'AlmaLinux:9', arch: 'x86_64' });
    const plugin = findings.find((f) => f.advisoryId === 'ALSA-2026:19220' && f.package === 'sudo-site-plugin');
    expect(plugin).toMatchObject({ matchedBy: 'source', advisoryPackage: 'sudo' });
    expect(findings.filter((f) => f.package === 'kernel-core').every((f) => f.kernel === true)).toBe(true);
  });

  it('reports a running kernel as plainly affected when no fixed kernel is installed', () => {
    const host: HostInventory = {
      osEcosystem: 'AlmaLinux:9.8',
      kernelRelease: '5.14.0-687.36.1.el9_8.x86_64',
      packages: [{ name: 'kernel-core', version: '5.14.0-687.36.1.el9_8', arch: 'x86_64' }],
    };
    expect(summary(matchInventory(host, index))).toEqual([
      'ALSA-2026:53329 kernel-core@5.14.0-687.36.1.el9_8 -> 5.14.0-687.38.1.el9_8 affected',
      'ALSA-2026:54443 kernel-core@5.14.0-687.36.1.el9_8 -> 5.14.0-687.39.1.el9_8 affected',
    ]);
  });

  it('reports nothing for old kernels left installed once the newest one runs', () => {
    const host: HostInventory = {
      osEcosystem: 'AlmaLinux:9',
      kernelRelease: '5.14.0-687.39.1.el9_8.x86_64',
      packages: [
        { name: 'kernel-core', version: '5.14.0-687.36.1.el9_8', arch: 'x86_64' },
        { name: 'kernel-core', version: '5.14.0-687.39.1.el9_8', arch: 'x86_64' },
      ],
    };
    expect(matchInventory(host, index)).toEqual([]);
  });

  it('judges every installed kernel when the running release is unknown', () => {
    const host: HostInventory = {
      osEcosystem: 'AlmaLinux:9',
      packages: [
        { name: 'kernel-core', version: '5.14.0-687.38.1.el9_8', arch: 'x86_64' },
        { name: 'kernel-core', version: '5.14.0-687.39.1.el9_8', arch: 'x86_64' },
      ],
    };
    expect(summary(matchInventory(host, index))).toEqual([
      'ALSA-2026:54443 kernel-core@5.14.0-687.38.1.el9_8 -> 5.14.0-687.39.1.el9_8 affected',
    ]);
  });

  it('keeps releases apart: an AlmaLinux 8 host gets no AlmaLinux 9 advisory', () => {
    const host: HostInventory = { osEcosystem: 'AlmaLinux:8', packages: [{ name: 'sudo', version: '1.8.29-1.el8' }] };
    const findings = matchInventory(host, index);
    // The latest AlmaLinux 8 sudo advisory (fixed 1.9.5p2-1.el8_10.5) is among them.
    expect(findings.find((f) => f.advisoryId === 'ALSA-2026:11521')?.fixedVersion).toBe('1.9.5p2-1.el8_10.5');
    expect(findings.every((f) => f.ecosystem === 'AlmaLinux:8')).toBe(true);
  });
});

describe('matchInventory on Debian (hand-made advisories)', () => {
  const dsa = (id: string, pkg: string, fixed: string, cve: string): Advisory =>
    parseOsvRecord({
      id,
      modified: '2024-06-01T00:00:00Z',
      aliases: [cve],
      affected: [{ package: { ecosystem: 'Debian:12', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    });
  const advisories = [
    dsa('DSA-0001-1', 'openssl', '3.0.11-1~deb12u2', 'CVE-2023-0001'),
    dsa('DSA-0002-1', 'linux', '6.1.90-1', 'CVE-2024-0002'),
    dsa('DSA-0003-1', 'linux', '6.1.94-1', 'CVE-2024-0003'),
    dsa('DSA-0004-1', 'linux', '6.1.70-1', 'CVE-2024-0004'),
    dsa('DSA-0005-1', 'curl', '7.88.1-10+deb12u5', 'CVE-2024-0005'),
    dsa('DSA-0006-1', 'glib2.0', '2.74.6-2+deb12u1', 'CVE-2024-0006'),
  ];
  const index = buildAdvisoryIndex(advisories);
  const kernelPackages = [
    { name: 'linux-image-6.1.0-18-amd64', version: '6.1.76-1', source: 'linux-signed-amd64 (6.1.76+1)', arch: 'amd64' },
    { name: 'linux-image-6.1.0-21-amd64', version: '6.1.90-1', source: 'linux-signed-amd64 (6.1.90+1)', arch: 'amd64' },
    { name: 'linux-image-amd64', version: '6.1.90-1', source: 'linux-signed-amd64 (6.1.90+1)', arch: 'amd64' },
    { name: 'linux-libc-dev', version: '6.1.76-1', source: 'linux', arch: 'amd64' },
  ];

  it('matches binaries through their source package, with "~" ordering', () => {
    const host: HostInventory = {
      osEcosystem: 'Debian:12',
      packages: [
        { name: 'libssl3', version: '3.0.11-1~deb12u1', source: 'openssl', arch: 'amd64' },
        { name: 'openssl', version: '3.0.11-1~deb12u2', arch: 'amd64' },
        { name: 'libcurl4', version: '7.88.1-10+deb12u4', source: 'curl', arch: 'amd64' },
        { name: 'curl', version: '7.88.1-10+deb12u5', arch: 'amd64' },
        // binNMU: the binary is "+b1" but the source, which the advisory versions, is unchanged.
        { name: 'libglib2.0-0', version: '2.74.6-2+b1', source: 'glib2.0', sourceVersion: '2.74.6-2', arch: 'amd64' },
        { name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib', arch: 'amd64' },
      ],
    };
    const findings = matchInventory(host, index);
    expect(summary(findings)).toEqual([
      'DSA-0001-1 libssl3@3.0.11-1~deb12u1 -> 3.0.11-1~deb12u2 affected',
      'DSA-0005-1 libcurl4@7.88.1-10+deb12u4 -> 7.88.1-10+deb12u5 affected',
      'DSA-0006-1 libglib2.0-0@2.74.6-2+b1 -> 2.74.6-2+deb12u1 affected',
    ]);
    expect(findings.find((f) => f.package === 'libssl3')).toMatchObject({ matchedBy: 'source', cves: ['CVE-2023-0001'] });
    expect(findings.find((f) => f.package === 'libglib2.0-0')?.comparedVersion).toBe('2.74.6-2');
  });

  it('judges kernel images against the running kernel', () => {
    const host: HostInventory = { osEcosystem: 'Debian:12', kernelRelease: '6.1.0-18-amd64', packages: kernelPackages };
    // Running 6.1.76-1: DSA-0002 (6.1.90-1) is fixed by the installed 6.1.0-21 image -> reboot;
    // DSA-0003 (6.1.94-1) has no installed fix; DSA-0004 (6.1.70-1) is older. linux-libc-dev is
    // not a kernel and is judged as installed; the metapackage and the idle image are not reported.
    expect(summary(matchInventory(host, index))).toEqual([
      'DSA-0002-1 linux-image-6.1.0-18-amd64@6.1.76-1 -> 6.1.90-1 fixed-needs-reboot',
      'DSA-0002-1 linux-libc-dev@6.1.76-1 -> 6.1.90-1 affected',
      'DSA-0003-1 linux-image-6.1.0-18-amd64@6.1.76-1 -> 6.1.94-1 affected',
      'DSA-0003-1 linux-libc-dev@6.1.76-1 -> 6.1.94-1 affected',
    ]);
  });

  it('after the reboot only what the new kernel lacks remains', () => {
    const host: HostInventory = { osEcosystem: 'Debian:12', kernelRelease: '6.1.0-21-amd64', packages: kernelPackages };
    expect(summary(matchInventory(host, index))).toEqual([
      'DSA-0002-1 linux-libc-dev@6.1.76-1 -> 6.1.90-1 affected',
      'DSA-0003-1 linux-image-6.1.0-21-amd64@6.1.90-1 -> 6.1.94-1 affected',
      'DSA-0003-1 linux-libc-dev@6.1.76-1 -> 6.1.94-1 affected',
    ]);
  });

  it('without a running kernel release every installed image is judged', () => {
    const host: HostInventory = { osEcosystem: 'Debian:12', packages: kernelPackages };
    expect(summary(matchInventory(host, index)).filter((s) => s.includes('linux-image'))).toEqual([
      'DSA-0002-1 linux-image-6.1.0-18-amd64@6.1.76-1 -> 6.1.90-1 affected',
      'DSA-0003-1 linux-image-6.1.0-18-amd64@6.1.76-1 -> 6.1.94-1 affected',
      'DSA-0003-1 linux-image-6.1.0-21-amd64@6.1.90-1 -> 6.1.94-1 affected',
      'DSA-0003-1 linux-image-amd64@6.1.90-1 -> 6.1.94-1 affected',
    ]);
  });

  it('accepts a plain advisory list and ignores other releases', () => {
    const other = parseOsvRecord({
      id: 'DSA-0007-1',
      modified: '2024-06-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'Debian:11', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.9-1' }] }] }],
    });
    const host: HostInventory = { osEcosystem: 'Debian:12.5', packages: [{ name: 'libssl3', version: '3.0.11-1~deb12u1', source: 'openssl' }] };
    expect(summary(matchInventory(host, [...advisories, other]))).toEqual(['DSA-0001-1 libssl3@3.0.11-1~deb12u1 -> 3.0.11-1~deb12u2 affected']);
  });
});

describe('matchInventory on Ubuntu USN records', () => {
  const index = buildAdvisoryIndex(loadUsnAdvisories());

  it('matches source-named USN entries on a 22.04 host', () => {
    const host: HostInventory = {
      osEcosystem: 'Ubuntu:22.04:LTS',
      packages: [
        // USN-6560-1 is fixed in 1:8.9p1-3ubuntu0.5 (older); USN-6859-1 (…0.10) and USN-7270-1 (…0.11) apply.
        { name: 'openssh-server', version: '1:8.9p1-3ubuntu0.6', source: 'openssh' },
        // USN-5811-1 (…2.2) and USN-6005-1 (= installed) do not apply; USN-7604-1 (…2.5) does.
        { name: 'sudo', version: '1.9.9-1ubuntu2.4' },
        // USN-6409-1 is fixed in exactly this version; USN-6541-1 (…3.5) applies.
        { name: 'libc6', version: '2.35-0ubuntu3.4', source: 'glibc (2.35-0ubuntu3.4)' },
      ],
    };
    expect(summary(matchInventory(host, index))).toEqual([
      'USN-6541-1 libc6@2.35-0ubuntu3.4 -> 2.35-0ubuntu3.5 affected',
      'USN-6859-1 openssh-server@1:8.9p1-3ubuntu0.6 -> 1:8.9p1-3ubuntu0.10 affected',
      'USN-7270-1 openssh-server@1:8.9p1-3ubuntu0.6 -> 1:8.9p1-3ubuntu0.11 affected',
      'USN-7604-1 sudo@1.9.9-1ubuntu2.4 -> 1.9.9-1ubuntu2.5 affected',
    ]);
  });

  it('applies Ubuntu Pro (ESM) fixes to the same release and says a subscription is needed', () => {
    const host: HostInventory = { osEcosystem: 'Ubuntu:16.04:LTS', packages: [{ name: 'libc6', version: '2.23-0ubuntu11.3', source: 'glibc' }] };
    const findings = matchInventory(host, index);
    expect(summary(findings)).toEqual([
      'USN-6541-1 libc6@2.23-0ubuntu11.3 -> 2.23-0ubuntu11.3+esm5 affected',
      'USN-6762-1 libc6@2.23-0ubuntu11.3 -> 2.23-0ubuntu11.3+esm6 affected',
    ]);
    expect(findings.every((f) => f.requiresSubscription === true)).toBe(true);
  });
});

describe('matchInventory on Alpine (hand-made advisories)', () => {
  const index = buildAdvisoryIndex([
    parseOsvRecord({
      id: 'ALPINE-TEST-1',
      modified: '2024-06-01T00:00:00Z',
      affected: [
        { package: { ecosystem: 'Alpine:v3.19', name: 'linux-lts' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '6.6.30-r0' }] }] },
        { package: { ecosystem: 'Alpine:v3.19', name: 'busybox' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.36.1-r16' }] }] },
      ],
    }),
  ]);

  it('an in-place kernel upgrade needs a reboot; apk revisions are ordered numerically', () => {
    const host: HostInventory = {
      osEcosystem: 'Alpine:v3.19',
      kernelRelease: '6.6.14-0-lts',
      packages: [
        { name: 'linux-lts', version: '6.6.30-r0' },
        { name: 'busybox', version: '1.36.1-r15' },
      ],
    };
    expect(summary(matchInventory(host, index))).toEqual([
      'ALPINE-TEST-1 busybox@1.36.1-r15 -> 1.36.1-r16 affected',
      'ALPINE-TEST-1 linux-lts@6.6.14-r0 -> 6.6.30-r0 fixed-needs-reboot',
    ]);
  });
});

describe('matchInventory input checks', () => {
  it('refuses a non-OS ecosystem', () => {
    expect(() => matchInventory({ osEcosystem: 'PyPI', packages: [] }, [])).toThrow(/not an OS ecosystem/);
  });
});
