import { isListedHost } from './malicious-hosts.js';
import { unescapeDouble } from './php-lex.js';
import type { RawHit, WebshellConfidence } from './types.js';

/**
 * Injected-page and malicious-script heuristics for HTML, JS and the inline HTML of server
 * pages. Each rule needs a combination of signals, because single keywords (`eval(`,
 * `<iframe`) are everywhere in benign front-end code.
 */
export interface JsHtmlOptions {
  maliciousHosts: readonly string[];
}

const HIDDEN_STYLE =
  /display\s*:\s*none|visibility\s*:\s*hidden|(?:top|left)\s*:\s*-\s*\d{3,}px|(?<![\w-])(?:width|height)\s*[:=]\s*["']?[01](?:px)?["']?(?![\d.%])/i;
const ABSOLUTE_URL = /^(?:https?:)?\/\/([A-Za-z0-9.-]+\.[A-Za-z]{2,})(?::\d+)?(?:[/?#]|$)/i;
const DOM_WORDS = new Set([
  'document', 'window', 'eval', 'createelement', 'write', 'writeln', 'cookie', 'fromcharcode', 'appendchild',
  'innerhtml', 'location', 'unescape', 'charcodeat', 'insertbefore', 'getelementsbytagname', 'body', 'src',
]);

export function analyzeJsHtml(text: string, opts: JsHtmlOptions): RawHit[] {
  const hits: RawHit[] = [];
  const add = (ruleId: string, confidence: WebshellConfidence, message: string, offset: number, length: number, decodedLayers?: string[]): void => {
    hits.push({ ruleId, confidence, message, offset, length, ...(decodedLayers ? { decodedLayers } : {}) });
  };
  const urlVars = urlAssignments(text);

  hiddenIframes(text, urlVars, add);
  scriptHosts(text, opts.maliciousHosts, add);

  // Hex-escaped identifiers: window["\x64\x6f\x63\x75\x6d\x65\x6e\x74"] hides DOM access.
  const escapedWords = new Set<string>();
  let firstEscaped = -1;
  for (const m of text.matchAll(/(["'])((?:\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}){3,40})\1/g)) {
    const word = unescapeDouble(m[2]?.replace(/\\u00([0-9A-Fa-f]{2})/g, '\\x$1') ?? '').toLowerCase();
    if (DOM_WORDS.has(word)) {
      escapedWords.add(word);
      if (firstEscaped < 0) firstEscaped = m.index ?? 0;
    }
  }
  if (escapedWords.size >= 2) {
    add('js.escaped-dom-access', 'high', `DOM names hidden in escape sequences: ${[...escapedWords].join(', ')}`, firstEscaped, 40);
  }

  const evalEval = /\beval\s*\(\s*eval\s*\(/.exec(text);
  if (evalEval) add('js.nested-eval', 'high', 'eval(eval(...)) unpacks a hidden script', evalEval.index, evalEval[0].length);

  // document.write(unescape('%3C...')) and String.fromCharCode(60,115,...) payloads.
  for (const m of text.matchAll(/\b(?:document\.write(?:ln)?|eval)\s*\(\s*unescape\s*\(\s*(["'])((?:%u?[0-9A-Fa-f]{2,4}|[^"'%]){8,}?)\1/g)) {
    const decoded = m[2]?.replace(/%u([0-9A-Fa-f]{4})|%([0-9A-Fa-f]{2})/g, (_x, u: string | undefined, h: string | undefined) =>
      String.fromCharCode(parseInt(u ?? h ?? '0', 16))) ?? '';
    const bad = /<\s*(?:script|iframe)|\beval\s*\(|document\.write|https?:\/\//i.test(decoded);
    add('js.unescape-write', bad ? 'high' : 'medium', 'writes percent-encoded markup into the page', m.index ?? 0, m[0].length, ['unescape']);
  }
  for (const m of text.matchAll(/String\.fromCharCode\s*\(\s*((?:\d{1,3}\s*,\s*){15,}\d{1,3})\s*\)/g)) {
    const decoded = (m[1] ?? '').split(',').map((n) => String.fromCharCode(Number(n.trim()) & 0xffff)).join('');
    if (/<\s*(?:script|iframe)|\beval\s*\(|document\.(?:write|createElement)|https?:\/\//i.test(decoded)) {
      add('js.charcode-payload', 'high', 'String.fromCharCode() list decodes to markup or script', m.index ?? 0, m[0].length, ['fromCharCode']);
    }
  }

  // Dean Edwards' packer: common in old themes, so it needs company to be more than a remark.
  const packer = /eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\)/.exec(text);

  // Traffic-direction injector: rot13 decoder + fragment array + UA/cookie gating + script insert.
  const features: string[] = [];
  if (/fromCharCode\s*\([^;]{0,80}charCodeAt\s*\(\s*0\s*\)[^;]{0,80}\b13\b/.test(text)) features.push('rot13 decoder');
  if (/\[\s*(?:(["'])[^"'\n]{1,5}\1\s*,\s*){19,}/.test(text)) features.push('fragment array');
  if (/navigator\.userAgent/.test(text)) features.push('user-agent check');
  if (/document\.cookie\s*=/.test(text) && /expires|setTime|setDate/.test(text)) features.push('cookie gate');
  if (/createElement\s*\(\s*[^"'\s)]/.test(text) && /\.(?:src|href)\s*=\s*[^"'\s;]/.test(text)) features.push('computed script insert');
  if (packer) features.push('packed');
  const strong = features.filter((f) => f === 'rot13 decoder' || f === 'fragment array' || f === 'packed').length;
  if (strong >= 1 && features.length >= 3) {
    const at = text.search(/fromCharCode|navigator\.userAgent|eval\s*\(/);
    add('js.obfuscated-injector', 'high', `obfuscated injector: ${features.join(', ')}`, Math.max(0, at), 40);
  } else if (packer) {
    add('js.packed-script', 'low', 'script packed with eval(function(p,a,c,k,e,d))', packer.index, packer[0].length);
  }

  // Windows Script Host dropper (a JS payload that writes and runs an executable).
  if (/ActiveXObject/.test(text) && /WScript\.Shell|ADODB\.Stream/i.test(text) && /SaveToFile|\.exe\b|\.Run\b/i.test(text)) {
    const at = text.search(/ActiveXObject/);
    add('js.wsh-dropper', 'high', 'Windows Script Host dropper: ActiveX shell/stream objects that save or run an executable', at, 14);
  }
  return hits.filter((h) => h.offset >= 0);
}

type Add = (ruleId: string, confidence: WebshellConfidence, message: string, offset: number, length: number) => void;

/** JS variables assigned an absolute URL literal: `var u = "http://host/..."`. */
function urlAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // Every match holds `= "//` or `= "http`: a regex that starts at `=` rules most texts out quickly.
  if (!/=\s*["'](?:https?:)?\/\//.test(text)) return out;
  for (const m of text.matchAll(/\b([A-Za-z_$][\w$]*)\s*=\s*(["'])((?:https?:)?\/\/[^"'\s]{4,300})\2/g)) {
    out.set(m[1] ?? '', m[3] ?? '');
  }
  return out;
}

function hiddenIframes(text: string, urlVars: Map<string, string>, add: Add): void {
  for (const m of text.matchAll(/<iframe\b[^>]{0,600}>?/gi)) {
    const tag = m[0];
    const at = m.index ?? 0;
    const context = text.slice(Math.max(0, at - 300), at);
    const hidden = HIDDEN_STYLE.test(tag) || HIDDEN_STYLE.test(lastOpenWrapper(context));
    if (!hidden) continue;
    const src = /\bsrc\s*=\s*(?:(["'])\s*(?:\+\s*([A-Za-z_$][\w$]*)\s*\+\s*)?([^"'>]*)\1?|([^\s>]+))/i.exec(tag);
    const literal = (src?.[3] ?? src?.[4] ?? '').trim();
    const viaVar = src?.[2] ? urlVars.get(src[2]) : undefined;
    const url = ABSOLUTE_URL.test(literal) ? literal : viaVar;
    if (url && ABSOLUTE_URL.test(url)) {
      add('html.hidden-iframe', 'high', `hidden iframe loads ${ABSOLUTE_URL.exec(url)?.[1] ?? 'an external page'}`, at, tag.length);
    } else {
      add('html.hidden-iframe-local', 'low', 'hidden iframe without an external address', at, tag.length);
    }
  }
}

/** The style of the innermost element opened just before an iframe (e.g. an off-screen div). */
function lastOpenWrapper(context: string): string {
  const open = context.lastIndexOf('<');
  if (open < 0) return '';
  const tag = context.slice(open);
  return /^<(?:div|span|p|section)\b/i.test(tag) ? tag : '';
}

function scriptHosts(text: string, hosts: readonly string[], add: Add): void {
  const seen = new Set<string>();
  const check = (url: string, at: number, len: number, how: string): void => {
    const host = ABSOLUTE_URL.exec(url)?.[1];
    if (!host || seen.has(`${host}@${at}`)) return;
    seen.add(`${host}@${at}`);
    if (isListedHost(host, hosts)) add('html.malicious-script-host', 'high', `${how} from listed malicious host ${host}`, at, len);
  };
  for (const m of text.matchAll(/<script\b[^>]{0,400}?\bsrc\s*=\s*["']?([^"'\s>]+)/gi)) check(m[1] ?? '', m.index ?? 0, m[0].length, 'script loaded');
  for (const m of text.matchAll(/<iframe\b[^>]{0,400}?\bsrc\s*=\s*["']?([^"'\s>]+)/gi)) check(m[1] ?? '', m.index ?? 0, m[0].length, 'iframe loaded');
  for (const m of text.matchAll(/(["'])((?:https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^"'\s]{0,200})\1/g)) check(m[2] ?? '', m.index ?? 0, m[0].length, 'URL');
}
