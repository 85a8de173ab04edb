import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJsonPath, parseStrictJson } from './strict-json.js';

const LOOSE = { maxLength: 10_000_000, maxDepth: 1000 };

describe('strict JSON', () => {
  it('reads whatever JSON.stringify writes, exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v, null, 1);
        const r = parseStrictJson(text, LOOSE);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly what JSON.parse accepts on near-JSON strings (no duplicate keys there)', () => {
    const unit = fc.constantFrom('{', '}', '[', ']', '"', 'a', ':', ',', '1', '-', '.', 'e', ' ', '\\', 'u', 't', 'n', '0');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 16 }), (text) => {
        let expected = true;
        try {
          JSON.parse(text);
        } catch {
          expected = false;
        }
        const r = parseStrictJson(text, LOOSE);
        if (!r.ok && r.error.code === 'DuplicateKey') return; // JSON.parse would keep the last one
        expect(r.ok, text).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects duplicate keys and names the object that holds them', () => {
    const r = parseStrictJson('{"Statement":[{"Effect":"Allow"},{"Effect":"Allow","Effect":"Deny"}]}', LOOSE);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('DuplicateKey');
      expect(formatJsonPath(r.error.path)).toBe('Statement[1]');
      expect(r.error.message).toBe('line 1, column 52: duplicate key "Effect"');
    }
  });

  it('stops at the depth limit without overflowing the stack (10,000 nested arrays)', () => {
    const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const r = parseStrictJson(text, { maxLength: 1_000_000, maxDepth: 16 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('TooDeep');
      expect(r.error.message).toContain('deeper than 16 levels');
    }
  });

  it('refuses over-long text before reading it (1 MB of garbage reports size, not syntax)', () => {
    const r = parseStrictJson('}'.repeat(1 << 20), { maxLength: 6144, maxDepth: 16 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('TooLarge');
      expect(r.error.message).toBe('document is 1048576 characters; the limit is 6144');
    }
  });

  it('reports line and column of syntax errors', () => {
    const r = parseStrictJson('{\n  "a": 1,\n  "b": tru\n}', LOOSE);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('line 3, column 8: unexpected character "t"; expected a value');
  });

  it('rejects the usual near-misses', () => {
    for (const bad of ['{"a":1,}', '[1,]', "{'a':1}", '{"a":01}', '{"a":1.}', '{"a":"\u0001"}', '{"a":"\\x"}', '{"a":1} x', '', 'NaN']) {
      expect(parseStrictJson(bad, LOOSE).ok, bad).toBe(false);
    }
  });

  it('keeps "__proto__" as an ordinary key and ignores a leading byte-order mark', () => {
    const r = parseStrictJson('\ufeff{"__proto__":{"x":1}}', LOOSE);
    expect(r.ok).toBe(true);
    if (r.ok && typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value)) {
      expect(Object.keys(r.value)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    }
  });

  it('formats paths for messages', () => {
    expect(formatJsonPath([])).toBe('(document)');
    expect(formatJsonPath(['Statement', 2, 'Condition', 'IpAddress', 'acs:SourceIp'])).toBe(
      'Statement[2].Condition.IpAddress["acs:SourceIp"]',
    );
  });
});
