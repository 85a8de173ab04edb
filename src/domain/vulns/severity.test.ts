import { describe, expect, it } from 'vitest';
import { parseOsvRecord } from '../../engines/vulnmatch/index.js';
import { ecosystemOfOsName } from './host-ecosystem.js';
import { advisoryCvss, advisorySeverity, advisoryTags, necessityOf } from './severity.js';

describe('host ecosystem from PRETTY_NAME', () => {
  it.each([
    ['AlmaLinux 9.6 (Sage Margay)', 'AlmaLinux:9'],
    ['Rocky Linux 8.10 (Green Obsidian)', 'Rocky Linux:8'],
    ['Debian GNU/Linux 12 (bookworm)', 'Debian:12'],
    ['Ubuntu 22.04.4 LTS', 'Ubuntu:22.04'],
    ['Alpine Linux v3.19', 'Alpine:v3.19'],
  ])('%s → %s', (name, eco) => expect(ecosystemOfOsName(name)).toBe(eco));
  it('unknown or release-less systems have none', () => {
    expect(ecosystemOfOsName('Debian GNU/Linux trixie/sid')).toBeUndefined();
    expect(ecosystemOfOsName('Arch Linux')).toBeUndefined();
  });
});

describe('advisory scoring', () => {
  const rec = (severity: unknown[], summary = 'x - security update') =>
    parseOsvRecord({ id: 'DSA-1-1', modified: '2026-01-01T00:00:00Z', summary, severity, affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2' }] }] }] });

  it('scores CVSS v3 vectors with ae-cvss-calculator and derives a severity', () => {
    const a = rec([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]);
    const cvss = advisoryCvss(a);
    expect(cvss.score).toBe(9.8);
    expect(advisorySeverity(a, cvss)).toBe('critical');
    const low = rec([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N' }]);
    expect(advisorySeverity(low, advisoryCvss(low))).toBe('low');
  });

  it('prefers the distributor rating (Red Hat family summary prefix)', () => {
    const a = rec([], 'Moderate: curl security update');
    expect(advisorySeverity(a, advisoryCvss(a))).toBe('moderate');
  });

  it('tags restart, KEV, and CVSS-derived exploit kinds', () => {
    const kev = new Set(['CVE-2025-1']);
    expect(advisoryTags({ packages: ['glibc'], cves: ['CVE-2025-1'], vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', summary: '', kev })).toEqual(['restart-required', 'exploit-exists', 'code-execution', 'remote']);
    expect(advisoryTags({ packages: ['vim'], cves: ['CVE-2025-2'], vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N', summary: '', kev })).toEqual(['privilege-escalation']);
    expect(advisoryTags({ packages: ['vim'], cves: [], vector: '', summary: '', kev })).toEqual([]);
  });

  it('urgency grows with exploitability, exposure and importance', () => {
    const base = { severity: 'important', exploitExists: false, networkVector: true, exposed: false, importance: 1 };
    expect(necessityOf(base).level).toBe('later');
    expect(necessityOf({ ...base, exposed: true }).level).toBe('asap');
    expect(necessityOf({ ...base, exploitExists: true }).level).toBe('asap');
    expect(necessityOf({ ...base, severity: 'low' }).level).toBe('nntf');
    expect(necessityOf({ ...base, severity: 'moderate', importance: 2, exposed: true }).level).toBe('later');
    expect(necessityOf({ ...base, cvssScore: 9.8, importance: 0 }).factors.Total_score).toBe('6.3');
  });
});
