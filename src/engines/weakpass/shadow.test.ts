import { describe, expect, it } from 'vitest';
import { identifyScheme, parseShadow } from './shadow.js';

describe('shadow parsing', () => {
  it('identifies crypt schemes, locked and empty fields', () => {
    expect(identifyScheme('$y$j9T$abc$def')).toBe('yescrypt');
    expect(identifyScheme('$gy$j9T$abc$def')).toBe('gost-yescrypt');
    expect(identifyScheme('$6$salt$hash')).toBe('sha512crypt');
    expect(identifyScheme('$5$salt$hash')).toBe('sha256crypt');
    expect(identifyScheme('$1$salt$hash')).toBe('md5crypt');
    expect(identifyScheme('$2b$05$abcdefghijklmnopqrstuv')).toBe('bcrypt');
    expect(identifyScheme('$2y$10$abcdefghijklmnopqrstuv')).toBe('bcrypt');
    expect(identifyScheme('!$6$salt$hash')).toBe('locked');
    expect(identifyScheme('*')).toBe('locked');
    expect(identifyScheme('!')).toBe('locked');
    expect(identifyScheme('')).toBe('empty');
    expect(identifyScheme('abJnggxhB/yWI')).toBe('descrypt');
    expect(identifyScheme('$9$x')).toBe('unknown');
  });

  it('parses lines, skipping blanks and garbage', () => {
    const e = parseShadow('root:$6$s$h:19000:0:99999:7:::\n\nnobody:*:19000::::::\nbroken\nguest::19000:0:99999:7:::\n');
    expect(e.map((x) => [x.user, x.scheme, x.lineNo])).toEqual([
      ['root', 'sha512crypt', 1],
      ['nobody', 'locked', 3],
      ['guest', 'empty', 5],
    ]);
  });
});
