import { describe, expect, it } from 'vitest';
import { parseRule, RuleParseError } from './rule-parser.js';

describe('parseRule', () => {
  it('parses file existence and negation', () => {
    expect(parseRule('not f:/etc/hosts.equiv')).toEqual({ source: 'not f:/etc/hosts.equiv', negated: true, type: 'f', target: '/etc/hosts.equiv' });
  });

  it('parses a numeric compare', () => {
    const r = parseRule('f:/etc/ssh/sshd_config -> n:^\\s*MaxAuthTries\\s*(\\d+) compare <= 4');
    expect(r.test?.minterms).toEqual([{ negated: false, kind: 'numeric', pattern: '^\\s*MaxAuthTries\\s*(\\d+)', op: '<=', value: 4 }]);
  });

  it('splits && minterms and keeps ! per minterm', () => {
    const r = parseRule('f:/etc/sudoers -> !r:^# && r:NOPASSWD');
    expect(r.test?.minterms).toEqual([
      { negated: true, kind: 'regex', pattern: '^#' },
      { negated: false, kind: 'regex', pattern: 'NOPASSWD' },
    ]);
  });

  it('keeps the whole command before the first arrow, quotes and pipes included', () => {
    const r = parseRule('c:sh -c "nft list ruleset | awk \'/hook input/,/}/\'" -> r:policy drop');
    expect(r.type).toBe('c');
    expect(r.target).toBe('sh -c "nft list ruleset | awk \'/hook input/,/}/\'"');
    expect(r.test?.source).toBe('r:policy drop');
  });

  it('parses d: with a file-name pattern and a content test', () => {
    const r = parseRule('d:/etc/systemd/journald.conf.d -> r:.*\\.conf -> !r:^# && r:Storage=persistent');
    expect(r.fileName).toEqual({ kind: 'regex', pattern: '.*\\.conf' });
    expect(r.test?.minterms).toHaveLength(2);
    expect(parseRule('d:/etc/profile.d -> .sh').fileName).toEqual({ kind: 'literal', text: '.sh' });
  });

  it('treats a test without r:/n: as a literal whole-line comparison', () => {
    expect(parseRule('f:/proc/sys/kernel/ostype -> Linux').test?.minterms).toEqual([{ negated: false, kind: 'literal', text: 'Linux' }]);
  });

  it('rejects unknown types and malformed compares', () => {
    expect(() => parseRule('x:/etc')).toThrow(RuleParseError);
    expect(() => parseRule('f:/etc/a -> n:(\\d+) compare ~ 3')).toThrow(RuleParseError);
    expect(() => parseRule('f:/etc/a -> n:(\\d+)')).toThrow(RuleParseError);
    expect(() => parseRule('f:')).toThrow(RuleParseError);
  });
});
