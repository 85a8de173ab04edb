import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import { isAllowlisted, looksMadeUp } from './allowlist.js';
import { KeywordScanner, type KeywordSpec } from './keywords.js';
import { GENERIC_ASSIGNMENT, GENERIC_KEYWORDS, GENERIC_WINDOW, GENERIC_XML_ELEMENT, GENERIC_XML_WINDOW, KEYWORD_ANCHORS, SECRET_RULES, type SecretRule } from './rules.js';
import { ByteSource } from './source.js';
import { redact, sha256Hex, shannonEntropy } from './text-utils.js';
import type { SecretConfidence, SecretFinding, SecretScanOptions } from './types.js';
import { keywordWindows, matchWindows, ruleGeometry, type Geometry } from './windows.js';

interface Hit {
  ruleId: string;
  provider: string;
  /** Byte offsets of the secret in the scanned bytes. */
  offset: number;
  end: number;
  secret: string;
  confidence: SecretConfidence;
  keyId?: string;
  paired?: boolean;
}

const PAIR_WINDOW_LINES = 3;
/** Pairing looks at most this far (bytes) from the key id, however long its lines are. */
const PAIR_WINDOW_BYTES = 16 * 1024;
const NAME_NOT_SECRET =
  /(?:name|id|ids|file|path|url|uri|length|len|size|type|version|count|ttl|field|policy|header|mode|prefix|suffix|format|dir|endpoint|region|hash|salt|label|ref|source|provider|manager|store|used|expires?|expiry|at)$/i;

interface CompiledRule {
  rule: SecretRule;
  re: RegExp;
  geometry: Geometry;
}

const withD = (re: RegExp): RegExp => new RegExp(re.source, re.flags.includes('d') ? re.flags : `${re.flags}d`);

const RULES: CompiledRule[] = SECRET_RULES.map((rule) => ({
  rule,
  re: withD(rule.re),
  geometry: ruleGeometry(rule),
}));
/** Consumers after the pattern rules: the GCP service-account check and the generic name/value rules. */
const GCP = RULES.length;
const GENERIC = RULES.length + 1;
const GENERIC_RE = withD(GENERIC_ASSIGNMENT);
const XML_RE = withD(GENERIC_XML_ELEMENT);

const SCANNER = new KeywordScanner(
  [
    ...RULES.flatMap((r, i): KeywordSpec[] => r.rule.keywords.map((text) => ({ text, ci: r.rule.re.flags.includes('i'), consumer: i }))),
    { text: 'service_account', ci: false, consumer: GCP },
    ...GENERIC_KEYWORDS.map((text): KeywordSpec => ({ text, ci: true, consumer: GENERIC })),
  ].map((k) => ({ ...k, anchor: KEYWORD_ANCHORS[k.text] })),
);

/**
 * Find credentials in text. Pure: the caller reads files; only hashes and redacted forms of
 * secrets leave this function.
 */
export function scanSecrets(text: string, opts: SecretScanOptions = {}): SecretFinding[] {
  const bytes = Buffer.from(text, 'utf8');
  return scanSource(new ByteSource(bytes, bytes.length === text.length), opts);
}

/**
 * Same as `scanSecrets` on the UTF-8 text of `bytes`, without decoding the whole file: one keyword
 * pass over the bytes, then each rule's pattern only in windows around its keywords.
 */
export function scanSecretBytes(bytes: Uint8Array, opts: SecretScanOptions = {}): SecretFinding[] {
  if (isAscii(bytes)) return scanSource(new ByteSource(bytes, true), opts);
  // Invalid UTF-8 decodes with replacement characters: scan that text, so offsets stay consistent.
  if (!isUtf8(bytes)) return scanSecrets(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), opts);
  return scanSource(new ByteSource(bytes, false), opts);
}

function scanSource(src: ByteSource, opts: SecretScanOptions): SecretFinding[] {
  const found = SCANNER.scan(src.buf);
  const extra = opts.allowValues ?? [];
  const hits: Hit[] = [];
  for (let i = 0; i < RULES.length; i++) {
    const at = found[i];
    const r = RULES[i];
    if (at && r) runRule(src, r, at, hits, extra);
  }
  if (hits.some((h) => h.ruleId.endsWith('-key-id'))) {
    pairKeys(src, hits, extra, 'alibaba-access-key-id', 'alibaba-access-key-secret', /(?<![A-Za-z0-9])[A-Za-z0-9]{30}(?![A-Za-z0-9])/g);
    pairKeys(src, hits, extra, 'aws-access-key-id', 'aws-secret-access-key', /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g);
  }
  if (found[GCP]) gcpServiceAccount(src, hits);
  const generic = found[GENERIC];
  if (generic) genericAssignments(src, generic, hits, extra, opts.genericEntropy ?? 3.5);
  return toFindings(src, hits);
}

function runRule(src: ByteSource, { rule, re, geometry }: CompiledRule, at: readonly number[], out: Hit[], extra: readonly string[]): void {
  const wins = rule.whole ? [{ from: 0, to: src.length, cutFrom: false, cutTo: false }] : keywordWindows(src, at, geometry);
  const g = rule.group ?? 1;
  for (const { m, from, text } of matchWindows(src, wins, re)) {
    const secret = m[g];
    const span = m.indices?.[g];
    if (!secret || !span) continue;
    if (rule.id === 'private-key' ? /x{5,}|X{5,}/.test(secret) : isAllowlisted(secret, extra)) continue;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
    if (rule.id === 'private-key' && !/[A-Za-z0-9+/]{40,}/.test(secret.replace(/\\n/g, '\n'))) continue;
    const confidence = rule.weaker?.re.test(secret) ? rule.weaker.confidence : rule.confidence;
    const offset = src.byteOffset(from, text, span[0]);
    out.push({
      ruleId: rule.id, provider: rule.provider, offset, end: offset + src.byteLength(secret), secret, confidence,
      ...(rule.id.endsWith('-key-id') ? { keyId: secret } : {}),
    });
  }
}

/** An AccessKey id with a secret-shaped token a few lines away is a pair: both become high. */
function pairKeys(src: ByteSource, hits: Hit[], extra: readonly string[], idRule: string, secretRule: string, shape: RegExp): void {
  for (const id of hits.filter((h) => h.ruleId === idRule)) {
    const line = src.lineOf(id.offset);
    const from = Math.max(src.lineStart(line - PAIR_WINDOW_LINES), id.offset - PAIR_WINDOW_BYTES);
    const to = Math.min(src.lineEnd(line + PAIR_WINDOW_LINES), id.end + PAIR_WINDOW_BYTES);
    let secretHit = hits.find((h) => h.ruleId === secretRule && h.offset >= from && h.offset < to);
    if (!secretHit) {
      const win = src.window(from, to);
      const re = new RegExp(shape.source, shape.flags);
      for (let m = re.exec(win.text); m !== null; m = re.exec(win.text)) {
        const s = m[0];
        if (s.includes(id.secret) || id.secret.includes(s) || isAllowlisted(s, extra)) continue;
        if (shannonEntropy(s) < 3.5 || !/[0-9]/.test(s) || !/[a-z]/.test(s) || !/[A-Z]/.test(s)) continue;
        const offset = src.byteOffset(win.from, win.text, m.index);
        secretHit = { ruleId: secretRule, provider: id.provider, offset, end: offset + s.length, secret: s, confidence: 'high' };
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

function gcpServiceAccount(src: ByteSource, hits: Hit[]): void {
  const text = src.text(0, src.length);
  if (!/"type"\s*:\s*"service_account"/.test(text) || !/"client_email"\s*:/.test(text)) return;
  const m = /"private_key"\s*:\s*"(-----BEGIN[^"]{64,}?)"/d.exec(text);
  const span = m?.indices?.[1];
  if (!m?.[1] || !span) return;
  const offset = src.byteOffset(0, text, span[0]);
  hits.push({ ruleId: 'gcp-service-account', provider: 'gcp', offset, end: offset + src.byteLength(m[1]), secret: m[1], confidence: 'high' });
}

function genericAssignments(src: ByteSource, at: readonly number[], hits: Hit[], extra: readonly string[], minEntropy: number): void {
  const taken = hits.map((h) => [h.offset, h.end] as const);
  const consider = (name: string, value: string, offset: number): void => {
    if (NAME_NOT_SECRET.test(name)) return;
    const end = offset + src.byteLength(value);
    if (taken.some(([a, b]) => offset < b && end > a)) return;
    if (!looksLikeSecretValue(value) || isAllowlisted(value, extra) || looksMadeUp(value)) return;
    const h = shannonEntropy(value);
    if (h < minEntropy) return;
    hits.push({ ruleId: 'generic-secret', provider: 'generic', offset, end, secret: value, confidence: h >= 4 && value.length >= 16 ? 'medium' : 'low' });
    taken.push([offset, end]);
  };
  // The assignment regex is costly at every position, so it runs only on windows around the keywords
  // it needs (a match never crosses a line).
  for (const { m, from, text } of matchWindows(src, keywordWindows(src, at, GENERIC_WINDOW), GENERIC_RE)) {
    const span = m.indices?.[3];
    if (span) consider(m[1] ?? '', m[3] ?? '', src.byteOffset(from, text, span[0]));
  }
  for (const { m, from, text } of matchWindows(src, keywordWindows(src, at, GENERIC_XML_WINDOW), XML_RE)) {
    const span = m.indices?.[2];
    if (span) consider(m[1] ?? '', m[2] ?? '', src.byteOffset(from, text, span[0]));
  }
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

function toFindings(src: ByteSource, hits: Hit[]): SecretFinding[] {
  const seen = new Set<string>();
  const out: SecretFinding[] = [];
  for (const h of hits.sort((a, b) => a.offset - b.offset)) {
    const key = `${h.ruleId}@${h.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { line, column } = src.position(h.offset);
    out.push({
      ruleId: h.ruleId, provider: h.provider, line, column, redacted: redact(h.secret), secretHash: sha256Hex(h.secret),
      confidence: h.confidence, ...(h.keyId ? { keyId: h.keyId } : {}), ...(h.paired ? { paired: true } : {}),
    });
  }
  return out;
}
