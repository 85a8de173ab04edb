import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeywordScanner } from './keywords.js';
import { GENERIC_ASSIGNMENT, GENERIC_KEYWORDS, GENERIC_WINDOW, GENERIC_XML_ELEMENT, GENERIC_XML_WINDOW, KEYWORD_ANCHORS, SECRET_RULES } from './rules.js';
import { scanSecretBytes, scanSecrets } from './scan.js';
import { ByteSource } from './source.js';
import { keywordWindows, matchWindows, ruleGeometry, type Geometry } from './windows.js';
import { sharedDataDir } from '../../../test/helpers/shared-data.js';

interface GitleaksCase { ruleId: string; tps: string[]; fps: string[] }
const cases = JSON.parse(readFileSync(`${sharedDataDir()}/secrets/gitleaks-cases.json`, 'utf8')) as GitleaksCase[];
const samples = cases.flatMap((c) => [...c.tps, ...c.fps]);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** gitleaks samples (every provider's shapes, true and false positives) spliced into noise with long lines and non-ASCII text. */
function corpus(seed: number, pieces: number): string {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const noise = ['const x = 1;', ' ', '\n', 'é', '中文注释', '😀', 'key', 'token', 'Secret', '.ey', 'xox', '  ', 'aws', '=', ':', '"', "'", 'LTAI', 'AKIA', '-', '_', 'a'.repeat(50), 'Z9'.repeat(30), '<tok>', '</tok>'];
  let out = '';
  for (let i = 0; i < pieces; i++) {
    const roll = r();
    if (roll < 0.35) out += pick(samples);
    else if (roll < 0.4) out += pick(samples).replace(/\n/g, ' '); // samples glued into one long line
    else out += pick(noise);
  }
  return out;
}

/** Matches of `re` over the whole text, as byte offset + match text (the reference). */
function reference(text: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(re.source, re.flags))) out.push(`${Buffer.byteLength(text.slice(0, m.index), 'utf8')}:${m[0]}`);
  return out;
}

/** The same regex run only in windows around its keywords. */
function windowed(text: string, re: RegExp, keywords: readonly string[], g: Geometry | undefined): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const src = new ByteSource(bytes, bytes.length === text.length);
  const scanner = new KeywordScanner(keywords.map((k) => ({ text: k, ci: re.flags.includes('i'), consumer: 0, anchor: KEYWORD_ANCHORS[k] })));
  const at = scanner.scan(bytes)[0];
  if (!at) return [];
  const wins = g ? keywordWindows(src, at, g) : [{ from: 0, to: src.length, cutFrom: false, cutTo: false }];
  const out: string[] = [];
  for (const { m, from, text: w } of matchWindows(src, wins, new RegExp(re.source, re.flags))) out.push(`${src.byteOffset(from, w, m.index)}:${m[0]}`);
  return out;
}

describe('keyword windows', () => {
  it('the one-pass keyword scanner finds every occurrence, in either case when asked, at its byte offset', () => {
    const scanner = new KeywordScanner([
      { text: 'token', ci: true, consumer: 0 },
      { text: 'password', ci: true, consumer: 0, anchor: 'ssw' },
      { text: 'PRIVATE KEY', ci: false, consumer: 1, anchor: 'E K' },
      { text: 'LTAI', ci: false, consumer: 2 },
    ]);
    const text = 'passwordTOKEN é private key PRIVATE KEY ltai LTAI tokentoken';
    const bytes = Buffer.from(text, 'utf8');
    const at = (s: string, from = 0): number => bytes.indexOf(s, from);
    expect(scanner.scan(bytes)).toEqual([[0, 8, at('tokentoken'), at('tokentoken') + 5], [at('PRIVATE')], [at('LTAI')]]);
    expect(() => new KeywordScanner([{ text: 'ab', ci: false, consumer: 0 }])).toThrow(/≥ 3/);
  });

  it('every rule finds exactly the matches a whole-text run finds, on mixed ASCII / UTF-8 text with long lines', () => {
    let total = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const text = corpus(seed, 600);
      for (const rule of SECRET_RULES) {
        const ref = reference(text, rule.re);
        total += ref.length;
        expect(windowed(text, rule.re, rule.keywords, rule.whole ? undefined : ruleGeometry(rule)), `${rule.id} seed ${seed}`).toEqual(ref);
      }
      expect(windowed(text, GENERIC_ASSIGNMENT, GENERIC_KEYWORDS, GENERIC_WINDOW), `generic seed ${seed}`).toEqual(reference(text, GENERIC_ASSIGNMENT));
      expect(windowed(text, GENERIC_XML_ELEMENT, GENERIC_KEYWORDS, GENERIC_XML_WINDOW), `xml seed ${seed}`).toEqual(reference(text, GENERIC_XML_ELEMENT));
    }
    expect(total).toBeGreaterThan(500); // the corpus really holds matches of the rules
  });

  it('scanSecretBytes reports what scanSecrets reports on the decoded text, columns in UTF-16 units', () => {
    const secret = 'Zq8vN3kT5wX1yB7mC4pL9sD2fG6hJ0aR';
    for (const prefix of ['', 'é'.repeat(3), '中文 😀 '.repeat(40), 'x'.repeat(5000)]) {
      const text = `${prefix}db_password = "${secret}"\n${prefix}token: ghp_${'A1b2C3d4E5'.repeat(3)}x9Y8z7\n`;
      const fromBytes = scanSecretBytes(Buffer.from(text, 'utf8'));
      expect(fromBytes).toEqual(scanSecrets(text));
      expect(fromBytes.map((f) => [f.ruleId, f.line, f.column])).toEqual([
        ['generic-secret', 1, prefix.length + 'db_password = "'.length + 1],
        ['github-token', 2, prefix.length + 'token: '.length + 1],
      ]);
    }
    // Invalid UTF-8 (a stray 0xff) is scanned as its decoded text, replacement characters included.
    const bad = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(` api_key = "${secret}"`)]);
    expect(scanSecretBytes(bad)).toMatchObject([{ ruleId: 'generic-secret', line: 1, column: 15 }]);
  });
});
