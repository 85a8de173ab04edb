/**
 * Translation of the regex dialects found in Wazuh SCA policies into JavaScript RegExp.
 *
 * Wazuh has three dialects, and a policy or check picks one with `regex_type`:
 *
 * - `pcre2` — what the current Wazuh SCA evaluator uses for every policy (compiled CASELESS and
 *   MULTILINE and applied line by line). The shipped CIS policies need it (`[\w@-]`, alternation,
 *   `\s*\t*`). It is our default. JS differs from PCRE2 in a few places, translated here:
 *     `\s` → `[\t\n\v\f\r ]` (PCRE2 without UCP is ASCII-only; JS `\s` also matches Unicode spaces),
 *     `\S` → its complement, `\h` → `[ \t]`, `\H` → `[^ \t]`, `\A` → `^`, `\Z`/`\z` → `$`
 *     (we always match one line), `\Q…\E` → escaped literal, `\e` → `\x1b`, `\x{HH}` → `\uHHHH`,
 *     `[[:alpha:]]`-style POSIX classes → explicit ranges, `(?P<n>` → `(?<n>`, `(?P=n)` → `\k<n>`,
 *     `(?#…)` comments dropped, a leading `(?i)` dropped (we are caseless anyway).
 *     `\d` and `\w` are ASCII in both. Constructs JS cannot express (atomic groups `(?>…)`,
 *     possessive quantifiers `*+ ++ ?+ }+`, recursion, `(?x)`, `\K`, `\G`) are REJECTED with an
 *     error (the rule becomes "not applicable") instead of being approximated.
 * - `osregex` (OS_Regex, Wazuh's legacy default): `\w` → `[A-Za-z0-9@_-]`, `\d` → `[0-9]`,
 *   `\s` → a single space ` `, `\t` → tab, `\p` → the punctuation set
 *   `()*+,-.:;<=>?[]!"'#$%&|{}`, `\W \D \S` → complements, `\.` → ANY character (not a literal
 *   dot!), `\$ \( \) \\ \| \<` → the literal character; `+` `*` repeat the previous atom; `^` `$`
 *   anchor; `|` separates alternative patterns; `(…)` captures. Every other character is literal,
 *   including `.` `[` `]` `?` `{` `}`. Caseless.
 * - `sregex` (OS_Match, used for literal file-name patterns of `d:` rules): plain substring
 *   match, `^` anchors at the start, `$` at the end, `|` separates alternatives. Caseless.
 */

export type RegexDialect = 'pcre2' | 'osregex' | 'sregex';

export class UnsupportedRegexError extends Error {
  override name = 'UnsupportedRegexError';
}

const S_CLASS = '\\t\\n\\v\\f\\r ';

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: S_CLASS,
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: 'A-Za-z0-9_',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function hexEscape(hex: string, where: string): string {
  const code = parseInt(hex, 16);
  if (!Number.isFinite(code) || code > 0xffff) throw new UnsupportedRegexError(`code point \\x{${hex}} in ${where}`);
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** PCRE2 pattern → JS source (flags are added by the caller). */
export function translatePcre2(pattern: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  const n = pattern.length;
  if (pattern.startsWith('(?i)')) i = 4;
  while (i < n) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const d = pattern[i + 1];
      if (d === undefined) throw new UnsupportedRegexError(`trailing backslash in /${pattern}/`);
      i += 2;
      switch (d) {
        case 's':
          out += inClass ? S_CLASS : `[${S_CLASS}]`;
          break;
        case 'S':
          if (inClass) throw new UnsupportedRegexError(`\\S inside a character class in /${pattern}/`);
          out += `[^${S_CLASS}]`;
          break;
        case 'h':
          out += inClass ? ' \\t' : '[ \\t]';
          break;
        case 'H':
          if (inClass) throw new UnsupportedRegexError(`\\H inside a character class in /${pattern}/`);
          out += '[^ \\t]';
          break;
        case 'A':
          out += '^';
          break;
        case 'Z':
        case 'z':
          out += '$';
          break;
        case 'e':
          out += '\\x1b';
          break;
        case 'Q': {
          const end = pattern.indexOf('\\E', i);
          const lit = end === -1 ? pattern.slice(i) : pattern.slice(i, end);
          out += escapeLiteral(lit);
          i = end === -1 ? n : end + 2;
          break;
        }
        case 'E':
          break;
        case 'x':
          if (pattern[i] === '{') {
            const end = pattern.indexOf('}', i);
            if (end === -1) throw new UnsupportedRegexError(`unterminated \\x{ in /${pattern}/`);
            out += hexEscape(pattern.slice(i + 1, end), `/${pattern}/`);
            i = end + 1;
          } else {
            out += '\\x';
          }
          break;
        case 'K':
        case 'G':
        case 'R':
        case 'X':
        case 'C':
          throw new UnsupportedRegexError(`\\${d} is not supported in /${pattern}/`);
        default:
          out += `\\${d}`;
      }
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const name = end === -1 ? '' : pattern.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (cls === undefined || negated) throw new UnsupportedRegexError(`POSIX class [:${name}:] in /${pattern}/`);
        out += cls;
        i = end + 2;
        continue;
      }
      if (c === '[') {
        out += '\\[';
        i += 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i += 1;
      // A ']' right after '[' or '[^' is a literal in PCRE; JS would close the class.
      if (pattern[i] === '^') {
        out += '^';
        i += 1;
      }
      if (pattern[i] === ']') {
        out += '\\]';
        i += 1;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      if (rest.startsWith('P=')) {
        const end = pattern.indexOf(')', i);
        out += `\\k<${pattern.slice(i + 4, end)}>`;
        i = end + 1;
        continue;
      }
      if (rest.startsWith('#')) {
        const end = pattern.indexOf(')', i);
        i = end === -1 ? n : end + 1;
        continue;
      }
      if (/^(?::|=|!|<=|<!|<[A-Za-z_])/.test(rest)) {
        out += '(?';
        i += 2;
        continue;
      }
      throw new UnsupportedRegexError(`group (?${rest.slice(0, 3)}… is not supported in /${pattern}/`);
    }
    if ((c === '+' || c === '}' || c === '*' || c === '?') && pattern[i + 1] === '+') {
      throw new UnsupportedRegexError(`possessive quantifier ${c}+ in /${pattern}/`);
    }
    out += c;
    i += 1;
  }
  if (inClass) throw new UnsupportedRegexError(`unterminated character class in /${pattern}/`);
  return out;
}

const OS_W = 'A-Za-z0-9@_\\-';
const OS_P = '()*+,\\-.:;<=>?\\[\\]!"\'#$%&|{}';

/** OS_Regex pattern → JS source. */
export function translateOsRegex(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const d = pattern[i + 1];
      i += 1;
      switch (d) {
        case 'w': out += `[${OS_W}]`; break;
        case 'W': out += `[^${OS_W}]`; break;
        case 'd': out += '[0-9]'; break;
        case 'D': out += '[^0-9]'; break;
        case 's': out += ' '; break;
        case 'S': out += '[^ ]'; break;
        case 't': out += '\\t'; break;
        case 'p': out += `[${OS_P}]`; break;
        case '.': out += '[\\s\\S]'; break;
        case '$': case '(': case ')': case '\\': case '|': case '<':
          out += escapeLiteral(d);
          break;
        default:
          throw new UnsupportedRegexError(`\\${d ?? ''} is not an OS_Regex escape in /${pattern}/`);
      }
      continue;
    }
    if (c === '^' || c === '$' || c === '|' || c === '(' || c === ')' || c === '+' || c === '*') {
      out += c;
      continue;
    }
    out += escapeLiteral(c);
  }
  return out;
}

/** OS_Match (sregex) pattern → JS source. */
export function translateSregex(pattern: string): string {
  return pattern
    .split('|')
    .map((alt) => {
      const start = alt.startsWith('^');
      const end = alt.endsWith('$') && alt.length > (start ? 1 : 0);
      const body = alt.slice(start ? 1 : 0, end ? -1 : undefined);
      return `${start ? '^' : ''}${escapeLiteral(body)}${end ? '$' : ''}`;
    })
    .join('|');
}

const cache = new Map<string, RegExp>();

/** Compiles a Wazuh pattern (without its `r:` prefix) to a caseless JS RegExp. Throws on bad input. */
export function compileWazuhRegex(pattern: string, dialect: RegexDialect): RegExp {
  const key = `${dialect}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const source =
    dialect === 'pcre2' ? translatePcre2(pattern) : dialect === 'osregex' ? translateOsRegex(pattern) : translateSregex(pattern);
  const re = new RegExp(source, 'i');
  if (cache.size > 5000) cache.clear();
  cache.set(key, re);
  return re;
}
