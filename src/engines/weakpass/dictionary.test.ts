import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDictionary, candidatesFor, keyboardWalks, parseWordList, userVariants } from './dictionary.js';

const RULES = join(import.meta.dirname, '../../../rules/weakpass');

describe('word lists', () => {
  it('skips #!comment: lines and blank lines, keeps order', () => {
    expect(parseWordList('#!comment: hello\n123456\n\r\n#notacomment\npassword\r\n')).toEqual(['123456', '#notacomment', 'password']);
  });

  it('the shipped lists have no comment line among candidates', () => {
    const common = parseWordList(readFileSync(join(RULES, 'common.txt'), 'utf8'));
    const phrases = parseWordList(readFileSync(join(RULES, 'phrases.txt'), 'utf8'));
    expect(common.length).toBe(2000);
    expect(common[0]).toBe('123456');
    expect(phrases).toContain('5201314');
    expect(phrases).toContain('woaini1314');
    for (const w of [...common, ...phrases]) expect(w.startsWith('#!comment:')).toBe(false);
  });
});

describe('generated candidates', () => {
  it('keyboard walks include row, column and shifted walks', () => {
    const walks = new Set(keyboardWalks());
    for (const w of ['qwerty', 'asdfgh', 'zxcvbn', 'ytrewq', '1qaz2wsx', '1qaz2wsx3edc', 'zaq12wsx', '1qaz@WSX', '!QAZ2wsx', 'qwer1234', 'Qwer1234', '1q2w3e4r', '123456', '0987654321']) {
      expect(walks.has(w), w).toBe(true);
    }
  });

  it('user-name variants cover the usual suspects', () => {
    const v = new Set(userVariants('oracle', [2023, 2024]));
    for (const w of ['oracle', 'oracle123', 'oracle@123', 'elcaro', 'Oracle2024', 'Oracle@2023', 'ORACLE', 'oracleoracle']) {
      expect(v.has(w), w).toBe(true);
    }
  });

  it('per-account order: user variants first, then shared lists without duplicates', () => {
    const dict = buildDictionary({ commonList: '123456\nroot\npassword\n', phraseList: '5201314\n', years: [2024] });
    const c = candidatesFor('root', dict);
    expect(c[0]).toEqual({ password: 'root', source: 'username_variant' });
    expect(c.filter((x) => x.password === 'root')).toHaveLength(1);
    expect(c.find((x) => x.password === '5201314')?.source).toBe('phrase_list');
    expect(dict.lowerSet.has('password')).toBe(true);
    expect(dict.lowerSet.has('qwerty')).toBe(true);
  });
});
