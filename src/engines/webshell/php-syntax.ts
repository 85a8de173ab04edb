/** Helpers that read call structure from the `bare` view (string bodies blanked, offsets kept). */

export interface Span {
  from: number;
  to: number;
}

/** By character code: 1, 2, 3 for ( [ {; -1, -2, -3 for their closers; 0 otherwise. */
const BRACKET = new Int8Array(128);
[...'([{'].forEach((c, k) => (BRACKET[c.charCodeAt(0)] = k + 1));
[...')]}'].forEach((c, k) => (BRACKET[c.charCodeAt(0)] = -(k + 1)));

/**
 * Bracket structure of a text, computed once in O(n) so that argument splitting and statement
 * ends cost O(1) amortised per lookup even on hostile input (thousands of unclosed calls).
 */
export interface BracketIndex {
  /** For an opener: index of its closer; for a closer: its opener; otherwise -1. */
  match: Int32Array;
  /** First `;` at the same depth after i, or the closer of the enclosing bracket (or text end). */
  stmtEnd: Int32Array;
}

export function indexBrackets(text: string): BracketIndex {
  const n = text.length;
  const match = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = BRACKET[text.charCodeAt(i)] ?? 0;
    if (k === 0) continue;
    if (k > 0) {
      stack.push(i);
      continue;
    }
    const top = stack[stack.length - 1];
    if (top !== undefined && BRACKET[text.charCodeAt(top)] === -k) {
      stack.pop();
      match[top] = i;
      match[i] = top;
    }
  }
  const stmtEnd = new Int32Array(n);
  const levels: number[] = [n];
  for (let i = n - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (match[i] !== -1) {
      if ((BRACKET[code] ?? 0) < 0) {
        stmtEnd[i] = i;
        levels.push(i);
        continue;
      }
      if (levels.length > 1) levels.pop();
      stmtEnd[i] = levels[levels.length - 1] ?? n;
      continue;
    }
    if (code === 0x3b) levels[levels.length - 1] = i; // ';'
    stmtEnd[i] = levels[levels.length - 1] ?? n;
  }
  return { match, stmtEnd };
}

/**
 * Split the arguments of a call whose `(` is at `openIdx`. Returns undefined when the call is
 * not closed (or closes beyond `limit`).
 */
export function callArgs(text: string, idx: BracketIndex, openIdx: number, limit = 1 << 20): { args: Span[]; end: number } | undefined {
  const close = idx.match[openIdx] ?? -1;
  if (close < 0 || close - openIdx > limit || text[openIdx] !== '(') return undefined;
  const args: Span[] = [];
  let start = openIdx + 1;
  for (let i = openIdx + 1; i < close; i++) {
    const c = text[i] ?? '';
    const m = idx.match[i] ?? -1;
    if (m > i) {
      i = m; // jump over a nested bracket
    } else if (c === ',') {
      args.push({ from: start, to: i });
      start = i + 1;
    }
  }
  if (text.slice(start, close).trim().length > 0 || args.length > 0) args.push({ from: start, to: close });
  return { args, end: close + 1 };
}

/** End of the statement starting at `from`: the next `;` at the same depth, or the enclosing closer. */
export function statementEnd(idx: BracketIndex, from: number, limit = 1 << 20): number {
  const end = idx.stmtEnd[from] ?? idx.stmtEnd.length;
  return Math.min(end, from + limit, idx.stmtEnd.length);
}

/** Trim whitespace and `@` from a span. */
export function trimSpan(text: string, s: Span): Span {
  let { from, to } = s;
  while (from < to && /[\s@]/.test(text[from] ?? '')) from++;
  while (to > from && /\s/.test(text[to - 1] ?? '')) to--;
  return { from, to };
}

/** Printable, single-line excerpt of at most `max` characters. */
export function excerptOf(text: string, offset: number, length: number, max = 160): string {
  const raw = text.slice(offset, offset + Math.min(length, max));
  return raw.replace(/[^\x20-\x7e]/g, (ch) => (ch === '\n' || ch === '\r' || ch === '\t' ? ' ' : '.'));
}
