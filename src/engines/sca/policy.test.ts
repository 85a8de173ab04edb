import { describe, expect, it } from 'vitest';
import { loadPolicy, PolicyLoadError } from './policy.js';

const base = `policy: { id: p, name: P }
checks:
`;

describe('loadPolicy', () => {
  it('reads Wazuh fields and the optional vigil metadata', () => {
    const p = loadPolicy(`policy: { id: p, name: P, vigil: { category: config_red_line, level: medium } }
checks:
  - id: 7
    name: "Ensure SSH root login is disabled"
    condition: all
    rules: ['f:/etc/ssh/sshd_config -> r:^\\s*PermitRootLogin\\s+no']
    vigil:
      level: high
      fix: { kind: set_option, file: /etc/ssh/sshd_config, match: '^\\s*#?\\s*PermitRootLogin\\b', line: 'PermitRootLogin no', restart: ssh }
      verify: recheck
  - id: 8
    title: "inherits defaults"
    condition: any
    rules: ['f:/etc/a']
`);
    expect(p.checks[0]?.vigil).toEqual({
      category: 'config_red_line',
      level: 'high',
      fix: { kind: 'set_option', file: '/etc/ssh/sshd_config', match: '^\\s*#?\\s*PermitRootLogin\\b', line: 'PermitRootLogin no', restart: 'ssh' },
      verify: { kind: 'recheck' },
    });
    expect(p.checks[1]?.vigil).toEqual({ category: 'config_red_line', level: 'medium' });
    expect(p.checks[1]?.title).toBe('inherits defaults');
    expect(p.regexType).toBe('pcre2');
  });

  it('names the bad element', () => {
    expect(() => loadPolicy(`${base}  - { id: 1, title: a, condition: most, rules: ['f:/a'] }`)).toThrow(/check 1: condition/);
    expect(() => loadPolicy(`${base}  - { id: 1, title: a, condition: all, rules: ['q:/a'] }`)).toThrow(/check 1: rule 0/);
    expect(() => loadPolicy(`${base}  - { id: 1, title: a, condition: all, rules: ['f:/a'] }\n  - { id: 1, title: b, condition: all, rules: ['f:/a'] }`)).toThrow(/duplicate/);
    expect(() => loadPolicy(`${base}  - { id: 1, title: a, condition: all, rules: ['f:/a'], vigil: { category: nope, level: high } }`)).toThrow(PolicyLoadError);
    expect(() => loadPolicy('checks: []')).toThrow(/policy/);
    expect(() => loadPolicy('policy: [')).toThrow(/YAML/);
  });
});
