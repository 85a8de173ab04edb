/**
 * A small, linear PHP lexer: enough to tell code from comments, inline HTML and string
 * literals. It never executes anything and keeps offsets identical to the input text.
 */

export type PhpQuote = "'" | '"' | '`' | 'heredoc' | 'nowdoc';

export interface PhpLiteral {
  /** Offset of the opening quote (or `<<<`). */
  start: number;
  /** Offset one past the closing quote / terminator. */
  end: number;
  quote: PhpQuote;
  /** Raw text between the delimiters. */
  raw: string;
  /** True when a double-quoted/heredoc body interpolates variables (`$name`, `{$…}`). */
  interpolates: boolean;
}

export interface PhpLexResult {
  /** Input with comments and inline HTML replaced by spaces (newlines kept). */
  code: string;
  /** Like `code`, but string-literal bodies are blanked too (quotes kept): for finding calls. */
  bare: string;
  literals: PhpLiteral[];
  /** Literal by start offset. */
  literalAt: Map<number, PhpLiteral>;
}

/** Ranges [from, to) to blank, in increasing order; consecutive ranges may touch. */
type Ranges = number[];

function blank(ranges: Ranges, from: number, to: number): void {
  if (to > from) ranges.push(from, to);
}

/** `text` with every character of the ranges except newlines replaced by a space (offsets unchanged). */
function applyBlanks(text: string, ranges: Ranges): string {
  if (ranges.length === 0) return text;
  const parts: string[] = [];
  let pos = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const from = ranges[r] ?? 0;
    const to = ranges[r + 1] ?? 0;
    parts.push(text.slice(pos, from), spaces(text, from, to));
    pos = to;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

function spaces(text: string, from: number, to: number): string {
  let out = '';
  let pos = from;
  for (let nl = text.indexOf('\n', from); nl >= 0 && nl < to; nl = text.indexOf('\n', nl + 1)) {
    out += ' '.repeat(nl - pos) + '\n';
    pos = nl + 1;
  }
  return out + ' '.repeat(to - pos);
}

const INTERPOLATION = /\$[A-Za-z_\x80-\xff{]|\{\$/;

export function lexPhp(text: string): PhpLexResult {
  const code: Ranges = [];
  const bare: Ranges = [];
  const literals: PhpLiteral[] = [];
  const n = text.length;
  // Fragments from decoded payloads have no open tag: treat them as code.
  let inPhp = !text.includes('<?');
  let i = 0;
  const addLiteral = (start: number, bodyFrom: number, bodyTo: number, end: number, quote: PhpQuote): void => {
    const raw = text.slice(bodyFrom, bodyTo);
    const interpolates = (quote === '"' || quote === 'heredoc' || quote === '`') && INTERPOLATION.test(raw);
    literals.push({ start, end, quote, raw, interpolates });
    blank(bare, bodyFrom, bodyTo);
  };
  while (i < n) {
    if (!inPhp) {
      const open = text.indexOf('<?', i);
      const stop = open < 0 ? n : open;
      blank(code, i, stop);
      blank(bare, i, stop);
      if (open < 0) break;
      i = open + 2;
      if (text.startsWith('php', i) || text.startsWith('PHP', i)) i += 3;
      else if (text[i] === '=') i += 1;
      inPhp = true;
      continue;
    }
    const c = text[i];
    if (c === '?' && text[i + 1] === '>') {
      inPhp = false;
      i += 2;
      continue;
    }
    if (c === '#' && text[i + 1] !== '[') {
      i = skipLineComment(text, code, bare, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      i = skipLineComment(text, code, bare, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(code, i, end);
      blank(bare, i, end);
      i = end;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j++;
        j++;
      }
      const end = Math.min(j + 1, n);
      addLiteral(i, i + 1, Math.min(j, n), end, c);
      i = end;
      continue;
    }
    if (c === '<' && text.startsWith('<<<', i)) {
      const m = /^<<<[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n/.exec(text.slice(i, i + 80));
      if (m) {
        const id = m[2] ?? '';
        const bodyFrom = i + m[0].length;
        const term = new RegExp(`\\n[ \\t]*${id}\\b`, 'g');
        term.lastIndex = bodyFrom - 1;
        const t = term.exec(text);
        const bodyTo = t ? t.index : n;
        const end = t ? t.index + t[0].length : n;
        addLiteral(i, bodyFrom, bodyTo, end, m[1] === "'" ? 'nowdoc' : 'heredoc');
        i = end;
        continue;
      }
    }
    i++;
  }
  const literalAt = new Map<number, PhpLiteral>();
  for (const l of literals) literalAt.set(l.start, l);
  return { code: applyBlanks(text, code), bare: applyBlanks(text, bare), literals, literalAt };
}

function skipLineComment(text: string, code: Ranges, bare: Ranges, from: number): number {
  let j = from;
  while (j < text.length && text[j] !== '\n' && !(text[j] === '?' && text[j + 1] === '>')) j++;
  blank(code, from, j);
  blank(bare, from, j);
  return j;
}

/** Value of a PHP literal's body, with escapes resolved as PHP would (no interpolation). */
export function literalValue(lit: PhpLiteral): string {
  if (lit.quote === "'") return lit.raw.replace(/\\([\\'])/g, '$1');
  if (lit.quote === 'nowdoc') return lit.raw;
  return unescapeDouble(lit.raw);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', v: '\v', e: '\x1b', f: '\f', '\\': '\\', $: '$', '"': '"',
};

export function unescapeDouble(raw: string): string {
  return raw.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|u\{[0-9A-Fa-f]+\}|.)/gs, (whole, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    if (e[0] === 'u' && e.length > 1) {
      const cp = parseInt(e.slice(2, -1), 16);
      return cp <= 0x10ffff ? Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1') : whole;
    }
    return SIMPLE_ESCAPES[e] ?? whole;
  });
}
