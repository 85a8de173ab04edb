/**
 * RAM wildcards: `*` matches any run of characters including none, `?` exactly one (one UTF-16
 * unit). There is no escape. The matcher is hand-written (greedy with one backtrack point), so it
 * is O(pattern × input) at worst and cannot blow up the way a backtracking regex can.
 */

export type GlobMatcher = (input: string) => boolean;

const STAR = 0x2a;
const QUESTION = 0x3f;

export function globMatch(pattern: string, input: string): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  const pl = pattern.length;
  const sl = input.length;
  while (s < sl) {
    const pc = p < pl ? pattern.charCodeAt(p) : -1;
    if (pc === STAR) {
      starP = p++;
      starS = s;
    } else if (pc !== -1 && (pc === QUESTION || pc === input.charCodeAt(s))) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < pl && pattern.charCodeAt(p) === STAR) p++;
  return p === pl;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Does `seg` (literal except `?`) occur in `input` at `at`? */
function segmentAt(seg: string, input: string, at: number): boolean {
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c !== QUESTION && c !== input.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Leftmost index ≥ from where `seg` occurs and ends by `end`, or -1. */
function findSegment(seg: string, hasQ: boolean, input: string, from: number, end: number): number {
  if (!hasQ) {
    const i = input.indexOf(seg, from);
    return i >= 0 && i + seg.length <= end ? i : -1;
  }
  for (let i = from; i + seg.length <= end; i++) if (segmentAt(seg, input, i)) return i;
  return -1;
}

/**
 * A matcher compiled from the pattern's `*`-separated segments: the first must be a prefix, the
 * last a suffix, and the middle ones are found left to right with the leftmost occurrence (which
 * is always safe for `*`). Native indexOf does the scanning; at worst O(pattern × input).
 */
function segmentMatcher(pattern: string): GlobMatcher {
  const segs = pattern.split('*');
  const first = segs[0] ?? '';
  const last = segs[segs.length - 1] ?? '';
  const middle = segs.slice(1, -1).filter((m) => m !== '');
  const middleQ = middle.map((m) => m.includes('?'));
  const minLength = segs.reduce((n, m) => n + m.length, 0);
  return (input) => {
    if (input.length < minLength) return false;
    if (!segmentAt(first, input, 0)) return false;
    const end = input.length - last.length;
    if (!segmentAt(last, input, end)) return false;
    let pos = first.length;
    for (let i = 0; i < middle.length; i++) {
      const seg = middle[i] as string;
      const at = findSegment(seg, middleQ[i] === true, input, pos, end);
      if (at < 0) return false;
      pos = at + seg.length;
    }
    return true;
  };
}

/**
 * A matcher specialised for the common shapes (`*`, literal, `prefix*`, `*suffix`), else the
 * segment matcher. Case folding, if wanted, is the caller's job: lower-case pattern and input.
 */
export function compileGlob(pattern: string): GlobMatcher {
  if (pattern === '*') return () => true;
  if (!hasWildcard(pattern)) return (input) => input === pattern;
  const body = pattern.slice(0, -1);
  if (pattern.endsWith('*') && !hasWildcard(body)) return (input) => input.startsWith(body);
  const tail = pattern.slice(1);
  if (pattern.startsWith('*') && !hasWildcard(tail)) return (input) => input.endsWith(tail);
  if (!pattern.includes('*')) return (input) => input.length === pattern.length && segmentAt(pattern, input, 0);
  return segmentMatcher(pattern);
}
