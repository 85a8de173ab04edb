import { describe, expect, it } from 'vitest';
import { compileWazuhRegex, translateOsRegex, translatePcre2, UnsupportedRegexError } from './wazuh-regex.js';

const pcre = (p: string, s: string): boolean => compileWazuhRegex(p, 'pcre2').test(s);
const osr = (p: string, s: string): boolean => compileWazuhRegex(p, 'osregex').test(s);
const sre = (p: string, s: string): boolean => compileWazuhRegex(p, 'sregex').test(s);

describe('pcre2 dialect', () => {
  it('is caseless, like Wazuh compiles it', () => {
    expect(pcre('^PermitRootLogin\\s+no', 'permitrootlogin NO')).toBe(true);
  });

  it('\\s is ASCII whitespace only (no NBSP), as PCRE2 without UCP', () => {
    expect(pcre('a\\sb', 'a\tb')).toBe(true);
    expect(pcre('a\\sb', 'a\u00a0b')).toBe(false);
    expect(new RegExp('a\\sb').test('a\u00a0b')).toBe(true);
    expect(pcre('a\\Sb', 'a\u00a0b')).toBe(true);
  });

  it('\\d \\w and escapes inside classes keep their meaning', () => {
    expect(pcre('^[\\w@-]+:x:', 'www-data:x:33')).toBe(true);
    expect(pcre('^[\\w@-]+:x:', ':x:')).toBe(false);
    expect(pcre('[\\s]+=', 'a \t= 1')).toBe(true);
    expect(pcre('\\d+\\.\\d+', '12.5')).toBe(true);
    expect(pcre('\\d+\\.\\d+', '12x5')).toBe(false);
  });

  it('translates PCRE-only syntax', () => {
    expect(pcre('\\Ahello\\z', 'hello')).toBe(true);
    expect(pcre('\\Ahello\\Z', 'hello world')).toBe(false);
    expect(pcre('a\\hb', 'a\tb')).toBe(true);
    expect(pcre('\\Qa.b*c\\E$', 'xa.b*c')).toBe(true);
    expect(pcre('\\Qa.b*c\\E$', 'xaxbbc')).toBe(false);
    expect(pcre('^[[:digit:]]+$', '0640')).toBe(true);
    expect(pcre('^[[:space:][:alpha:]]+$', 'a b\tc')).toBe(true);
    expect(pcre('(?P<n>ab)(?P=n)', 'abab')).toBe(true);
    expect(pcre('(?i)abc', 'ABC')).toBe(true);
    expect(pcre('a(?#comment)b', 'ab')).toBe(true);
    expect(pcre('\\x{41}', 'A')).toBe(true);
    expect(pcre('[]a]', ']')).toBe(true);
  });

  it('rejects constructs JS cannot express instead of approximating them', () => {
    expect(() => translatePcre2('(?>ab)c')).toThrow(UnsupportedRegexError);
    expect(() => translatePcre2('a++b')).toThrow(UnsupportedRegexError);
    expect(() => translatePcre2('foo\\Kbar')).toThrow(UnsupportedRegexError);
    expect(() => translatePcre2('[a')).toThrow(UnsupportedRegexError);
  });
});

describe('osregex dialect', () => {
  it('\\. is ANY character and a bare . is a literal dot', () => {
    expect(osr('a\\.c', 'abc')).toBe(true);
    expect(osr('a.c', 'abc')).toBe(false);
    expect(osr('a.c', 'a.c')).toBe(true);
  });

  it('\\w includes - @ _; \\s is a space only; \\p is punctuation', () => {
    expect(osr('^\\w+$', 'www-data@host_1')).toBe(true);
    expect(osr('^a\\sb$', 'a b')).toBe(true);
    expect(osr('^a\\sb$', 'a\tb')).toBe(false);
    expect(osr('^a\\tb$', 'a\tb')).toBe(true);
    expect(osr('^x\\p+$', 'x()[]{}')).toBe(true);
    expect(osr('^\\d+$', '12a')).toBe(false);
    expect(osr('^\\D+$', 'abc')).toBe(true);
  });

  it('[ ] ? { } are literals and \\$ \\( \\) \\| are escapes', () => {
    expect(osr('a[0]', 'a[0]')).toBe(true);
    expect(osr('a[0]', 'a0')).toBe(false);
    expect(osr('\\$HOME', '$HOME')).toBe(true);
    expect(osr('\\(x\\)\\|', '(x)|')).toBe(true);
    expect(translateOsRegex('a?')).toBe('a\\?');
  });

  it('| separates alternatives, ^ and $ anchor, and it is caseless', () => {
    expect(osr('^yes$|^on$', 'ON')).toBe(true);
    expect(osr('^yes$|^on$', 'only')).toBe(false);
  });

  it('rejects unknown escapes', () => {
    expect(() => translateOsRegex('\\x')).toThrow(UnsupportedRegexError);
  });
});

describe('sregex dialect (OS_Match)', () => {
  it('is a caseless substring match with ^ $ anchors and | alternatives', () => {
    expect(sre('.sh', 'profile.SH')).toBe(true);
    expect(sre('.sh', 'bash')).toBe(false);
    expect(sre('^rc|.conf$', 'rc.local')).toBe(true);
    expect(sre('^rc|.conf$', 'x.conf')).toBe(true);
    expect(sre('^rc|.conf$', 'x.conf.bak')).toBe(false);
  });
});
