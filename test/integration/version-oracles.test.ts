/**
 * Property tests of our version comparators against the real tools on this machine:
 * `dpkg --compare-versions` (Debian's dpkg), dpkg's Perl `Dpkg::Version` and rpm's Lua `rpm.vercmp` (Debian package `rpm`,
 * listed in scripts/debian-packages.txt). There is no apk-tools on Debian, so compareApk is checked
 * only against upstream's test vectors (src/engines/vulnmatch/version-vectors.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareDpkg, DpkgVersionError, parseDpkgVersion } from '../../src/engines/vulnmatch/dpkg-version.js';
import { compareRpm } from '../../src/engines/vulnmatch/rpm-version.js';

const SEED = Number(process.env.VIGIL_ORACLE_SEED ?? 20240611);
// dpkg costs one process per pair (a few ms each), so fewer pairs go to the binary; dpkg's own Perl
// implementation (Dpkg::Version, package libdpkg-perl) takes many more in a single process.
const DPKG_PAIRS = 1500;
const DPKG_PERL_PAIRS = 20000;
const RPM_PAIRS = 20000;

/** mulberry32: small deterministic PRNG so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  pick<T>(xs: readonly T[]): T {
    const x = xs[this.int(xs.length)];
    if (x === undefined) throw new Error('empty choice');
    return x;
  }
  digits(): string {
    const r = this.rnd();
    if (r < 0.08) return '0'.repeat(1 + this.int(3)) + String(this.int(10));
    if (r < 0.12) return String(2 ** 53 + this.int(1000)) + String(this.int(10));
    if (r < 0.7) return String(this.int(10));
    return String(this.int(1000));
  }
  letters(alphabet: string): string {
    let s = '';
    const n = 1 + this.int(3);
    for (let k = 0; k < n; k++) s += alphabet.charAt(this.int(alphabet.length));
    return s;
  }
}

const DPKG_WORDS = ['ubuntu', 'deb', 'bpo', 'dfsg', 'git', 'rc', 'beta', 'p', 'a', 'b', 'Z', 'build', 'nmu', 'really'];

/** A Debian version built from the pieces real ones use: epochs, '~', '+', '.', letters, revisions. */
function dpkgVersion(g: Gen, withColon: boolean, withHyphen: boolean): string {
  const part = (allowed: string): string => {
    let s = g.digits();
    const n = g.int(5);
    for (let k = 0; k < n; k++) {
      const sep = g.pick(allowed.split(''));
      const word = g.chance(0.4) ? g.pick(DPKG_WORDS) : g.chance(0.5) ? g.letters('abcxyzABZ') : '';
      s += (sep === '_' ? '' : sep) + word + (g.chance(0.7) ? g.digits() : '');
    }
    return s;
  };
  const epoch = withColon || g.chance(0.2) ? `${g.pick(['0', '1', '2', '10', '00'])}:` : '';
  const upstreamSeps = `..++~_${epoch ? ':' : ''}${withHyphen ? '-' : ''}`;
  // A few start with a letter: dpkg only warns about those and still compares them.
  let v = epoch + (g.chance(0.03) ? g.pick(DPKG_WORDS) : '') + part(upstreamSeps);
  if (withHyphen || g.chance(0.6)) v += `-${part('..++~_')}`;
  return v;
}

/** Small edits that keep two versions close, so comparisons go deep instead of stopping early. */
function dpkgNeighbour(g: Gen, v: string): string {
  switch (g.int(7)) {
    case 0:
      return `${v}~${g.pick(['', 'rc1', 'bpo12+1', '~'])}`;
    case 1:
      return `${v}${g.pick(['+deb12u1', 'a', '.0', '+b1', '0', 'build1'])}`;
    case 2:
      return v.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + g.pick([-1, 1, 10])).replace('-', ''));
    case 3:
      return v.includes(':') ? v.replace(/^\d+:/, '') : `0:${v}`;
    case 4:
      return v.replace(/(\.|^)(\d)/, (_m, sep: string, d: string) => `${sep}0${d}`);
    case 5:
      return v.replace(/-[^-]*$/, '-0');
    default:
      return v;
  }
}

function rpmPart(g: Gen): string {
  const alphabet = ['.', '.', '.', '~', '^', '_', '+', '', '', 'α'];
  let s = g.chance(0.85) ? g.digits() : g.letters('abcfgXZ');
  const n = g.int(5);
  for (let k = 0; k < n; k++) {
    s += g.pick(alphabet);
    s += g.chance(0.6) ? g.digits() : g.letters(g.chance(0.5) ? 'el' : 'abcfgprcXZ');
  }
  return s;
}

function rpmEvr(g: Gen): string {
  const epoch = g.chance(0.25) ? `${g.pick(['', '0', '1', '2', '01', '10'])}:` : '';
  const release = g.chance(0.7) ? `-${rpmPart(g)}${g.chance(0.4) ? g.pick(['.el9', '.el9_4', '.el8.alma', '.fc40']) : ''}` : '';
  return `${epoch}${rpmPart(g)}${release}`;
}

function rpmNeighbour(g: Gen, v: string): string {
  switch (g.int(6)) {
    case 0:
      return `${v}${g.pick(['~rc1', '^git1', '~', '^', '.1', 'a'])}`;
    case 1:
      return v.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + 1));
    case 2:
      return v.includes(':') ? v.replace(/^\d*:/, '') : `0:${v}`;
    case 3:
      return v.replace(/-[^-]*$/, '');
    case 4:
      return v.replace(/\./, g.pick(['_', '+', '..', '.0']));
    default:
      return v;
  }
}

function pairs(n: number, make: (g: Gen) => string, near: (g: Gen, v: string) => string, seed: number): [string, string][] {
  const g = new Gen(prng(seed));
  const out: [string, string][] = [];
  for (let k = 0; k < n; k++) {
    const a = make(g);
    const b = g.chance(0.6) ? near(g, a) : make(g);
    out.push(g.chance(0.5) ? [a, b] : [b, a]);
  }
  return out;
}

function oursOrError(a: string, b: string): '-1' | '0' | '1' | 'error' {
  try {
    return String(compareDpkg(a, b)) as '-1' | '0' | '1';
  } catch (err) {
    if (err instanceof DpkgVersionError && err.kind === 'error') return 'error';
    throw err;
  }
}

function requireTool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} is required for the version oracle tests (apt-get install -y ${cmd}): ${r.error?.message ?? r.stderr}`);
  }
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-oracle-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('version comparators vs the real tools', () => {
  it(`compareDpkg agrees with dpkg --compare-versions on ${DPKG_PAIRS} random pairs (seed ${SEED})`, () => {
    requireTool('dpkg', ['--version']);
    // Fixed extras: versions dpkg rejects, and non-ASCII bytes (dpkg warns, then orders them as
    // signed chars: after letters, before ASCII punctuation).
    const extras: [string, string][] = [
      ['1.0-', '1.0'],
      ['1a:2', '1'],
      [':1.0', '1.0'],
      ['1:', '1.0'],
      ['1.0é', '1.0+'],
      ['1.0é', '1.0z'],
      ['1.0é', '1.0~'],
      ['1.0é', '1.0ü'],
      ['1.0-é', '1.0-a'],
    ];
    const list = [...pairs(DPKG_PAIRS, (g) => dpkgVersion(g, g.chance(0.1), g.chance(0.1)), dpkgNeighbour, SEED), ...extras];
    // One dpkg call per pair, asking the relation we predict: exit 0 means dpkg agrees. Where we
    // reject a version, dpkg must reject it too (exit 2).
    const ops = { '-1': 'lt', '0': 'eq', '1': 'gt' } as const;
    let rejected = 0;
    const lines = list.map(([a, b], k) => {
      const ours = oursOrError(a, b);
      if (ours === 'error') {
        rejected++;
        return `dpkg --compare-versions '${a}' lt '${b}' 2>/dev/null; [ $? -eq 2 ] || echo ${k}`;
      }
      return `dpkg --compare-versions '${a}' ${ops[ours]} '${b}' 2>/dev/null || echo ${k}`;
    });
    const script = join(dir, 'dpkg-pairs.sh');
    writeFileSync(script, `${lines.join('\n')}\n`);
    const r = spawnSync('sh', [script], { encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const failed = r.stdout.split('\n').filter((l) => l !== '').map(Number);
    const report = failed.map((k) => {
      const [a, b] = list[k] ?? ['', ''];
      const actual = ['lt', 'eq', 'gt'].find((op) => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0);
      return `${JSON.stringify(a)} vs ${JSON.stringify(b)}: ours ${oursOrError(a, b)}, dpkg ${actual ?? 'error'}`;
    });
    if (report.length > 0) console.error(`dpkg disagreements (seed ${SEED}):\n${report.join('\n')}`);
    expect(report).toEqual([]);
    expect(rejected).toBeGreaterThanOrEqual(4);
    expect(rejected).toBeLessThan(list.length / 10);
    console.info(`dpkg oracle: ${list.length} pairs compared (${rejected} with a version both reject), 0 disagreements`);
  });

  it(`compareDpkg agrees with Dpkg::Version (dpkg arbitrating) on ${DPKG_PERL_PAIRS} random pairs (seed ${SEED})`, () => {
    requireTool('perl', ['-MDpkg::Version', '-e', '1']);
    // Dpkg::Version rejects what dpkg only warns about, so only strictly valid pairs go here.
    const valid = (v: string): boolean => {
      try {
        parseDpkgVersion(v);
        return true;
      } catch {
        return false;
      }
    };
    const list = pairs(DPKG_PERL_PAIRS, (g) => dpkgVersion(g, g.chance(0.1), g.chance(0.1)), dpkgNeighbour, SEED + 1).filter(
      ([a, b]) => valid(a) && valid(b),
    );
    expect(list.length).toBeGreaterThan(DPKG_PERL_PAIRS * 0.9);
    const input = join(dir, 'dpkg-perl-pairs.tsv');
    writeFileSync(input, `${list.map(([a, b]) => `${a}\t${b}`).join('\n')}\n`);
    const perl = 'use Dpkg::Version; while (<STDIN>) { chomp; my ($a, $b) = split /\t/; print version_compare($a, $b), "\n" }';
    const r = spawnSync('sh', ['-c', `perl -e '${perl}' < '${input}'`], { encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const results = r.stdout.split('\n').filter((l) => l !== '').map(Number);
    expect(results.length).toBe(list.length);
    // Dpkg::Version compares digit runs as Perl numbers (doubles), so it is wrong beyond 2^53;
    // every pair it disagrees on goes to the dpkg binary, which is the arbiter.
    const report: string[] = [];
    let perlOnly = 0;
    list.forEach(([a, b], k) => {
      const ours = compareDpkg(a, b);
      const perl = Math.sign(results[k] ?? Number.NaN);
      if (ours === perl) return;
      const dpkg = ['lt', 'eq', 'gt'].findIndex((op) => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0) - 1;
      if (dpkg === ours) perlOnly++;
      else report.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ours ${ours}, Dpkg::Version ${perl}, dpkg ${dpkg}`);
    });
    if (report.length > 0) console.error(`dpkg disagreements (seed ${SEED}):\n${report.slice(0, 200).join('\n')}`);
    expect(report).toEqual([]);
    console.info(
      `Dpkg::Version oracle: ${list.length} pairs compared, 0 disagreements with dpkg ` +
        `(${perlOnly} where only the Perl port differs, confirmed by the dpkg binary)`,
    );
  });

  it(`compareRpm agrees with rpm.vercmp on ${RPM_PAIRS} random EVR pairs (seed ${SEED})`, () => {
    requireTool('rpm', ['--version']);
    const list = pairs(RPM_PAIRS, rpmEvr, rpmNeighbour, SEED ^ 0x5eed);
    const input = join(dir, 'rpm-pairs.tsv');
    writeFileSync(input, `${list.map(([a, b]) => `${a}\t${b}`).join('\n')}\n`);
    // One rpm process; its embedded Lua reads the pairs and prints rpm.vercmp for each.
    const lua = `%{lua: for l in io.lines('${input}') do local a, b = l:match('^([^\\t]*)\\t(.*)$'); io.write(rpm.vercmp(a, b), '\\n') end}`;
    const r = spawnSync('rpm', ['--eval', lua], { encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const results = r.stdout.split('\n').filter((l) => /^-?\d+$/.test(l)).map(Number);
    expect(results.length).toBe(list.length);
    const report: string[] = [];
    list.forEach(([a, b], k) => {
      const ours = compareRpm(a, b);
      const theirs = Math.sign(results[k] ?? Number.NaN);
      if (ours !== theirs) report.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ours ${ours}, rpm ${theirs}`);
    });
    if (report.length > 0) console.error(`rpm disagreements (seed ${SEED}):\n${report.slice(0, 200).join('\n')}`);
    expect(report).toEqual([]);
    console.info(`rpm oracle: ${list.length} pairs compared, 0 disagreements`);
  });
});
