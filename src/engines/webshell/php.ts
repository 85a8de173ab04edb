import { printableRatio, unwrapBlob } from './decode.js';
import { spend, type DecodeBudget } from './budget.js';
import { lexPhp, literalValue, type PhpLexResult } from './php-lex.js';
import { evalConstExpr, type ConstValue, type EvalContext } from './php-eval.js';
import { callArgs, indexBrackets, statementEnd, trimSpan, type BracketIndex, type Span } from './php-syntax.js';
import {
  CALLBACK_SINKS, CMD_SINKS, CMS_CONFIG_NAMES, CODE_SINKS, DANGEROUS_NAMES, PHP_SOURCE, PHP_SUPERGLOBAL_CALL,
  SANITISED_RHS, SHELL_MARKERS, TRANSPARENT_FUNCS,
} from './php-rules.js';
import type { RawHit, WebshellConfidence } from './types.js';

const VAR = /\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)/g;
const LOOKS_LIKE_PHP = /<\?php|\beval\s*\(|\$_(?:GET|POST|REQUEST|COOKIE|SERVER)|\bfunction\s+\w+\s*\(|\b(?:system|passthru|shell_exec|base64_decode|gzinflate)\s*\(/i;

interface PhpState {
  text: string;
  lex: PhpLexResult;
  br: BracketIndex;
  vars: Map<string, ConstValue>;
  /** Variables whose value depends on request data in any way. */
  tainted: Set<string>;
  /** Variables that hold request data passed only through transparent functions (attacker-chosen). */
  strong: Set<string>;
  /** Variables named by this file's own HTML form fields and never assigned (register_globals). */
  formVars: Set<string>;
  /** Variables named by form fields that the page also assigns (maybe from the request). */
  assignedFormVars: Set<string>;
  /** Variables read but never assigned, not parameters (register_globals era shells). */
  unassigned: Set<string>;
  /** `extract($_REQUEST)` and friends: every variable may be attacker-chosen. */
  taintAll: boolean;
  assigned: Set<string>;
  hits: RawHit[];
  budget: DecodeBudget;
  depth: number;
  maxOut: number;
}

/** Analyse PHP source (or a decoded PHP fragment). Offsets in hits are into `text`. */
export function analyzePhp(
  text: string,
  budget: DecodeBudget,
  depth = 0,
  outerVars?: ReadonlyMap<string, ConstValue>,
): RawHit[] {
  const lex = lexPhp(text);
  const st: PhpState = {
    text, lex, br: indexBrackets(lex.bare), vars: new Map(outerVars ?? []), tainted: new Set(), strong: new Set(), formVars: new Set(),
    assignedFormVars: new Set(), unassigned: new Set(), taintAll: false, assigned: new Set(),
    hits: [], budget, depth, maxOut: Math.min(budget.remainingBytes, 2 * 1024 * 1024),
  };
  collectAssignments(st);
  propagateTaint(st);
  scanSinkCalls(st);
  scanIncludes(st);
  scanVariableCalls(st);
  scanBackticks(st);
  scanObfuscatedNames(st);
  scanDecoderCalls(st);
  scanBlobs(st);
  scanFileOps(st);
  scanMisc(st);
  return st.hits;
}

function hit(st: PhpState, ruleId: string, confidence: WebshellConfidence, message: string, span: Span, layers?: string[]): void {
  st.hits.push({ ruleId, confidence, message, offset: span.from, length: span.to - span.from, ...(layers ? { decodedLayers: layers } : {}) });
}

function ctxOf(st: PhpState): EvalContext {
  return { lex: st.lex, vars: st.vars, maxOut: st.maxOut };
}

/** Does this code text carry request data (directly or through a tainted variable)? */
function isTainted(st: PhpState, code: string): boolean {
  if (PHP_SOURCE.test(code)) return true;
  if (st.tainted.size === 0) return false;
  for (const m of code.matchAll(VAR)) {
    if (st.tainted.has(m[1] ?? '')) return true;
  }
  return false;
}

/** Blank the contents of `[...]` that mention a variable: `$map[$key]` is not chosen by `$key`. */
function dropVariableIndexes(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i] ?? '';
    if (c !== '[') {
      out += c;
      i++;
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < code.length; j++) {
      if (code[j] === '[') depth++;
      else if (code[j] === ']' && --depth === 0) break;
    }
    const inner = code.slice(i, j + 1);
    out += inner.includes('$') ? '[]' : inner;
    i = j + 1;
  }
  return out;
}

/** A whole expression that is request data (not a path or pattern merely built from it). */
function isDirectRequest(st: PhpState, expr: string): boolean {
  const e = expr.trim().replace(/^[@(\s]+|[)\s]+$/g, '');
  if (/['"]\s*\.|\.\s*['"]|preg_quote|basename|realpath/.test(e)) return false;
  return isStrongCallee(st, e);
}

/** Request data that reaches `code` unchanged enough to be attacker-chosen. */
function isStrong(st: PhpState, raw: string): boolean {
  const code = dropVariableIndexes(raw);
  if (PHP_SOURCE.test(code)) return true;
  for (const m of code.matchAll(VAR)) {
    if (st.strong.has(m[1] ?? '')) return true;
  }
  return false;
}

/** Is this callee expression (`$f`, `$_POST['f']`, `$map[$key]`) chosen by the request? */
function isStrongCallee(st: PhpState, expr: string): boolean {
  const e = expr.replace(/^[\s@(]+/, '');
  if (/^\$_(?:GET|POST|REQUEST|COOKIE|SERVER)\b|^\$HTTP_\w+_VARS|^getallheaders|^apache_request_headers/i.test(e)) return true;
  if (/^(?:static\s+)?(?:function|fn)\b/i.test(e)) return false;
  let stripped = e;
  for (let i = 0; i < 4; i++) stripped = stripped.replace(/\[[^[\]]*\]/g, '[]');
  return isStrong(st, stripped);
}

/** register_globals: 'high' for variables named by the page's own form, 'medium' for other unset ones. */
function globalsTaint(st: PhpState, code: string): 'high' | 'medium' | undefined {
  let best: 'high' | 'medium' | undefined;
  for (const m of code.matchAll(VAR)) {
    const name = m[1] ?? '';
    if (st.formVars.has(name)) return 'high';
    if (st.unassigned.has(name) || st.assignedFormVars.has(name)) best = 'medium';
  }
  return best;
}

function rhsIsTransparent(rhs: string): boolean {
  for (const m of rhs.matchAll(/(?<![\w$>:])([A-Za-z_]\w*)\s*\(/g)) {
    if (!TRANSPARENT_FUNCS.has((m[1] ?? '').toLowerCase())) return false;
  }
  return true;
}

const ASSIGN = /\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)\s*(?:(?:\[[^\]\n]{0,100}\]|\{[^}\n]{0,100}\})\s*)*(\.=|=)(?![=>])/g;

interface Assignment {
  name: string;
  rhs: Span;
  /** `$x = …` (not `$x[k] = …` or `$x .= …`): only these make the whole value attacker-chosen. */
  whole: boolean;
}

function assignments(st: PhpState): Assignment[] {
  const out: Assignment[] = [];
  const { bare } = st.lex;
  for (const m of bare.matchAll(ASSIGN)) {
    const from = (m.index ?? 0) + m[0].length;
    out.push({ name: m[1] ?? '', rhs: { from, to: statementEnd(st.br, from) }, whole: m[2] === '=' && !/[[{]/.test(m[0]) });
  }
  return out;
}

function collectAssignments(st: PhpState): void {
  const { bare, code } = st.lex;
  const unstable = new Set<string>();
  for (const a of assignments(st)) {
    const seen = st.assigned.has(a.name);
    st.assigned.add(a.name);
    const rhs = trimSpan(code, a.rhs);
    const v = a.whole ? evalConstExpr(ctxOf(st), rhs.from, rhs.to) : undefined;
    const prev = st.vars.get(a.name);
    if (!v || !a.whole || (seen && prev?.value !== v.value)) unstable.add(a.name);
    if (v && spend(st.budget, v.decoders.length > 0 ? v.value.length : 0)) st.vars.set(a.name, v);
    // PHP < 8 treats a bare identifier as a string: `$f = passthru;`
    const bareName = /^\s*([A-Za-z_]\w*)\s*$/.exec(code.slice(rhs.from, rhs.to))?.[1];
    if (!v && bareName && DANGEROUS_NAMES.has(bareName.toLowerCase())) st.vars.set(a.name, { value: bareName, decoders: [], pieces: 1 });
  }
  // A variable assigned different values (or appended to) has no single known value.
  for (const name of unstable) {
    const v = st.vars.get(name);
    if (v && !DANGEROUS_NAMES.has(v.value.toLowerCase().trim())) st.vars.delete(name);
  }
  collectGlobals(st);
  if (/\b(?:extract|parse_str|import_request_variables|mb_parse_str)\s*\(\s*(?:\$_(?:GET|POST|REQUEST|COOKIE|SERVER)|\$HTTP_\w+_VARS)\s*[,)]/i.test(bare + code)) {
    st.taintAll = true;
  }
}

function propagateTaint(st: PhpState): void {
  const { bare, code } = st.lex;
  const list = assignments(st);
  const fnDefs = new Map<string, string[]>();
  for (const m of bare.matchAll(/\bfunction\s+&?\s*([A-Za-z_\x80-\xff][\w\x80-\xff]*)\s*\(([^)]{0,500})\)/gi)) {
    const params = (m[2] ?? '').split(',').map((p) => /\$([\w\x80-\xff]+)/.exec(p)?.[1] ?? '');
    fnDefs.set((m[1] ?? '').toLowerCase(), params);
  }
  // Loops and calls of the page's own functions do not change between rounds: find them once.
  const loops = [...bare.matchAll(/\bforeach\s*\(([^;]{1,300}?)\bas\s+\$([\w\x80-\xff]+)(?:\s*=>\s*\$([\w\x80-\xff]+))?/gi)];
  const calls: Array<{ params: string[]; args: Span[] }> = [];
  if (fnDefs.size > 0) {
    for (const m of bare.matchAll(/(?<![\w$\x80-\xff])([A-Za-z_\x80-\xff][\w\x80-\xff]*)\s*\(/g)) {
      const params = fnDefs.get((m[1] ?? '').toLowerCase());
      if (!params) continue;
      const pre = bare.slice(Math.max(0, (m.index ?? 0) - 12), m.index ?? 0);
      if (/function\s*&?\s*$/i.test(pre)) continue;
      const call = callArgs(bare, st.br, (m.index ?? 0) + m[0].length - 1);
      if (call) calls.push({ params, args: call.args });
    }
  }
  for (let round = 0; round < 6; round++) {
    const before = st.tainted.size;
    for (const a of list) {
      if (st.tainted.has(a.name)) continue;
      const rhsText = code.slice(a.rhs.from, a.rhs.to);
      if (SANITISED_RHS.test(rhsText)) continue;
      if (isTainted(st, rhsText)) st.tainted.add(a.name);
    }
    for (const a of list) {
      if (!a.whole || st.strong.has(a.name) || !st.tainted.has(a.name)) continue;
      const rhsText = code.slice(a.rhs.from, a.rhs.to);
      if (isStrong(st, rhsText) && rhsIsTransparent(rhsText)) st.strong.add(a.name);
    }
    for (const m of loops) {
      if (!isTainted(st, code.slice(m.index ?? 0, (m.index ?? 0) + (m[1] ?? '').length + 9))) continue;
      st.tainted.add(m[2] ?? '');
      if (m[3]) st.tainted.add(m[3]);
      if (isStrong(st, m[1] ?? '')) {
        st.strong.add(m[2] ?? '');
        if (m[3]) st.strong.add(m[3]);
      }
    }
    for (const { params, args } of calls) {
      args.forEach((arg, i) => {
        const p = params[i];
        const argText = code.slice(arg.from, arg.to);
        if (p && !st.tainted.has(p) && isTainted(st, argText)) st.tainted.add(p);
        if (p && !st.strong.has(p) && isStrong(st, argText) && rhsIsTransparent(argText)) st.strong.add(p);
      });
    }
    if (st.tainted.size === before && round > 0) break;
  }
  st.tainted.delete('this');
  st.strong.delete('this');
}

const SINK_ARG_LIMIT = 1 << 20;
const CALL = /(?<![\w$\x80-\xff>:\\])([A-Za-z_][\w]*)\s*\(/g;

function scanSinkCalls(st: PhpState): void {
  const { bare, code } = st.lex;
  for (const m of bare.matchAll(CALL)) {
    const name = (m[1] ?? '').toLowerCase();
    const isCode = CODE_SINKS.has(name);
    const isCmd = CMD_SINKS.has(name);
    const cbIndex = CALLBACK_SINKS.get(name);
    const isInclude = /^(?:include|require)(?:_once)?$/.test(name);
    if (!isCode && !isCmd && cbIndex === undefined && name !== 'preg_replace' && !isInclude) continue;
    const at = m.index ?? 0;
    if (/(?:function|new|->|::)\s*&?\s*$/i.test(bare.slice(Math.max(0, at - 12), at))) continue;
    const call = callArgs(bare, st.br, at + m[0].length - 1, SINK_ARG_LIMIT);
    if (!call || call.args.length === 0) continue;
    const span: Span = { from: at, to: call.end };
    const allArgs = code.slice(call.args[0]?.from ?? at, call.end - 1);
    const arg0 = trimSpan(code, call.args[0] ?? { from: at, to: at });
    if (isCode || isCmd) {
      const kind = isCode ? 'code' : 'cmd';
      // Only the command/code argument matters: exec($cmd, $out) writes to $out.
      const payload = name === 'create_function' ? allArgs : code.slice(arg0.from, arg0.to);
      // assert(expression) is a check, not code-from-a-string: only a bare string/variable argument runs code.
      if (name === 'assert' && !/^\$[\w\x80-\xff]+(?:\s*\[[^\]]*\])*$|^['"]|^(?:base64_decode|gzinflate|str_rot13|gzuncompress|strrev)\s*\(/i.test(payload.trim())) continue;
      if (isTainted(st, payload)) {
        hit(st, `php.${kind}-exec-request`, 'high', `${name}() runs ${kind === 'code' ? 'PHP code' : 'an OS command'} built from request data`, span);
        continue;
      }
      const v = name === 'create_function' ? evalArg(st, call.args[1]) : evalConstExpr(ctxOf(st), arg0.from, arg0.to);
      const escaped = v !== undefined && v.decoders.length === 0 && st.lex.literals.some((l) => l.start >= arg0.from && l.end <= arg0.to && /\\(?:x[0-9A-Fa-f]|[0-7]{2})/.test(l.raw));
      if (v && (v.decoders.length > 0 || (escaped && LOOKS_LIKE_PHP.test(v.value)))) {
        const layers = v.decoders.length > 0 ? v.decoders : ['php-escape'];
        hit(st, `php.${kind}-exec-encoded`, 'high', `${name}() runs an encoded payload`, span, layers);
        rescan(st, v.value, span, layers);
        continue;
      }
      if (v) {
        if (isCode && v.pieces > 1) rescan(st, v.value, span, []);
        continue;
      }
      const rg = globalsTaint(st, payload);
      if (rg) {
        hit(st, `php.${kind}-exec-request`, rg, `${name}() runs ${kind === 'code' ? 'PHP code' : 'an OS command'} from a register_globals variable`, span);
        continue;
      }
      const argText = code.slice(arg0.from, arg0.to);
      if (/\b(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|convert_uudecode)\s*\(/i.test(argText)) {
        hit(st, `php.${kind}-exec-decoded`, isCode ? 'high' : 'medium', `${name}() runs data decoded at run time`, span);
      } else if (isCode && name !== 'assert') {
        hit(st, 'php.dynamic-eval', 'low', `${name}() runs a computed string`, span);
      } else if (isCmd) {
        hit(st, 'php.cmd-exec-dynamic', 'low', `${name}() runs a computed command`, span);
      }
      continue;
    }
    if (isInclude) continue;
    if (name === 'preg_replace') {
      const pat = evalConstExpr(ctxOf(st), arg0.from, arg0.to);
      const mods = pat ? /([a-zA-Z]*)\s*$/.exec(pat.value.slice(pat.value.lastIndexOf(pat.value[0] ?? '/') + 1))?.[1] ?? '' : '';
      if (pat && pat.value.length > 1 && mods.includes('e')) {
        hit(st, 'php.preg-replace-eval', 'high', 'preg_replace() with the /e modifier evaluates the replacement as PHP', span);
        const repl = evalArg(st, call.args[1]);
        if (repl) rescan(st, repl.value, span, [...repl.decoders]);
      } else if (!pat && isDirectRequest(st, code.slice(arg0.from, arg0.to))) {
        hit(st, 'php.preg-replace-request-pattern', 'high', 'preg_replace() pattern comes from request data (modifier injection)', span);
      }
      continue;
    }
    if (cbIndex !== undefined) {
      const cbSpan = call.args[cbIndex < 0 ? call.args.length - 1 : cbIndex];
      if (!cbSpan) continue;
      const cb = trimSpan(code, cbSpan);
      const cbText = code.slice(cb.from, cb.to);
      if (isStrongCallee(st, cbText)) {
        hit(st, 'php.callback-request', 'high', `${name}() calls a function named by request data`, span);
        continue;
      }
      const v = evalConstExpr(ctxOf(st), cb.from, cb.to);
      if (v && DANGEROUS_NAMES.has(v.value.toLowerCase().trim()) && /^(?:assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|create_function)$/i.test(v.value.trim())) {
        const tainted = isTainted(st, allArgs);
        hit(st, 'php.dangerous-callback', tainted || v.pieces > 1 ? 'high' : 'medium', `${name}() uses ${v.value.trim()}() as a callback`, span);
      }
    }
  }
}

function evalArg(st: PhpState, arg: Span | undefined): ConstValue | undefined {
  if (!arg) return undefined;
  const s = trimSpan(st.lex.code, arg);
  return evalConstExpr(ctxOf(st), s.from, s.to);
}

/** Re-examine a decoded payload as PHP; its hits are reported at the outer expression. */
function rescan(st: PhpState, decoded: string, at: Span, layers: readonly string[]): void {
  if (st.depth + 1 > st.budget.maxDepth || decoded.length < 4) return;
  if (!spend(st.budget, decoded.length)) return;
  const inner = analyzePhp(decoded, st.budget, st.depth + 1, st.vars);
  for (const h of inner) {
    st.hits.push({
      ...h,
      offset: at.from,
      length: at.to - at.from,
      decodedLayers: [...layers, ...(h.decodedLayers ?? [])],
    });
  }
}

const VARIABLE_CALL = /\$([A-Za-z_\x80-\xff][\w\x80-\xff]*)((?:\s*(?:\[[^\]\n]{0,80}\]|\{[^}\n]{0,80}\}))*)\s*\(/g;

function scanVariableCalls(st: PhpState): void {
  const { bare, code } = st.lex;
  for (const m of bare.matchAll(VARIABLE_CALL)) {
    const at = m.index ?? 0;
    if (/(?:->|::|\bnew\s+|\bfunction\s*&?\s*)$/i.test(bare.slice(Math.max(0, at - 12), at))) continue;
    const name = m[1] ?? '';
    const span: Span = { from: at, to: at + m[0].length };
    const call = callArgs(bare, st.br, at + m[0].length - 1);
    if (call) span.to = call.end;
    const index = code.slice(at + 1 + name.length, at + m[0].length - 1);
    if (PHP_SUPERGLOBAL_CALL.test(name) || /\bgetallheaders\b/.test(index)) {
      hit(st, 'php.variable-function-request', 'high', 'calls a function whose name is taken from the request', span);
    } else if (st.strong.has(name) || st.formVars.has(name) || (st.taintAll && !st.assigned.has(name) && name !== 'this')) {
      hit(st, 'php.variable-function-request', 'high', `calls $${name}(), a function name that comes from request data`, span);
    } else {
      const v = st.vars.get(name);
      if (v && DANGEROUS_NAMES.has(v.value.toLowerCase().trim())) {
        hit(st, 'php.variable-function-dangerous', 'high', `calls $${name}() which holds ${v.value.trim()}()`, span);
      } else if (call && call.args.length > 0 && isStrong(st, code.slice(call.args[0]?.from ?? 0, call.end)) && st.unassigned.has(name)) {
        hit(st, 'php.variable-function-request', 'medium', `calls $${name}(), an unset variable, on request data`, span);
      }
    }
  }
}

function scanBackticks(st: PhpState): void {
  for (const lit of st.lex.literals) {
    if (lit.quote !== '`') continue;
    const span = { from: lit.start, to: lit.end };
    if (isTainted(st, lit.raw)) hit(st, 'php.cmd-exec-request', 'high', 'backtick operator runs a command built from request data', span);
    else if (lit.interpolates) hit(st, 'php.cmd-exec-dynamic', 'low', 'backtick operator runs a computed command', span);
  }
}

/** Function names assembled from pieces ('ev'.'al', chr(), strrev('tressa')). */
function scanObfuscatedNames(st: PhpState): void {
  const { bare } = st.lex;
  const spans: Span[] = [];
  for (let i = 0; i < st.lex.literals.length; i++) {
    const first = st.lex.literals[i];
    if (!first || first.quote === '`') continue;
    const prev = bare.slice(Math.max(0, first.start - 8), first.start);
    if (/\.\s*$/.test(prev)) continue;
    const after = bare.slice(first.end, first.end + 8);
    if (!/^\s*\./.test(after)) continue;
    spans.push({ from: first.start, to: statementEnd(st.br, first.start, 4000) });
  }
  for (const m of bare.matchAll(/(?<![\w.]\s*)\bchr\s*\(/gi)) {
    const at = m.index ?? 0;
    if (!/\.\s*$/.test(bare.slice(Math.max(0, at - 8), at))) spans.push({ from: at, to: statementEnd(st.br, at, 4000) });
  }
  for (const s of spans) {
    const end = chainEnd(bare, s);
    const v = evalConstExpr(ctxOf(st), s.from, end);
    if (!v || v.pieces < 2) continue;
    const val = v.value.toLowerCase().trim();
    if (DANGEROUS_NAMES.has(val)) {
      hit(st, 'php.obfuscated-function-name', 'high', `builds the name ${val}() from pieces`, { from: s.from, to: end });
    } else if (v.value.length > 24 && LOOKS_LIKE_PHP.test(v.value)) {
      rescan(st, v.value, { from: s.from, to: end }, ['concat']);
    }
  }
}

/** End of a `'a'.'b'.chr(1)` chain starting at s.from (bare view). */
function chainEnd(bare: string, s: Span): number {
  let i = s.from;
  for (;;) {
    const rest = bare.slice(i, Math.min(s.to, i + 4000));
    const m = /^\s*(?:'[^']*'|"[^"]*"|chr\s*\(\s*\w+\s*\))/i.exec(rest);
    if (!m) return i;
    i += m[0].length;
    const dot = /^\s*\.(?!=)/.exec(bare.slice(i, i + 16));
    if (!dot) return i;
    i += dot[0].length;
  }
}

const DECODER_CALL = /(?<![\w$>:])(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|convert_uudecode|rawurldecode|urldecode|pack)\s*\(/gi;

/** Decoder calls with constant input anywhere (not only inside sinks): decode and re-examine. */
function scanDecoderCalls(st: PhpState): void {
  const { bare } = st.lex;
  for (const m of bare.matchAll(DECODER_CALL)) {
    const at = m.index ?? 0;
    const call = callArgs(bare, st.br, at + m[0].length - 1);
    if (!call) continue;
    const v = evalConstExpr(ctxOf(st), at, call.end);
    if (!v) continue;
    const span = { from: at, to: call.end };
    const val = v.value.toLowerCase().trim();
    if (DANGEROUS_NAMES.has(val) && val !== 'base64_decode') {
      hit(st, 'php.obfuscated-function-name', 'high', `decodes the name ${val}() at run time`, span, v.decoders);
    } else if (v.value.length > 24 && printableRatio(v.value) > 0.9 && LOOKS_LIKE_PHP.test(v.value)) {
      rescan(st, v.value, span, v.decoders);
    }
  }
}

/** Long base64 literals and `\x`-escaped literals that hide PHP code. */
function scanBlobs(st: PhpState): void {
  for (const lit of st.lex.literals) {
    if (lit.quote === '`' || lit.raw.length < 24) continue;
    const span = { from: lit.start, to: lit.end };
    if (lit.raw.length >= 200 && /^[A-Za-z0-9+/=\s]+$/.test(lit.raw)) {
      if (!spend(st.budget, 0)) return;
      const u = unwrapBlob(lit.raw, st.maxOut);
      if (u && LOOKS_LIKE_PHP.test(u.text)) {
        const before = st.hits.length;
        rescan(st, u.text, span, u.layers);
        if (st.hits.length === before) hit(st, 'php.encoded-php-blob', 'medium', 'string literal hides encoded PHP code', span, u.layers);
      }
      continue;
    }
    const escapes = (lit.raw.match(/\\x[0-9A-Fa-f]{2}|\\[0-7]{3}/g) ?? []).length;
    if ((lit.quote === '"' || lit.quote === 'heredoc') && escapes >= 8 && escapes * 3 >= lit.raw.length / 2) {
      const v = literalValue(lit);
      if (LOOKS_LIKE_PHP.test(v)) {
        hit(st, 'php.escaped-code', 'medium', 'escaped string literal hides PHP code', span, ['php-escape']);
        rescan(st, v, span, ['php-escape']);
      }
    }
  }
}

function scanMisc(st: PhpState): void {
  const { code, bare } = st.lex;
  for (const m of code.matchAll(/\b(?:md5|sha1)\s*\(\s*\$_(?:GET|POST|REQUEST|COOKIE|SERVER)\s*\[[^\]]{1,60}\]\s*\)\s*[!=]==?\s*['"][0-9a-fA-F]{32,40}['"]/gi)) {
    hit(st, 'php.hash-gated-backdoor', 'medium', 'request parameter compared to a hard-coded hash (password gate)', { from: m.index ?? 0, to: (m.index ?? 0) + m[0].length });
  }
  if (st.depth > 0) return;
  scanDroppers(st);
  const runners = new Set(st.hits.filter((h) => h.ruleId === 'php.cmd-exec-dynamic').map((h) => st.text.slice(h.offset, h.offset + 12).replace(/\s*\(.*$/s, '').toLowerCase()));
  if (runners.size >= 2 && (PHP_SOURCE.test(code) || st.formVars.size > 0)) {
    const first = st.hits.find((h) => h.ruleId === 'php.cmd-exec-dynamic');
    if (first) hit(st, 'php.command-runner', 'medium', `runs computed commands through ${[...runners].join(', ')} in a page that reads request data`, { from: first.offset, to: first.offset + first.length });
  }
  if (/\b(?:fsockopen|socket_create|stream_socket_client)\s*\(/i.test(bare) && /\b(?:proc_open|popen|shell_exec|passthru|system|exec)\s*\(/i.test(bare) && /\/bin\/(?:ba)?sh\b|cmd\.exe/i.test(code)) {
    const at = bare.search(/\b(?:fsockopen|socket_create|stream_socket_client)\s*\(/i);
    hit(st, 'php.reverse-shell', 'high', 'opens a socket and attaches a shell to it', { from: at, to: at + 12 });
  }
  const configs = new Set((code.match(CMS_CONFIG_NAMES) ?? []).map((c) => c.toLowerCase()));
  if (/\/home\/|public_html/.test(code) && configs.size >= 2 && /\b(?:symlink|readfile|file_get_contents|fopen|copy|file)\s*\(/i.test(bare) && /public_html/.test(code)) {
    const at = code.search(/public_html/);
    hit(st, 'php.config-harvester', 'high', `harvests other sites' config files (${[...configs].slice(0, 3).join(', ')})`, { from: at, to: at + 11 });
  }
  const table = /(?:\$[\w\x80-\xff]+(?:\[\s*'[^'\]]{0,20}'\s*\])?\[\d{1,3}\]\s*\.\s*){8,}/.exec(bare);
  if (table) {
    hit(st, 'php.char-table-obfuscation', 'medium', 'builds names character by character from a lookup table', { from: table.index, to: table.index + Math.min(table[0].length, 120) });
  }
  // `$_[` / `$__` once whitespace is removed; the regex on `bare` spares building `compact` in most files.
  const compact = /\$\s*_\s*[[_]/.test(bare) ? bare.replace(/\s+/g, '') : '';
  if (compact.length >= 80 && /\$_\[|\$__/.test(compact)) {
    const alnum = (compact.match(/[A-Za-z0-9]/g) ?? []).length;
    if (alnum / compact.length < 0.1) {
      const at = bare.search(/\$_/);
      hit(st, 'php.non-alphanumeric-code', 'high', 'code written without letters or digits (non-alphanumeric obfuscation)', { from: at, to: at + 40 });
    }
  }
  // A dangerous name stored reversed, in a file that mentions strrev (even inside a string split at
  // run time, where no constant evaluation reaches): the name is hidden by reversal.
  const reversed = /strrev/i.test(st.text) ? REVERSED_NAMES.exec(st.text) : null;
  if (reversed) {
    const name = [...reversed[0].toLowerCase()].reverse().join('');
    hit(st, 'php.reversed-function-name', 'medium', `hides the name ${name}() reversed, next to strrev`, { from: reversed.index, to: reversed.index + reversed[0].length });
  }
  // One pass decides whether any marker occurs. Of all non-ASCII characters only the Kelvin sign
  // lower-cases to a lone ASCII letter (İ gives i + a combining dot), so /i plus that check loses nothing.
  const lower = ANY_SHELL_MARKER.test(st.text) || st.text.includes('\u212a') ? st.text.toLowerCase() : '';
  for (const marker of lower ? SHELL_MARKERS : []) {
    const at = lower.indexOf(marker);
    if (at >= 0) {
      hit(st, 'php.shell-marker', 'low', `contains the web-shell marker "${marker}"`, { from: at, to: at + marker.length });
    }
  }
  const weird = bare.match(/(?:\$|function\s+|define\s*\(\s*')[\x80-\xff][\w\x80-\xff]{2,}/g) ?? [];
  if (weird.length >= 8) {
    const at = bare.search(/(?:\$|function\s+|define\s*\(\s*')[\x80-\xff]/);
    hit(st, 'php.non-ascii-identifiers', 'medium', `${weird.length} identifiers made of non-ASCII bytes (obfuscator output)`, { from: at, to: at + 16 });
  }
}

const ANY_SHELL_MARKER = new RegExp(SHELL_MARKERS.map((m) => m.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')).join('|'), 'i');

/** Dangerous function names written backwards (create_function, system, passthru, shell_exec, assert, base64_decode, gzinflate, proc_open). */
const REVERSED_NAMES = /noitcnuf_etaerc|metsys|urhtssap|cexe_llehs|tressa|edoced_46esab|etalfnizg|nepo_corp/i;

const NOT_REQUEST_VARS = new Set(['this', 'GLOBALS', '_SERVER', '_GET', '_POST', '_REQUEST', '_COOKIE', '_FILES', '_ENV', '_SESSION', 'argv', 'argc', 'php_errormsg', 'http_response_header']);

/** register_globals view: form-field names of this page and variables that are read but never set. */
function collectGlobals(st: PhpState): void {
  const { code, bare } = st.lex;
  const declared = new Set(st.assigned);
  const addList = (list: string | undefined): void => {
    for (const m of (list ?? '').matchAll(VAR)) declared.add(m[1] ?? '');
  };
  for (const m of bare.matchAll(/\b(?:function|fn)\b[^(]{0,80}\(([^)]{0,500})\)/gi)) addList(m[1]);
  for (const m of bare.matchAll(/\buse\s*\(([^)]{0,300})\)/gi)) addList(m[1]);
  for (const m of bare.matchAll(/\b(?:global|static)\s+([^;]{1,300});/gi)) addList(m[1]);
  for (const m of bare.matchAll(/\bas\s+(\$[^)]{1,120})\)/gi)) addList(m[1]);
  for (const m of bare.matchAll(/\bcatch\s*\(([^)]{0,200})\)/gi)) addList(m[1]);
  for (const m of bare.matchAll(/(?:\blist\s*\(|\[)([^\]);]{0,300})[\])]\s*=(?!=)/gi)) addList(m[1]);
  for (const m of bare.matchAll(/&\s*\$([\w\x80-\xff]+)/g)) declared.add(m[1] ?? '');
  const formNames = new Set<string>();
  for (const m of st.text.matchAll(/<(?:input|textarea|select)\b[^>]{0,300}?\bname\s*=\s*\\?["']?([A-Za-z_]\w*)/gi)) formNames.add(m[1] ?? '');
  for (const m of code.matchAll(VAR)) {
    const name = m[1] ?? '';
    if (NOT_REQUEST_VARS.has(name)) continue;
    if (formNames.has(name)) {
      if (declared.has(name)) st.assignedFormVars.add(name);
      else st.formVars.add(name);
    } else if (!declared.has(name)) st.unassigned.add(name);
  }
}

const WRITE_MODE = /^['"]\s*[waxc]/;

/** Uploaders, file writers and filesystem-wrapper tricks. */
function scanFileOps(st: PhpState): void {
  const { bare, code } = st.lex;
  const userPath = (t: string): boolean => isStrong(st, t) || globalsTaint(st, t) === 'high';
  const writers: Span[] = [];
  for (const m of bare.matchAll(/(?<![\w$>:])(move_uploaded_file|copy|file_put_contents|fopen|fwrite|fputs)\s*\(/gi)) {
    const at = m.index ?? 0;
    const call = callArgs(bare, st.br, at + m[0].length - 1, SINK_ARG_LIMIT);
    if (!call) continue;
    const [a0, a1] = call.args.map((a) => code.slice(a.from, a.to));
    const span = { from: at, to: call.end };
    const fn = (m[1] ?? '').toLowerCase();
    if (fn === 'move_uploaded_file' || fn === 'copy') {
      const dest = call.args[1] ? evalArg(st, call.args[1]) : undefined;
      const fromUpload = /\$_FILES|\$HTTP_POST_FILES/.test(a0 ?? '') || globalsTaint(st, a0 ?? '') !== undefined;
      if (dest && /\.(?:php\d?|phtml|pht|phar|jsp|aspx?)\s*$/i.test(dest.value) && (fn === 'move_uploaded_file' || fromUpload)) {
        hit(st, 'php.upload-to-script', 'high', `${fn}() stores an upload as the script ${dest.value}`, span);
      } else if (fromUpload && a1 !== undefined && userPath(a1)) {
        hit(st, 'php.upload-request-path', 'medium', `${fn}() stores an upload under a name chosen by the request`, span);
      }
      continue;
    }
    if (fn === 'file_put_contents') {
      if (a0 !== undefined && a1 !== undefined && userPath(a0) && userPath(a1)) {
        hit(st, 'php.file-write-request', 'medium', 'writes request data to a file named by the request', span);
      }
      continue;
    }
    if (fn === 'fopen') {
      if (a0 !== undefined && a1 !== undefined && WRITE_MODE.test(a1.trim()) && userPath(a0)) writers.push(span);
      continue;
    }
    if (writers.length > 0 && a1 !== undefined && userPath(a1)) {
      hit(st, 'php.file-write-request', 'medium', 'writes request data to a file named by the request', writers[0] ?? span);
    }
  }
  for (const m of code.matchAll(/(['"])(?:compress\.zlib|file:file):\/\/[^'"\n]{0,40}\1\s*\.\s*\$/gi)) {
    hit(st, 'php.wrapper-bypass', 'high', 'stream-wrapper trick to read files past safe_mode/open_basedir', { from: m.index ?? 0, to: (m.index ?? 0) + m[0].length });
  }
}

const EMBEDDED_BACKDOOR = /\b(?:eval|assert|system|passthru|shell_exec|exec|popen)\s*\(\s*(?:@?\$_(?:GET|POST|REQUEST|COOKIE)|(?:base64_decode|gzinflate|str_rot13|gzuncompress)\s*\()/i;

function scanDroppers(st: PhpState): void {
  for (const lit of st.lex.literals) {
    if (lit.quote === '`' || lit.raw.length < 12 || lit.raw.length > 1_000_000) continue;
    const v = literalValue(lit);
    if (EMBEDDED_BACKDOOR.test(v)) {
      hit(st, 'php.embedded-backdoor', 'medium', 'string literal carries backdoor code (written out or injected elsewhere)', { from: lit.start, to: lit.end });
    }
  }
}

function excerptPath(p: string): string {
  return p.length > 60 ? `…${p.slice(-57)}` : p;
}

/** include/require (with or without parentheses) of request-chosen or disguised files. */
function scanIncludes(st: PhpState): void {
  const { bare, code } = st.lex;
  for (const m of bare.matchAll(/(?<![\w$>:\\])(include|require)(?:_once)?\b/gi)) {
    const at = m.index ?? 0;
    const from = at + m[0].length;
    const to = statementEnd(st.br, from, 4000);
    const arg = trimSpan(code, { from, to });
    const text = code.slice(arg.from, arg.to);
    const span = { from: at, to };
    const target = evalConstExpr(ctxOf(st), arg.from, arg.to);
    const escapedPath = st.lex.literals.some((l) => l.start >= arg.from && l.end <= arg.to && /\\x[0-9A-Fa-f]{2}/.test(l.raw));
    if (target && (escapedPath || /\.(?:ico|png|jpe?g|gif|bmp|txt|css|svg|woff2?|ttf)\s*$/i.test(target.value))) {
      hit(st, 'php.include-disguised', 'high', `${m[1] ?? 'include'} loads code from a disguised file (${excerptPath(target.value)})`, span);
    } else if (isDirectRequest(st, text)) {
      hit(st, 'php.include-request', 'medium', `${m[1] ?? 'include'} loads a file named by request data`, span);
    }
  }
}
