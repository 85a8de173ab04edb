/**
 * RPM version ordering as rpm 4.18 does it: `rpmvercmp` on each of epoch, version and release,
 * and EVR parsing/comparison as `rpm.vercmp` (rpmverCmp) does it.
 */

export interface RpmEvr {
  /** Epoch digits as written ("0" when the EVR has an empty epoch); undefined when absent. */
  epoch?: string;
  version: string;
  release?: string;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlphaCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnumCode(c: number): boolean {
  return isDigitCode(c) || isAlphaCode(c);
}

const TILDE = 126;
const CARET = 94;
const utf8 = new TextEncoder();

function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 127) return false;
  return true;
}

/** The string's UTF-8 bytes as a string of char codes 0-255 (rpm compares bytes, not characters). */
function byteString(s: string): string {
  if (isAscii(s)) return s;
  let out = '';
  for (const b of utf8.encode(s)) out += String.fromCharCode(b);
  return out;
}

function codeAt(s: string, k: number): number {
  return k < s.length ? s.charCodeAt(k) : 0;
}

/** strcmp on two segments. */
function compareSegments(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < n; k++) {
    const d = a.charCodeAt(aStart + k) - b.charCodeAt(bStart + k);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/**
 * rpmvercmp: splits both strings into maximal alphabetic or numeric segments (any other byte is a
 * separator, non-ASCII included), '~' sorts before everything, '^' after the base version but before
 * any further segment; a numeric segment is newer than an alphabetic one.
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const x = byteString(a);
  const y = byteString(b);
  let i = 0;
  let j = 0;
  const at = codeAt;

  while (i < x.length || j < y.length) {
    while (i < x.length && !isAlnumCode(at(x, i)) && at(x, i) !== TILDE && at(x, i) !== CARET) i++;
    while (j < y.length && !isAlnumCode(at(y, j)) && at(y, j) !== TILDE && at(y, j) !== CARET) j++;

    const ci = at(x, i);
    const cj = at(y, j);
    if (ci === TILDE || cj === TILDE) {
      if (ci !== TILDE) return 1;
      if (cj !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ci === CARET || cj === CARET) {
      if (i >= x.length) return -1;
      if (j >= y.length) return 1;
      if (ci !== CARET) return 1;
      if (cj !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= x.length || j >= y.length) break;

    const numeric = isDigitCode(ci);
    const inSegment = numeric ? isDigitCode : isAlphaCode;
    let ie = i;
    let je = j;
    while (ie < x.length && inSegment(at(x, ie))) ie++;
    while (je < y.length && inSegment(at(y, je))) je++;

    // The other side has a segment of the other kind here: numeric beats alphabetic.
    if (je === j) return numeric ? 1 : -1;

    let is = i;
    let js = j;
    if (numeric) {
      while (is < ie && at(x, is) === 48) is++;
      while (js < je && at(y, js) === 48) js++;
      if (ie - is > je - js) return 1;
      if (je - js > ie - is) return -1;
    }
    const rc = compareSegments(x, is, ie, y, js, je);
    if (rc !== 0) return rc < 0 ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= x.length && j >= y.length) return 0;
  return i >= x.length ? -1 : 1;
}

/**
 * Splits `[epoch:]version[-release]` like rpm's parseEVR: the epoch is a run of leading digits
 * followed by ':', the release is what follows the last '-' after the epoch.
 */
export function parseRpmEvr(evr: string): RpmEvr {
  let s = 0;
  while (s < evr.length && isDigitCode(evr.charCodeAt(s))) s++;
  let epoch: string | undefined;
  let versionStart = 0;
  if (evr.charAt(s) === ':') {
    epoch = s === 0 ? '0' : evr.slice(0, s);
    versionStart = s + 1;
  }
  // rpm looks for the last '-' after the epoch digits; digits hold no '-', so any last '-' will do.
  const dash = evr.lastIndexOf('-');
  const epochPart = epoch !== undefined ? { epoch } : {};
  if (dash >= 0) return { ...epochPart, version: evr.slice(versionStart, dash), release: evr.slice(dash + 1) };
  return { ...epochPart, version: evr.slice(versionStart) };
}

function compareOptional(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === undefined && b === undefined) return 0;
  if (b === undefined) return 1;
  if (a === undefined) return -1;
  return rpmvercmp(a, b);
}

/** rpmverCmp: epoch (absent = "0"), version, then release (absent sorts before present). */
export function compareRpmEvr(a: RpmEvr, b: RpmEvr): -1 | 0 | 1 {
  const e = rpmvercmp(a.epoch ?? '0', b.epoch ?? '0');
  if (e !== 0) return e;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  return compareOptional(a.release, b.release);
}

/** Compares two `[E:]V[-R]` strings exactly like rpm 4.18's `rpm.vercmp`. */
export function compareRpm(a: string, b: string): -1 | 0 | 1 {
  return compareRpmEvr(parseRpmEvr(a), parseRpmEvr(b));
}

/** Formats an EVR without a zero/absent epoch (the way advisories usually print it). */
export function formatRpmEvr(evr: RpmEvr): string {
  const epoch = evr.epoch !== undefined && !/^0*$/.test(evr.epoch) ? `${evr.epoch}:` : '';
  return `${epoch}${evr.version}${evr.release !== undefined ? `-${evr.release}` : ''}`;
}
