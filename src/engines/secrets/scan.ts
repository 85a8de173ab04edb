import { isAllowlisted, looksMadeUp } from './allowlist.js';
import { GENERIC_ASSIGNMENT, GENERIC_KEYWORDS, GENERIC_XML_ELEMENT, SECRET_RULES, type SecretRule } from './rules.js';
import { LineIndex, redact, sha256Hex, shannonEntropy } from './text-utils.js';
import type { SecretConfidence, SecretFinding, SecretScanOptions } from './types.js';

interface Hit {
  ruleId: string;
  provider: string;
  offset: number;
  secret: string;
  confidence: SecretConfidence;
  keyId?: string;
  paired?: boolean;
}

const PAIR_WINDOW_LINES = 3;
const NAME_NOT_SECRET =
  /(?:name|id|ids|file|path|url|uri|length|len|size|type|version|count|ttl|field|policy|header|mode|prefix|suffix|format|dir|endpoint|region|hash|salt|label|ref|source|provider|manager|store|used|expires?|expiry|at)$/i;

/**
 * Find credentials in text. Pure: the caller reads files; only hashes and redacted forms of
 * secrets leave this function.
 */
export function scanSecrets(text: string, opts: SecretScanOptions = {}): SecretFinding[] {
  const lower = text.toLowerCase();
  const lines = new LineIndex(text);
  const extra = opts.allowValues ?? [];
  const hits: Hit[] = [];
  for (const rule of SECRET_RULES) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    hits.push(...runRule(rule, text, extra));
  }
  pairKeys(text, lines, hits, extra, 'alibaba-access-key-id', 'alibaba-access-key-secret', /(?<![A-Za-z0-9])[A-Za-z0-9]{30}(?![A-Za-z0-9])/g);
  pairKeys(text, lines, hits, extra, 'aws-access-key-id', 'aws-secret-access-key', /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g);
  gcpServiceAccount(text, hits);
  if (GENERIC_KEYWORDS.some((k) => lower.includes(k))) genericAssignments(text, hits, extra, opts.genericEntropy ?? 3.5);
  return toFindings(hits, lines);
}

function runRule(rule: SecretRule, text: string, extra: readonly string[]): Hit[] {
  const out: Hit[] = [];
  const re = new RegExp(rule.re.source, rule.re.flags.includes('d') ? rule.re.flags : `${rule.re.flags}d`);
  for (const m of text.matchAll(re)) {
    const g = rule.group ?? 1;
    const secret = m[g];
    const span = m.indices?.[g];
    if (!secret || !span) continue;
    if (rule.id === 'private-key' ? /x{5,}|X{5,}/.test(secret) : isAllowlisted(secret, extra)) continue;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
    if (rule.id === 'private-key' && !/[A-Za-z0-9+/]{40,}/.test(secret.replace(/\\n/g, '\n'))) continue;
    const confidence = rule.weaker?.re.test(secret) ? rule.weaker.confidence : rule.confidence;
    out.push({
      ruleId: rule.id, provider: rule.provider, offset: span[0], secret, confidence,
      ...(rule.id.endsWith('-key-id') ? { keyId: secret } : {}),
    });
  }
  return out;
}

/** An AccessKey id with a secret-shaped token a few lines away is a pair: both become high. */
function pairKeys(text: string, lines: LineIndex, hits: Hit[], extra: readonly string[], idRule: string, secretRule: string, shape: RegExp): void {
  for (const id of hits.filter((h) => h.ruleId === idRule)) {
    const { line } = lines.position(id.offset);
    const from = lines.lineStart(line - PAIR_WINDOW_LINES);
    const to = lines.lineEnd(line + PAIR_WINDOW_LINES, text.length);
    const window = text.slice(from, to);
    let secretHit = hits.find((h) => h.ruleId === secretRule && h.offset >= from && h.offset < to);
    if (!secretHit) {
      for (const m of window.matchAll(new RegExp(shape.source, shape.flags))) {
        const s = m[0];
        if (s.includes(id.secret) || id.secret.includes(s) || isAllowlisted(s, extra)) continue;
        if (shannonEntropy(s) < 3.5 || !/[0-9]/.test(s) || !/[a-z]/.test(s) || !/[A-Z]/.test(s)) continue;
        secretHit = { ruleId: secretRule, provider: id.provider, offset: from + (m.index ?? 0), secret: s, confidence: 'high' };
        hits.push(secretHit);
        break;
      }
    }
    if (secretHit) {
      id.confidence = 'high';
      id.paired = true;
      secretHit.paired = true;
      secretHit.keyId = id.secret;
      secretHit.confidence = 'high';
    }
  }
}

function gcpServiceAccount(text: string, hits: Hit[]): void {
  if (!/"type"\s*:\s*"service_account"/.test(text) || !/"client_email"\s*:/.test(text)) return;
  const m = /"private_key"\s*:\s*"(-----BEGIN[^"]{64,}?)"/d.exec(text);
  const span = m?.indices?.[1];
  if (!m?.[1] || !span) return;
  hits.push({ ruleId: 'gcp-service-account', provider: 'gcp', offset: span[0], secret: m[1], confidence: 'high' });
}

function genericAssignments(text: string, hits: Hit[], extra: readonly string[], minEntropy: number): void {
  const taken = hits.map((h) => [h.offset, h.offset + h.secret.length] as const);
  const consider = (name: string, value: string, span: [number, number] | undefined): void => {
    if (!span || NAME_NOT_SECRET.test(name)) return;
    if (taken.some(([a, b]) => span[0] < b && span[1] > a)) return;
    if (!looksLikeSecretValue(value) || isAllowlisted(value, extra) || looksMadeUp(value)) return;
    const h = shannonEntropy(value);
    if (h < minEntropy) return;
    hits.push({ ruleId: 'generic-secret', provider: 'generic', offset: span[0], secret: value, confidence: h >= 4 && value.length >= 16 ? 'medium' : 'low' });
    taken.push([span[0], span[1]]);
  };
  // The assignment regex is costly at every position, so it runs only on windows around the keywords
  // it needs (a match never crosses a line, and its name starts at most 64 characters before the keyword).
  const re = new RegExp(GENERIC_ASSIGNMENT.source, `${GENERIC_ASSIGNMENT.flags}d`);
  for (const [from, to] of keywordWindows(text)) {
    for (const m of text.slice(from, to).matchAll(re)) {
      if (m.index === 0 && from > 0 && /[A-Za-z0-9]/.test(text[from - 1] ?? '')) continue;
      const span = m.indices?.[3];
      consider(m[1] ?? '', m[3] ?? '', span ? [span[0] + from, span[1] + from] : undefined);
    }
  }
  for (const m of text.matchAll(new RegExp(GENERIC_XML_ELEMENT.source, `${GENERIC_XML_ELEMENT.flags}d`))) consider(m[1] ?? '', m[2] ?? '', m.indices?.[2]);
}

const GENERIC_KEYWORD = /password|passwd|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|credential/gi;

/** Merged [from, to) windows around each credential keyword, clipped to its line. */
function keywordWindows(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  // Keywords come in order: each line's bounds are found once, however many keywords it holds.
  let lineStart = 0;
  let lineEnd = -1;
  for (const m of text.matchAll(GENERIC_KEYWORD)) {
    const at = m.index ?? 0;
    if (at > lineEnd) {
      lineStart = text.lastIndexOf('\n', at) + 1;
      lineEnd = text.indexOf('\n', at);
      if (lineEnd < 0) lineEnd = text.length;
    }
    const from = Math.max(lineStart, at - 64);
    const to = Math.min(lineEnd, at + 320);
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function looksLikeSecretValue(v: string): boolean {
  if (/^[$@&%]|^\w+\(|[()]/.test(v)) return false; // variables, calls
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return false; // UUIDs are ids
  if (/^[A-Z0-9]+(?:[_-][A-Z0-9]+)+$/.test(v) || /^[a-z0-9]+(?:[_-][a-z0-9]+)+$/.test(v)) return false; // CONSTANT_NAMES, kebab-words
  if (/\d+\.\d+(?:\.\d+)?$/.test(v) && /[:-]/.test(v)) return false; // artifact:version coordinates
  if (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(v)) return false; // dotted identifiers
  if (/^(?:https?|file|ftp):\/\/[^:@/]+(?:[/?#]|$)/i.test(v)) return false; // URLs without credentials
  if (/^\/|^\.\.?\//.test(v)) return false; // paths
  if (!/[0-9]/.test(v) && !/[^A-Za-z]/.test(v) && !/[a-z][A-Z]|[A-Z]{2}[a-z]/.test(v)) return false; // plain words
  return true;
}

function toFindings(hits: Hit[], lines: LineIndex): SecretFinding[] {
  const seen = new Set<string>();
  const out: SecretFinding[] = [];
  for (const h of hits.sort((a, b) => a.offset - b.offset)) {
    const key = `${h.ruleId}@${h.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { line, column } = lines.position(h.offset);
    out.push({
      ruleId: h.ruleId, provider: h.provider, line, column, redacted: redact(h.secret), secretHash: sha256Hex(h.secret),
      confidence: h.confidence, ...(h.keyId ? { keyId: h.keyId } : {}), ...(h.paired ? { paired: true } : {}),
    });
  }
  return out;
}
