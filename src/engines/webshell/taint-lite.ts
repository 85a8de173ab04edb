import { callArgs, indexBrackets } from './php-syntax.js';
import type { RawHit, WebshellConfidence } from './types.js';

/**
 * Source → sink matching for the C-like server-page languages (JSP, ASP/ASPX): a variable
 * assigned from request data is tainted; a sink whose arguments mention a source or a tainted
 * variable is a hit. No scoping: over-approximation is fine because sinks are rare in pages.
 */
export interface TaintRules {
  source: RegExp;
  /** Matches a sink; the match must end just before the argument list (or at its `(`). */
  sinks: readonly { re: RegExp; ruleId: string; message: string; confidence: WebshellConfidence }[];
  caseInsensitive: boolean;
}

// Only the left side is matched, so one assignment's right side never hides the next one.
const JAVA_LIKE_ASSIGN = /(?:^|[;{}\s(,$])([A-Za-z_]\w*)\s*=(?![=>])/g;
const VB_ASSIGN = /(?:^|[\n:]\s*|\b(?:Dim|Set|Const)\s+)([A-Za-z_]\w*)\s*=(?!=)/gi;

function rhsAt(code: string, from: number, vb: boolean): string {
  const rest = code.slice(from, from + 600);
  const end = rest.search(vb ? /[\n:]|%>/ : /[;\n]|%>/);
  return end < 0 ? rest : rest.slice(0, end);
}

const MAX_METHODS = 200;

export function taintScan(code: string, rules: TaintRules): RawHit[] {
  const br = indexBrackets(code);
  const tainted = new Set<string>();
  const assignRe = rules.caseInsensitive ? VB_ASSIGN : JAVA_LIKE_ASSIGN;
  const isTainted = (s: string): boolean => {
    if (rules.source.test(s)) return true;
    for (const w of s.matchAll(/[A-Za-z_]\w*/g)) {
      if (tainted.has(rules.caseInsensitive ? w[0].toLowerCase() : w[0])) return true;
    }
    return false;
  };
  const assigns = [...code.matchAll(new RegExp(assignRe.source, assignRe.flags))].map((m) => ({
    name: rules.caseInsensitive ? (m[1] ?? '').toLowerCase() : m[1] ?? '',
    rhs: rhsAt(code, (m.index ?? 0) + m[0].length, rules.caseInsensitive),
  }));
  // Method parameters (Java/C#): a call with request data taints the matching parameter.
  const methods = new Map<string, string[]>();
  if (!rules.caseInsensitive) {
    for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(([^()]{0,300})\)\s*(?:throws\s+[\w.,\s]+)?\{/g)) {
      if (/^(?:if|for|while|switch|catch|synchronized)$/.test(m[1] ?? '')) continue;
      if (methods.size >= MAX_METHODS) break;
      methods.set(m[1] ?? '', (m[2] ?? '').split(',').map((p) => /([A-Za-z_]\w*)\s*$/.exec(p.trim())?.[1] ?? ''));
    }
  }
  for (let round = 0; round < 5; round++) {
    const before = tainted.size;
    for (const a of assigns) if (!tainted.has(a.name) && isTainted(a.rhs)) tainted.add(a.name);
    for (const [name, params] of methods) {
      for (const m of code.matchAll(new RegExp(`\\b${name}\\s*\\(`, 'g'))) {
        const call = callArgs(code, br, (m.index ?? 0) + m[0].length - 1, 4000);
        call?.args.forEach((arg, i) => {
          const p = params[i];
          if (p && !tainted.has(p) && isTainted(code.slice(arg.from, arg.to))) tainted.add(p);
        });
      }
    }
    if (tainted.size === before) break;
  }
  const hits: RawHit[] = [];
  for (const sink of rules.sinks) {
    for (const m of code.matchAll(new RegExp(sink.re.source, sink.re.flags.includes('g') ? sink.re.flags : `${sink.re.flags}g`))) {
      const at = m.index ?? 0;
      let end = at + m[0].length;
      const paren = /^\s*\(/.exec(code.slice(end, end + 8));
      if (paren) {
        const call = callArgs(code, br, end + paren[0].length - 1);
        end = call ? call.end : Math.min(code.length, end + 400);
      } else {
        const eol = code.slice(end).search(/[\n;:]|%>/);
        end = eol < 0 ? code.length : end + eol;
      }
      if (isTainted(code.slice(at + m[0].length, end))) {
        hits.push({ ruleId: sink.ruleId, confidence: sink.confidence, message: sink.message, offset: at, length: end - at });
      }
    }
  }
  return hits;
}

/** Replace comments with spaces (offsets kept). `styles` picks the comment syntaxes. */
export function blankComments(text: string, styles: readonly RegExp[]): string {
  let out = text;
  for (const re of styles) out = out.replace(re, (c) => c.replace(/[^\n]/g, ' '));
  return out;
}
