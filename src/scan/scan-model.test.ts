import { describe, expect, it } from 'vitest';
import { osvEcosystemOf, parseApkInstalled, parseDpkgQuery, parseRpmQuery } from './host-packages.js';
import { parseOsRelease } from './host-info.js';
import { parseOnly, planScan, ScanUsageError } from './plan.js';
import { renderSarif } from './render-sarif.js';
import { renderText } from './render-text.js';
import { countByLevel, exitCodeFor } from './report-summary.js';
import type { ScanFinding, ScanPart, ScanReport } from './report-types.js';
import { runScan } from './run-scan.js';

const host = { hostname: 'h1', os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-18-amd64' };

function finding(level: ScanFinding['level'], rule: string, extra: Partial<ScanFinding> = {}): ScanFinding {
  return { id: `${rule}-${level}`, rule, level, title: `${rule} title`, detail: 'why', ...extra };
}

function report(parts: Partial<ScanPart>[]): ScanReport {
  return {
    tool: { name: 'vigil', version: '0.0.0' },
    host,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    parts: parts.map((p) => ({ name: 'webshell', status: 'ok', findings: [], stats: {}, durationMs: 1, ...p })),
  };
}

describe('exit code by severity', () => {
  const r = report([{ findings: [finding('suspicious', 'a'), finding('remind', 'b')] }]);
  it('compares against --fail-on', () => {
    expect(exitCodeFor(r, 'serious')).toBe(0);
    expect(exitCodeFor(r, 'suspicious')).toBe(1);
    expect(exitCodeFor(r, 'remind')).toBe(1);
    expect(exitCodeFor(r, 'none')).toBe(0);
    expect(countByLevel(r)).toEqual({ serious: 0, suspicious: 1, remind: 1 });
  });
  it('a failed part wins: the audit is incomplete', () => {
    const failed = report([{ findings: [finding('serious', 'a')] }, { name: 'vuln', status: 'error', reason: 'boom' }]);
    expect(exitCodeFor(failed, 'serious')).toBe(3);
    expect(exitCodeFor(failed, 'none')).toBe(3);
  });
});

describe('plan', () => {
  const base = { paths: [], policies: [], maxFileBytes: 1024, shadowPath: '/etc/shadow', rulesDir: '/nonexistent' };
  it('default: input-free checks run, the others are skipped with the missing input', () => {
    const plan = planScan(base);
    expect(plan.map((p) => [p.name, 'skip' in p ? p.skip : 'run'])).toEqual([
      ['revshell', 'run'],
      ['webshell', 'needs --path DIR'],
      ['secrets', 'needs --path DIR'],
      ['baseline', 'run'],
      ['weakpass', 'run'],
      ['vuln', 'needs --osv DIR|ZIP (OSV advisories)'],
    ]);
    expect(planScan({ ...base, paths: ['/srv'], osv: '/x.zip' }).every((p) => 'run' in p)).toBe(true);
  });
  it('--only keeps its order-independent selection and rejects missing inputs and unknown names', () => {
    expect(planScan({ ...base, only: ['weakpass', 'revshell'] }).map((p) => p.name)).toEqual(['revshell', 'weakpass']);
    expect(() => planScan({ ...base, only: ['secrets'] })).toThrow(ScanUsageError);
    expect(parseOnly(' revshell,vuln,revshell ')).toEqual(['revshell', 'vuln']);
    expect(() => parseOnly('revshell,traces')).toThrow(/unknown check "traces"/);
    expect(() => parseOnly(',')).toThrow(ScanUsageError);
  });
});

describe('orchestrator isolation', () => {
  it('a throwing part and a slow part become error sections; the next part still runs', async () => {
    const lines: string[] = [];
    const r = await runScan(
      [
        { name: 'revshell', run: () => Promise.reject(new Error('no /proc')) },
        { name: 'baseline', run: () => new Promise(() => undefined) },
        { name: 'weakpass', run: async () => ({ findings: [finding('remind', 'w'), finding('serious', 's')], stats: { n: 2 } }) },
        { name: 'vuln', skip: 'needs --osv' },
      ],
      { host, version: '1.2.3', partTimeoutMs: 50, onProgress: (l) => lines.push(l) },
    );
    expect(r.parts.map((p) => [p.name, p.status, p.reason ?? ''])).toEqual([
      ['revshell', 'error', 'no /proc'],
      ['baseline', 'error', 'timed out after 0.05 s'],
      ['weakpass', 'ok', ''],
      ['vuln', 'skipped', 'needs --osv'],
    ]);
    // Most severe first inside a part.
    expect(r.parts[2]?.findings.map((f) => f.level)).toEqual(['serious', 'remind']);
    expect(lines[0]).toBe('[1/3] revshell: started');
    expect(lines.some((l) => l.startsWith('[3/3] weakpass: done, 2 findings'))).toBe(true);
  });
});

describe('renderers', () => {
  const r = report([
    {
      name: 'webshell',
      findings: [finding('serious', 'php.eval-request', { location: { path: '/srv/www/a b.php', line: 3 } }), finding('remind', 'php.eval-request', { location: { path: '/srv/www/c.php' } })],
    },
    { name: 'revshell', findings: [finding('suspicious', 'revshell.cmdline', { location: { pid: 42 } })] },
    { name: 'vuln', status: 'error', reason: 'no OSV' },
  ]);

  it('text: counts first, then the parts, then findings grouped by level', () => {
    const t = renderText(r);
    expect(t.split('\n')[2]).toBe('Findings: 3 — serious 1 · suspicious 1 · remind 1');
    const order = ['SERIOUS (1)', 'SUSPICIOUS (1)', 'REMIND (1)'].map((h) => t.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(t).toContain('/srv/www/a b.php:3');
    expect(t).toContain('pid 42');
    expect(t).toContain('error: no OSV');
  });

  it('SARIF: one rule per rule id at its most severe level, file URIs, pid as a logical location', () => {
    const s = JSON.parse(renderSarif(r)) as {
      version: string;
      runs: [{ tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: Record<string, unknown>[]; invocations: [{ executionSuccessful: boolean; toolExecutionNotifications: unknown[] }] }];
    };
    expect(s.version).toBe('2.1.0');
    const run = s.runs[0];
    expect(run.tool.driver.rules.map((x) => [x.id, x.defaultConfiguration.level])).toEqual([
      ['php.eval-request', 'error'],
      ['revshell.cmdline', 'warning'],
    ]);
    expect(run.results.map((x) => x.level)).toEqual(['error', 'note', 'warning']);
    expect(run.results[0]).toMatchObject({ ruleIndex: 0, locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///srv/www/a%20b.php' }, region: { startLine: 3 } } }] });
    expect(run.results[2]).toMatchObject({ ruleIndex: 1, locations: [{ logicalLocations: [{ name: 'pid 42', kind: 'process' }] }] });
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(1);
  });
});

describe('host inventory parsing', () => {
  it('os-release → OSV ecosystem', () => {
    const deb = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
    expect(osvEcosystemOf(deb)).toBe('Debian:12');
    expect(osvEcosystemOf({ ID: 'ubuntu', VERSION_ID: '22.04', VERSION: '22.04.4 LTS (Jammy Jellyfish)' })).toBe('Ubuntu:22.04:LTS');
    expect(osvEcosystemOf({ ID: 'almalinux', VERSION_ID: '9.3' })).toBe('AlmaLinux:9');
    expect(osvEcosystemOf({ ID: 'rocky', VERSION_ID: '8.9' })).toBe('Rocky Linux:8');
    expect(osvEcosystemOf({ ID: 'alpine', VERSION_ID: '3.19.1' })).toBe('Alpine:v3.19');
    expect(() => osvEcosystemOf({ ID: 'debian' })).toThrow(/VERSION_ID/);
    expect(() => osvEcosystemOf({ ID: 'gentoo', VERSION_ID: '2.14' })).toThrow(/gentoo/);
  });

  it('dpkg-query keeps installed packages only, with their source', () => {
    const text = 'ii \tbash\t5.2.15-2+b7\t\tamd64\nii \tlibssl3\t3.0.15-1~deb12u1\topenssl\tamd64\nrc \told\t1.0\t\tamd64\nii \tlibx\t1.0-1+b1\tx (1.0-1)\tamd64\n';
    expect(parseDpkgQuery(text)).toEqual([
      { name: 'bash', version: '5.2.15-2+b7', arch: 'amd64' },
      { name: 'libssl3', version: '3.0.15-1~deb12u1', source: 'openssl', arch: 'amd64' },
      { name: 'libx', version: '1.0-1+b1', source: 'x (1.0-1)', arch: 'amd64' },
    ]);
  });

  it('rpm and apk listings', () => {
    expect(parseRpmQuery('openssl\t1:3.0.7-24.el9\tx86_64\ngpg-pubkey\t0:abc-def\t(none)\n')).toEqual([{ name: 'openssl', version: '1:3.0.7-24.el9', arch: 'x86_64' }]);
    expect(parseApkInstalled('C:Q1x\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\nP:busybox\nV:1.36.1-r15\n')).toEqual([
      { name: 'musl', version: '1.2.4-r2', source: 'musl', arch: 'x86_64' },
      { name: 'busybox', version: '1.36.1-r15' },
    ]);
  });
});
