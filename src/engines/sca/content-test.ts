/**
 * Applies a rule's content test (`-> r:… && n:… compare …`) to text, line by line, with Wazuh's
 * semantics:
 * - the minterms joined by ` && ` must all hold on the SAME line; the first such line wins;
 * - `!` negates a minterm for that line; but a test made of ONE negated minterm holds only when
 *   NO line matches the inner minterm (so `!r:^x` means "no line starts with x");
 * - a literal minterm compares the whole line exactly;
 * - `n:REGEX compare OP N` takes the first capture group (or the whole match) as an integer;
 *   a non-numeric capture makes the rule invalid;
 * - empty content never matches.
 */
import type { ContentTest, Minterm } from './rule-parser.js';
import { compileWazuhRegex, type RegexDialect } from './wazuh-regex.js';

/** Lines longer than this are cut before matching, to bound regex work on hostile input. */
export const MAX_LINE_CHARS = 64 * 1024;

export class ContentTestError extends Error {
  override name = 'ContentTestError';
}

export interface ContentMatch {
  matched: boolean;
  /** 1-based line number and text of the deciding line, when there is one. */
  lineNo?: number;
  line?: string;
}

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    const s = l.endsWith('\r') ? l.slice(0, -1) : l;
    return s.length > MAX_LINE_CHARS ? s.slice(0, MAX_LINE_CHARS) : s;
  });
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '==': return a === b;
    case '!=': return a !== b;
    case '>=': return a >= b;
    default: return a > b;
  }
}

function compile(pattern: string, dialect: RegexDialect): RegExp {
  try {
    return compileWazuhRegex(pattern, dialect);
  } catch (e) {
    throw new ContentTestError(`bad regex /${pattern}/: ${(e as Error).message}`);
  }
}

/** Positive evaluation of one minterm on one line (ignores its `!`). */
export function mintermHolds(m: Minterm, line: string, dialect: RegexDialect): boolean {
  if (m.kind === 'literal') return line === m.text;
  const re = compile(m.pattern, dialect);
  if (m.kind === 'regex') return re.test(line);
  const hit = re.exec(line);
  if (!hit) return false;
  const captured = hit[1] ?? hit[0];
  const value = Number.parseInt(captured.trim(), 10);
  if (!Number.isFinite(value)) throw new ContentTestError(`"${captured}" captured by /${m.pattern}/ is not an integer`);
  return compare(value, m.op, m.value);
}

export function applyContentTest(text: string, test: ContentTest, dialect: RegexDialect): ContentMatch {
  if (text.length === 0) return { matched: false };
  const lines = splitLines(text);
  const [only] = test.minterms;
  if (test.minterms.length === 1 && only && only.negated) {
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i] as string;
      if (mintermHolds(only, line, dialect)) return { matched: false, lineNo: i + 1, line };
    }
    return { matched: true };
  }
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (test.minterms.every((m) => mintermHolds(m, line, dialect) !== m.negated)) {
      return { matched: true, lineNo: i + 1, line };
    }
  }
  return { matched: false };
}
