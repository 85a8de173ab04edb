/**
 * Alpine (apk-tools 2.14 / 3.x) version ordering:
 * `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`.
 * Tokens are compared pairwise while their kinds agree; when a version turns invalid, the tokens
 * compared so far decide and then the token kinds do (which is how "1.0 < 1.0bc" comes out).
 */

const Tok = {
  InitialDigit: 0,
  Digit: 1,
  Letter: 2,
  Suffix: 3,
  SuffixNo: 4,
  CommitHash: 5,
  RevisionNo: 6,
  End: 7,
  Invalid: 8,
} as const;
type Tok = (typeof Tok)[keyof typeof Tok];

// Pre-release suffixes sort below "no suffix" (None), post-release ones above it.
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

interface TokenState {
  tok: Tok;
  /** Raw text of the token (digits without the leading '.', the letter, suffix word or hash). */
  text: string;
  /** Digits with leading zeros removed, for numeric tokens. */
  num: string;
  suffix: number;
  pos: number;
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function parseDigits(t: TokenState, s: string): void {
  const start = t.pos;
  while (t.pos < s.length && isDigit(s.charAt(t.pos))) t.pos++;
  t.text = s.slice(start, t.pos);
  t.num = t.text.replace(/^0+/, '');
  if (t.text === '') t.tok = Tok.Invalid;
}

function first(s: string): TokenState {
  const t: TokenState = { tok: Tok.InitialDigit, text: '', num: '', suffix: 0, pos: 0 };
  parseDigits(t, s);
  return t;
}

function next(t: TokenState, s: string): void {
  if (t.pos >= s.length) {
    t.tok = Tok.End;
    return;
  }
  const ch = s.charAt(t.pos);
  if (ch >= 'a' && ch <= 'z') {
    if (t.tok > Tok.Digit) {
      t.tok = Tok.Invalid;
      return;
    }
    t.text = ch;
    t.tok = Tok.Letter;
    t.pos++;
    return;
  }
  if (ch === '.' || isDigit(ch)) {
    if (ch === '.') {
      if (t.tok > Tok.Digit) {
        t.tok = Tok.Invalid;
        return;
      }
      t.pos++;
    }
    if (t.tok === Tok.InitialDigit || t.tok === Tok.Digit) t.tok = Tok.Digit;
    else if (t.tok === Tok.Suffix) t.tok = Tok.SuffixNo;
    else {
      t.tok = Tok.Invalid;
      return;
    }
    parseDigits(t, s);
    return;
  }
  if (ch === '_') {
    if (t.tok > Tok.SuffixNo) {
      t.tok = Tok.Invalid;
      return;
    }
    t.pos++;
    const start = t.pos;
    while (t.pos < s.length && s.charAt(t.pos) >= 'a' && s.charAt(t.pos) <= 'z') t.pos++;
    t.text = s.slice(start, t.pos);
    const rank = Object.hasOwn(SUFFIX_RANK, t.text) ? SUFFIX_RANK[t.text] : undefined;
    if (rank === undefined) {
      t.tok = Tok.Invalid;
      return;
    }
    t.suffix = rank;
    t.tok = Tok.Suffix;
    return;
  }
  if (ch === '~') {
    if (t.tok >= Tok.CommitHash) {
      t.tok = Tok.Invalid;
      return;
    }
    t.pos++;
    const start = t.pos;
    while (t.pos < s.length && /[0-9a-f]/.test(s.charAt(t.pos))) t.pos++;
    t.text = s.slice(start, t.pos);
    t.tok = t.text === '' ? Tok.Invalid : Tok.CommitHash;
    return;
  }
  if (ch === '-') {
    if (t.tok >= Tok.RevisionNo || s.charAt(t.pos + 1) !== 'r') {
      t.tok = Tok.Invalid;
      return;
    }
    t.pos += 2;
    t.tok = Tok.RevisionNo;
    parseDigits(t, s);
    return;
  }
  t.tok = Tok.Invalid;
}

/** Byte-wise comparison, shorter prefix first (apk_blob_sort). Versions are ASCII here. */
function stringSort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function numericCompare(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return stringSort(a, b);
}

function tokenCompare(a: TokenState, b: TokenState): number {
  switch (a.tok) {
    case Tok.Digit:
      // Gentoo rule: a fractional part with a leading zero compares as a string.
      if (a.text.startsWith('0') || b.text.startsWith('0')) return stringSort(a.text, b.text);
      return numericCompare(a.num, b.num);
    case Tok.InitialDigit:
    case Tok.SuffixNo:
    case Tok.RevisionNo:
      return numericCompare(a.num, b.num);
    case Tok.Letter:
      return stringSort(a.text, b.text);
    case Tok.Suffix:
      return a.suffix - b.suffix;
    default:
      return stringSort(a.text, b.text);
  }
}

/** True when apk-tools would accept `v` as a version. */
export function isValidApkVersion(v: string): boolean {
  const t = first(v);
  while (t.tok < Tok.End) next(t, v);
  return t.tok === Tok.End;
}

/** Compares two Alpine package versions like `apk version -t`: -1, 0 or 1. */
export function compareApk(a: string, b: string): -1 | 0 | 1 {
  const ta = first(a);
  const tb = first(b);
  while (ta.tok === tb.tok && ta.tok < Tok.End) {
    const r = tokenCompare(ta, tb);
    if (r !== 0) return r < 0 ? -1 : 1;
    next(ta, a);
    next(tb, b);
  }
  if (ta.tok === tb.tok) return 0;
  // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
  if (ta.tok === Tok.Suffix && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.tok === Tok.Suffix && tb.suffix < SUFFIX_NONE) return 1;
  return ta.tok > tb.tok ? -1 : 1;
}
