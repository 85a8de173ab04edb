import { analyzeAsp } from './asp.js';
import type { DecodeBudget } from './budget.js';
import { analyzeJsHtml } from './js-html.js';
import { analyzeJsp } from './jsp.js';
import { sniffLanguage } from './lang.js';
import { DEFAULT_MALICIOUS_HOSTS } from './malicious-hosts.js';
import { analyzePerl } from './perl.js';
import { analyzePhp } from './php.js';
import { excerptOf } from './php-syntax.js';
import {
  confidenceRank, levelFor, type RawHit, type WebContentInput, type WebshellFinding, type WebshellScanOptions,
} from './types.js';

const MAX_EVIDENCE_PER_RULE = 5;

/**
 * Scan one web file's content for webshells and injected scripts. Pure: the caller supplies
 * the bytes; nothing is executed. Findings are grouped per rule with up to 5 evidence spans.
 */
export function scanWebContent(input: WebContentInput, options: WebshellScanOptions = {}): WebshellFinding[] {
  // latin1 keeps one char per byte, so evidence offsets are byte offsets.
  const text = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString('latin1');
  const lang = sniffLanguage(input.path, text);
  const budget: DecodeBudget = {
    maxDepth: options.maxDecodeDepth ?? 4,
    remainingBytes: options.maxDecodedBytes ?? 4 * 1024 * 1024,
  };
  const hits: RawHit[] = [];
  if (lang === 'php') hits.push(...analyzePhp(text, budget));
  if (lang === 'jsp') hits.push(...analyzeJsp(text));
  if (lang === 'asp') hits.push(...analyzeAsp(text));
  if (lang === 'perl') hits.push(...analyzePerl(text));
  hits.push(...analyzeJsHtml(text, { maliciousHosts: options.maliciousHosts ?? DEFAULT_MALICIOUS_HOSTS }));
  const min = confidenceRank[options.minConfidence ?? 'low'];
  return group(hits.filter((h) => confidenceRank[h.confidence] >= min), text, lang);
}

function group(hits: RawHit[], text: string, lang: WebshellFinding['lang']): WebshellFinding[] {
  const byKey = new Map<string, WebshellFinding>();
  for (const h of hits) {
    const layers = h.decodedLayers && h.decodedLayers.length > 0 ? h.decodedLayers : undefined;
    const key = `${h.ruleId}|${h.confidence}|${layers?.join('>') ?? ''}`;
    let f = byKey.get(key);
    if (!f) {
      f = { ruleId: h.ruleId, lang, confidence: h.confidence, level: levelFor[h.confidence], message: h.message, evidence: [], ...(layers ? { decodedLayers: layers } : {}) };
      byKey.set(key, f);
    }
    if (f.evidence.length < MAX_EVIDENCE_PER_RULE && !f.evidence.some((e) => e.offset === h.offset)) {
      f.evidence.push({ offset: h.offset, length: h.length, excerpt: excerptOf(text, h.offset, h.length) });
    }
  }
  return [...byKey.values()].sort((a, b) => confidenceRank[b.confidence] - confidenceRank[a.confidence] || a.ruleId.localeCompare(b.ruleId));
}

/** The strongest confidence among findings, or undefined when there are none. */
export function topConfidence(findings: readonly WebshellFinding[]): WebshellFinding['confidence'] | undefined {
  let best: WebshellFinding['confidence'] | undefined;
  for (const f of findings) if (!best || confidenceRank[f.confidence] > confidenceRank[best]) best = f.confidence;
  return best;
}
