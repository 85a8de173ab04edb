/**
 * Parser for Wazuh SCA rule strings:
 *
 *   RULE     := ["not "] TYPE ":" TARGET [" -> " TEST]          (d: rules: TARGET -> FILEPAT [-> TEST])
 *   TEST     := MINTERM (" && " MINTERM)*
 *   MINTERM  := ["!"] ("r:" REGEX | "n:" REGEX " compare " OP " " INT | LITERAL)
 *
 * Separators are literal and space-delimited, exactly as Wazuh splits them.
 */

export type RuleType = 'f' | 'd' | 'c' | 'p' | 'r';
export type CompareOp = '<' | '<=' | '==' | '!=' | '>=' | '>';

export type Minterm =
  | { negated: boolean; kind: 'regex'; pattern: string }
  | { negated: boolean; kind: 'numeric'; pattern: string; op: CompareOp; value: number }
  | { negated: boolean; kind: 'literal'; text: string };

export interface ContentTest {
  source: string;
  minterms: Minterm[];
}

export type FileNamePattern = { kind: 'regex'; pattern: string } | { kind: 'literal'; text: string };

export interface ParsedRule {
  source: string;
  /** Leading `not `: inverts found/not found (never "not applicable"). */
  negated: boolean;
  type: RuleType;
  /** Path(s), command, process name or registry key; `f:`/`d:` accept comma-separated lists. */
  target: string;
  /** `d:` only: which file names to look at. */
  fileName?: FileNamePattern;
  test?: ContentTest;
}

export class RuleParseError extends Error {
  override name = 'RuleParseError';
}

const ARROW = ' -> ';
const AND = ' && ';
const OPS: readonly CompareOp[] = ['<=', '>=', '==', '!=', '<', '>'];

export function parseMinterm(raw: string, rule: string): Minterm {
  let text = raw;
  let negated = false;
  if (text.startsWith('!')) {
    negated = true;
    text = text.slice(1);
  }
  if (text.startsWith('r:')) {
    return { negated, kind: 'regex', pattern: text.slice(2) };
  }
  if (text.startsWith('n:')) {
    const at = text.indexOf(' compare ');
    if (at === -1) throw new RuleParseError(`numeric test without "compare" in rule: ${rule}`);
    const pattern = text.slice(2, at);
    const m = /^\s*(<=|>=|==|!=|<|>)\s+(-?\d+)\s*$/.exec(text.slice(at + ' compare '.length));
    if (!m) throw new RuleParseError(`bad comparison "${text.slice(at + 9)}" in rule: ${rule}`);
    const op = OPS.find((o) => o === m[1]);
    if (!op) throw new RuleParseError(`unknown operator in rule: ${rule}`);
    return { negated, kind: 'numeric', pattern, op, value: Number(m[2]) };
  }
  return { negated, kind: 'literal', text };
}

export function parseContentTest(source: string, rule: string): ContentTest {
  if (source.length === 0) throw new RuleParseError(`empty test in rule: ${rule}`);
  return { source, minterms: source.split(AND).map((m) => parseMinterm(m, rule)) };
}

export function parseRule(source: string): ParsedRule {
  let rest = source.trim();
  let negated = false;
  if (/^not /i.test(rest)) {
    negated = true;
    rest = rest.slice(4).trimStart();
  }
  const m = /^([fdcpr]):/.exec(rest);
  if (!m) throw new RuleParseError(`unknown rule type (expected f:, d:, c:, p: or r:): ${source}`);
  const type = m[1] as RuleType;
  rest = rest.slice(2);
  const arrow = rest.indexOf(ARROW);
  const target = (arrow === -1 ? rest : rest.slice(0, arrow)).trim();
  if (target.length === 0) throw new RuleParseError(`empty target in rule: ${source}`);
  const tail = arrow === -1 ? undefined : rest.slice(arrow + ARROW.length);
  const rule: ParsedRule = { source, negated, type, target };
  if (tail === undefined) return rule;
  if (type === 'd') {
    const second = tail.indexOf(ARROW);
    const name = second === -1 ? tail : tail.slice(0, second);
    rule.fileName = name.startsWith('r:') ? { kind: 'regex', pattern: name.slice(2) } : { kind: 'literal', text: name };
    if (second !== -1) rule.test = parseContentTest(tail.slice(second + ARROW.length), source);
    return rule;
  }
  rule.test = parseContentTest(tail, source);
  return rule;
}
