/**
 * Debian package version parsing and ordering, matching dpkg 1.21 (`dpkg --compare-versions`):
 * `[epoch:]upstream[-revision]`, compared epoch first (numerically), then upstream and revision with
 * dpkg's mixed lexical/numeric rule ('~' before everything including the end, letters before
 * non-letters, digit runs numerically).
 */

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  /** Empty when the version has no '-'; dpkg treats a missing revision like "0" only by ordering. */
  revision: string;
}

/** `error` problems make dpkg refuse the version; `warning` ones dpkg reports but still compares. */
export type DpkgVersionProblemKind = 'error' | 'warning';

export class DpkgVersionError extends Error {
  readonly version: string;
  readonly kind: DpkgVersionProblemKind;
  constructor(version: string, reason: string, kind: DpkgVersionProblemKind) {
    super(`invalid dpkg version ${JSON.stringify(version)}: ${reason}`);
    this.name = 'DpkgVersionError';
    this.version = version;
    this.kind = kind;
  }
}

const INT_MAX = 2147483647;

function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}
function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlphaCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export interface DpkgParseOptions {
  /** When true (default), the problems dpkg only warns about are thrown as well. */
  strict?: boolean;
}

/**
 * Parses a Debian version. Throws DpkgVersionError naming the problem. With `strict: false`
 * it accepts what `dpkg --compare-versions` accepts (it warns, but compares, on bad characters).
 */
export function parseDpkgVersion(input: string, options: DpkgParseOptions = {}): DpkgVersion {
  const strict = options.strict ?? true;
  let start = 0;
  while (start < input.length && isBlank(input.charAt(start))) start++;
  if (start === input.length) throw new DpkgVersionError(input, 'version string is empty', 'error');
  let end = start;
  while (end < input.length && !isBlank(input.charAt(end))) end++;
  let rest = end;
  while (rest < input.length && isBlank(input.charAt(rest))) rest++;
  if (rest < input.length) throw new DpkgVersionError(input, 'version string has embedded spaces', 'error');

  let body = input.slice(start, end);
  let epoch = 0;
  const colon = body.indexOf(':');
  if (colon >= 0) {
    // dpkg uses strtol here: optional sign, then decimal digits up to the colon.
    const m = /^([+-]?)(\d*)/.exec(body);
    const sign = m?.[1] ?? '';
    const digits = m?.[2] ?? '';
    if (digits === '') throw new DpkgVersionError(input, 'epoch in version is empty', 'error');
    if (sign.length + digits.length !== colon) {
      throw new DpkgVersionError(input, 'epoch in version is not number', 'error');
    }
    const stripped = digits.replace(/^0+(?=\d)/, '');
    const isZero = /^0+$/.test(digits);
    if (sign === '-' && !isZero) throw new DpkgVersionError(input, 'epoch in version is negative', 'error');
    if (stripped.length > 10 || Number(stripped) > INT_MAX) {
      throw new DpkgVersionError(input, 'epoch in version is too big', 'error');
    }
    epoch = Number(stripped);
    if (colon + 1 === body.length) {
      throw new DpkgVersionError(input, 'nothing after colon in version number', 'error');
    }
    body = body.slice(colon + 1);
  }

  const hyphen = body.lastIndexOf('-');
  let upstream = body;
  let revision = '';
  if (hyphen >= 0) {
    upstream = body.slice(0, hyphen);
    revision = body.slice(hyphen + 1);
    if (revision === '') throw new DpkgVersionError(input, 'revision number is empty', 'error');
  }
  if (upstream === '') throw new DpkgVersionError(input, 'version number is empty', 'error');

  if (strict) {
    if (!isDigitCode(upstream.charCodeAt(0))) {
      throw new DpkgVersionError(input, 'version number does not start with digit', 'warning');
    }
    if (!/^[0-9A-Za-z.+~:-]*$/.test(upstream)) {
      throw new DpkgVersionError(input, 'invalid character in version number', 'warning');
    }
    if (!/^[0-9A-Za-z.+~]*$/.test(revision)) {
      throw new DpkgVersionError(input, 'invalid character in revision number', 'warning');
    }
  }
  return { epoch, upstream, revision };
}

const utf8 = new TextEncoder();

function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 127) return false;
  return true;
}

/** The string's UTF-8 bytes as a string of char codes 0-255 (dpkg compares bytes, not characters). */
function byteString(s: string): string {
  if (isAscii(s)) return s;
  let out = '';
  for (const b of utf8.encode(s)) out += String.fromCharCode(b);
  return out;
}

function codeAt(s: string, k: number): number {
  return k < s.length ? s.charCodeAt(k) : 0;
}

/**
 * dpkg's per-character weight. dpkg works on C `char`s (signed on the platforms it runs on), so a
 * byte >= 0x80 gets (byte - 256) + 256 = byte: after letters, before ASCII punctuation.
 */
function order(c: number): number {
  if (isDigitCode(c)) return 0;
  if (isAlphaCode(c)) return c;
  if (c === 126) return -1; // '~'
  if (c === 0) return 0; // end of string
  if (c >= 128) return c;
  return c + 256;
}

/** dpkg's verrevcmp on one part (upstream or revision). Returns <0, 0, >0. */
export function dpkgPartCompare(a: string, b: string): number {
  const x = byteString(a);
  const y = byteString(b);
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    while ((i < x.length && !isDigitCode(x.charCodeAt(i))) || (j < y.length && !isDigitCode(y.charCodeAt(j)))) {
      const ac = order(codeAt(x, i));
      const bc = order(codeAt(y, j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (codeAt(x, i) === 48) i++;
    while (codeAt(y, j) === 48) j++;
    let firstDiff = 0;
    while (isDigitCode(codeAt(x, i)) && isDigitCode(codeAt(y, j))) {
      if (firstDiff === 0) firstDiff = x.charCodeAt(i) - y.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigitCode(codeAt(x, i))) return 1;
    if (isDigitCode(codeAt(y, j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function compareDpkgParsed(a: DpkgVersion, b: DpkgVersion): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const up = dpkgPartCompare(a.upstream, b.upstream);
  if (up !== 0) return sign(up);
  return sign(dpkgPartCompare(a.revision, b.revision));
}

/**
 * Compares two Debian versions like `dpkg --compare-versions`: returns -1, 0 or 1. Versions dpkg
 * only warns about are compared; versions dpkg rejects throw DpkgVersionError.
 */
export function compareDpkg(a: string, b: string): -1 | 0 | 1 {
  return compareDpkgParsed(parseDpkgVersion(a, { strict: false }), parseDpkgVersion(b, { strict: false }));
}
