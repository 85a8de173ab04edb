import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OsvValidationError, parseOsvRecord } from './osv-parse.js';
import { sharedDataDir } from '../../../test/helpers/shared-data.js';

/** The shared corpus (see /work/shared/data/README.md, section vuln/); VIGIL_SHARED_DATA overrides. */
const SHARED_DATA = `${sharedDataDir()}/`;
const VULN_DIR = `${SHARED_DATA.replace(/\/?$/, '/')}vuln/`;

function read(rel: string): string {
  const path = `${VULN_DIR}${rel}`;
  if (!existsSync(path)) throw new Error(`shared vuln data missing: ${path}`);
  return readFileSync(path, 'utf8');
}

function listJson(relDir: string): string[] {
  const dir = `${VULN_DIR}${relDir}`;
  if (!existsSync(dir)) throw new Error(`shared vuln data missing: ${dir}`);
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => `${relDir}/${f}`);
}

function fieldOf(input: unknown): string {
  try {
    parseOsvRecord(input);
  } catch (err) {
    if (err instanceof OsvValidationError) return err.field;
    throw err;
  }
  throw new Error('expected a validation error');
}

const minimal = {
  id: 'DSA-9999-1',
  modified: '2024-01-02T03:04:05Z',
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
    },
  ],
};

describe('parseOsvRecord on Ubuntu USN records', () => {
  it('parses all 20 shipped USN files', () => {
    const files = listJson('ubuntu-usn-osv');
    expect(files).toHaveLength(20);
    for (const f of files) {
      const a = parseOsvRecord(read(f));
      expect(a.id, f).toMatch(/^USN-\d+-\d+$/);
      expect(a.cves.length, f).toBeGreaterThan(0);
      expect(a.affected.length, f).toBeGreaterThan(0);
    }
  });

  it('collects CVEs from "upstream" and the cves_map, with Ubuntu priority and CVSS vectors', () => {
    const a = parseOsvRecord(read('ubuntu-usn-osv/USN-6005-1.json'));
    expect(a.aliases).toEqual([]);
    expect(a.cves).toEqual(['CVE-2023-28486', 'CVE-2023-28487']);
    expect(a.severity.vendor).toBe('medium');
    expect(a.severity.cvss).toContainEqual({ type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', cve: 'CVE-2023-28486' });
    const jammy = a.affected.find((x) => x.ecosystem === 'Ubuntu:22.04:LTS');
    expect(jammy?.eco.key).toBe('Ubuntu:22.04');
    expect(jammy?.package).toBe('sudo');
    expect(jammy?.binaries).toEqual(['sudo', 'sudo-ldap']);
    expect(jammy?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ type: 'introduced', version: '0' }, { type: 'fixed', version: '1.9.9-1ubuntu2.4' }] }]);
    expect(a.published).toBe('2023-04-11T14:19:40Z');
  });

  it('reads the older shape that lists CVEs under "related" and has no cves_map', () => {
    const a = parseOsvRecord(read('ubuntu-usn-osv/USN-7264-1.json'));
    expect(a.cves).toEqual(['CVE-2024-9143', 'CVE-2024-12797', 'CVE-2024-13176']);
    expect(a.affected.map((x) => x.ecosystem)).toEqual(['Ubuntu:24.10']);
  });

  it('marks Ubuntu Pro entries', () => {
    const a = parseOsvRecord(read('ubuntu-usn-osv/USN-6541-1.json'));
    expect(a.affected.map((x) => [x.eco.key, x.eco.pro])).toEqual([
      ['Ubuntu:16.04', true],
      ['Ubuntu:18.04', true],
      ['Ubuntu:20.04', false],
      ['Ubuntu:22.04', false],
    ]);
  });
});

describe('parseOsvRecord on AlmaLinux records', () => {
  it('parses all 18 samples; severity comes from the summary prefix', () => {
    const files = ['almalinux8', 'almalinux9', 'almalinux10'].flatMap((d) => listJson(`almalinux-osv/samples/advisories/${d}`));
    expect(files).toHaveLength(18);
    for (const f of files) {
      const a = parseOsvRecord(read(f));
      expect(['critical', 'important', 'moderate', 'low'], f).toContain(a.severity.vendor);
    }
  });

  it('takes CVEs from "related" and keeps epochs in fixed versions', () => {
    const a = parseOsvRecord(read('almalinux-osv/samples/advisories/almalinux9/ALSA-2026:19220.json'));
    expect(a.id).toBe('ALSA-2026:19220');
    expect(a.cves).toEqual(['CVE-2026-35535']);
    expect(a.severity).toEqual({ vendor: 'important', cvss: [] });
    expect(a.affected.map((x) => [x.eco.key, x.package])).toEqual([
      ['AlmaLinux:9', 'sudo'],
      ['AlmaLinux:9', 'sudo-python-plugin'],
    ]);
    expect(a.references).toContainEqual({ type: 'ADVISORY', url: 'https://access.redhat.com/errata/RHSA-2026:19220' });
  });
});

describe('parseOsvRecord validation', () => {
  it('accepts a minimal record, as string or object', () => {
    expect(parseOsvRecord(JSON.stringify(minimal)).affected[0]?.package).toBe('openssl');
    expect(parseOsvRecord(minimal).cves).toEqual([]);
    expect(parseOsvRecord({ ...minimal, id: 'CVE-2024-0001' }).cves).toEqual(['CVE-2024-0001']);
  });

  it('names the bad field', () => {
    const aff = minimal.affected[0];
    expect(fieldOf('{')).toBe('(record)');
    expect(fieldOf([])).toBe('(record)');
    expect(fieldOf({ ...minimal, id: undefined })).toBe('id');
    expect(fieldOf({ ...minimal, id: 'a b' })).toBe('id');
    expect(fieldOf({ ...minimal, modified: undefined })).toBe('modified');
    expect(fieldOf({ ...minimal, modified: 'yesterday' })).toBe('modified');
    expect(fieldOf({ ...minimal, published: '2024-13-45' })).toBe('published');
    expect(fieldOf({ ...minimal, aliases: ['CVE-1', 7] })).toBe('aliases[1]');
    expect(fieldOf({ ...minimal, affected: {} })).toBe('affected');
    expect(fieldOf({ ...minimal, affected: [{ ...aff, package: { ecosystem: 'Debian:12' } }] })).toBe('affected[0].package.name');
    expect(fieldOf({ ...minimal, affected: [{ ...aff, package: { ecosystem: 'Debian', name: 'x' } }] })).toBe('affected[0].package.ecosystem');
    expect(fieldOf({ ...minimal, affected: [{ ...aff, ranges: [{ type: 'RANGE', events: [] }] }] })).toBe('affected[0].ranges[0].type');
    expect(fieldOf({ ...minimal, affected: [{ ...aff, ranges: [{ type: 'ECOSYSTEM', events: [] }] }] })).toBe('affected[0].ranges[0].events');
    expect(fieldOf({ ...minimal, affected: [{ ...aff, ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '1' }] }] }] })).toBe(
      'affected[0].ranges[0].events',
    );
    expect(
      fieldOf({ ...minimal, affected: [{ ...aff, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1', limit: '2' }] }] }] }),
    ).toBe('affected[0].ranges[0].events[1]');
    expect(fieldOf({ ...minimal, affected: [{ ...aff, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 0 }] }] }] })).toBe(
      'affected[0].ranges[0].events[0].introduced',
    );
    expect(fieldOf({ ...minimal, references: [{ type: 'WEB' }] })).toBe('references[0].url');
  });

  it('names the record in the message', () => {
    expect(() => parseOsvRecord({ ...minimal, modified: 'x' })).toThrow(/^DSA-9999-1: modified: /);
  });

  it('drops GIT ranges and package-less entries instead of failing', () => {
    const a = parseOsvRecord({
      ...minimal,
      affected: [
        { ranges: [{ type: 'GIT', repo: 'https://example.org/x.git', events: [{ introduced: '0' }] }] },
        { ...minimal.affected[0], ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }, ...(minimal.affected[0]?.ranges ?? [])] },
      ],
    });
    expect(a.affected).toHaveLength(1);
    expect(a.affected[0]?.ranges.map((r) => r.type)).toEqual(['ECOSYSTEM']);
  });

  it('bounds hostile input', () => {
    expect(fieldOf({ ...minimal, aliases: new Array(10_001).fill('CVE-2024-0001') })).toBe('aliases');
    expect(fieldOf({ ...minimal, summary: 'x'.repeat(1024 * 1024 + 1) })).toBe('summary');
  });
});
