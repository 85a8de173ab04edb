/**
 * PEP 440 version ordering (PyPI), following the normalization and sort key of the `packaging`
 * library: epoch, release (trailing zeros ignored), pre-release, post-release, dev-release, local.
 */

export interface Pep440Version {
  epoch: bigint;
  release: bigint[];
  pre?: { rank: number; n: bigint };
  post?: bigint;
  dev?: bigint;
  local?: (bigint | string)[];
}

export class Pep440Error extends Error {
  constructor(readonly version: string) {
    super(`invalid PEP 440 version ${JSON.stringify(version)}`);
    this.name = 'Pep440Error';
  }
}

const PEP440_RE = new RegExp(
  '^v?' +
    '(?:(\\d+)!)?' + // 1 epoch
    '(\\d+(?:\\.\\d+)*)' + // 2 release
    '(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\\d+)?)?' + // 3,4 pre
    '(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?' + // 5 implicit post, 6,7 post
    '(?:[-_.]?(dev)[-_.]?(\\d+)?)?' + // 8,9 dev
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$', // 10 local
  'i',
);

const PRE_RANK: Readonly<Record<string, number>> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

export function parsePep440(input: string): Pep440Version {
  const m = PEP440_RE.exec(input.trim());
  if (!m) throw new Pep440Error(input);
  const v: Pep440Version = {
    epoch: BigInt(m[1] ?? '0'),
    release: (m[2] ?? '0').split('.').map((x) => BigInt(x)),
  };
  if (m[3] !== undefined) v.pre = { rank: PRE_RANK[m[3].toLowerCase()] ?? 0, n: BigInt(m[4] ?? '0') };
  if (m[5] !== undefined) v.post = BigInt(m[5]);
  else if (m[6] !== undefined) v.post = BigInt(m[7] ?? '0');
  if (m[8] !== undefined) v.dev = BigInt(m[9] ?? '0');
  if (m[10] !== undefined) {
    v.local = m[10]
      .toLowerCase()
      .split(/[-_.]/)
      .map((seg) => (/^\d+$/.test(seg) ? BigInt(seg) : seg));
  }
  return v;
}

function cmp<T extends bigint | number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares optional parts where "absent" sorts at a fixed end (-1 = lowest, 1 = highest). */
function cmpOptional<T>(a: T | undefined, b: T | undefined, absent: -1 | 1, inner: (x: T, y: T) => number): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return absent;
  if (b === undefined) return -absent;
  return inner(a, b);
}

function trimZeros(release: bigint[]): bigint[] {
  let n = release.length;
  while (n > 0 && release[n - 1] === 0n) n--;
  return release.slice(0, n);
}

function cmpLocal(a: (bigint | string)[], b: (bigint | string)[]): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    if (x === undefined || y === undefined) break;
    // Numeric segments sort after alphanumeric ones.
    if (typeof x === 'bigint' && typeof y !== 'bigint') return 1;
    if (typeof x !== 'bigint' && typeof y === 'bigint') return -1;
    const r = cmp(x, y);
    if (r !== 0) return r;
  }
  return cmp(a.length, b.length);
}

export function comparePep440Parsed(a: Pep440Version, b: Pep440Version): -1 | 0 | 1 {
  const r = ((): number => {
    const e = cmp(a.epoch, b.epoch);
    if (e !== 0) return e;
    const ra = trimZeros(a.release);
    const rb = trimZeros(b.release);
    for (let k = 0; k < Math.min(ra.length, rb.length); k++) {
      const d = cmp(ra[k] ?? 0n, rb[k] ?? 0n);
      if (d !== 0) return d;
    }
    if (ra.length !== rb.length) return cmp(ra.length, rb.length);
    // A bare dev release (1.0.dev1) sorts before every pre-release of the same release.
    const preKey = (v: Pep440Version): [number, number, bigint] =>
      v.pre !== undefined ? [1, v.pre.rank, v.pre.n] : v.post === undefined && v.dev !== undefined ? [0, 0, 0n] : [2, 0, 0n];
    const pa = preKey(a);
    const pb = preKey(b);
    const p = cmp(pa[0], pb[0]) || cmp(pa[1], pb[1]) || cmp(pa[2], pb[2]);
    if (p !== 0) return p;
    const post = cmpOptional(a.post, b.post, -1, cmp);
    if (post !== 0) return post;
    const dev = cmpOptional(a.dev, b.dev, 1, cmp);
    if (dev !== 0) return dev;
    return cmpOptional(a.local, b.local, -1, cmpLocal);
  })();
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/** PEP 440 ordering: -1, 0 or 1. Throws Pep440Error on versions PEP 440 does not accept. */
export function comparePep440(a: string, b: string): -1 | 0 | 1 {
  return comparePep440Parsed(parsePep440(a), parsePep440(b));
}
