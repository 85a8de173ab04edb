import { describe, expect, it } from 'vitest';
import { combine, evaluatePolicy, redactLine } from './evaluate.js';
import type { CommandOutput, HostProbe, ProbeDirEntry, ProbeResult, ProcessInfo } from './host-probe.js';
import { loadPolicy } from './policy.js';

/** A host described in memory: files, directories, symlinks, command outputs and processes. */
interface FakeHost {
  files?: Record<string, string>;
  unreadable?: string[];
  symlinks?: string[];
  commands?: Record<string, { stdout?: string; stderr?: string }>;
  processes?: ProcessInfo[];
}

function fakeProbe(h: FakeHost): HostProbe & { commandsRun: string[] } {
  const files = h.files ?? {};
  const isDir = (p: string): boolean => Object.keys(files).some((f) => f.startsWith(`${p.replace(/\/$/, '')}/`));
  const commandsRun: string[] = [];
  const missing = (p: string) => ({ ok: false as const, code: 'ENOENT' as const, reason: `${p}: ENOENT` });
  return {
    commandsRun,
    async readFile(p) {
      if (h.unreadable?.includes(p)) return { ok: false, code: 'EACCES', reason: `${p}: EACCES` };
      const t = files[p];
      return t === undefined ? missing(p) : { ok: true, value: { text: t, truncated: false } };
    },
    async stat(p) {
      if (files[p] !== undefined) return { ok: true, value: { kind: 'file', size: files[p].length, mode: 0o644, uid: 0, gid: 0 } };
      if (isDir(p)) return { ok: true, value: { kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 } };
      return missing(p);
    },
    async listDir(p): Promise<ProbeResult<ProbeDirEntry[]>> {
      if (!isDir(p)) return missing(p);
      const prefix = `${p.replace(/\/$/, '')}/`;
      const names = new Map<string, ProbeDirEntry['kind']>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const rest = f.slice(prefix.length);
        const name = rest.split('/')[0] as string;
        const full = prefix + name;
        names.set(name, h.symlinks?.includes(full) ? 'symlink' : rest.includes('/') ? 'dir' : 'file');
      }
      return { ok: true, value: [...names].map(([name, kind]) => ({ name, kind })) };
    },
    async runCommand(cmd): Promise<ProbeResult<CommandOutput>> {
      commandsRun.push(cmd);
      const c = h.commands?.[cmd];
      if (!c) return { ok: false, code: 'NOTFOUND', reason: 'command not found' };
      return { ok: true, value: { stdout: c.stdout ?? '', stderr: c.stderr ?? '', exitCode: 0, truncated: false } };
    },
    async listProcesses() {
      return { ok: true, value: h.processes ?? [] };
    },
  };
}

function policy(checks: string, extra = ''): string {
  return `policy:\n  id: t\n  name: test\n${extra}checks:\n${checks}`;
}

async function results(yaml: string, host: FakeHost): Promise<Record<number, string>> {
  const r = await evaluatePolicy(loadPolicy(yaml), fakeProbe(host));
  return Object.fromEntries(r.checks.map((c) => [c.id, c.result]));
}

describe('combine (Wazuh check aggregation)', () => {
  it('follows the all/any/none table', () => {
    expect(combine('all', ['found', 'found'])).toBe('passed');
    expect(combine('all', ['found', 'invalid'])).toBe('not applicable');
    expect(combine('all', ['invalid', 'not found'])).toBe('failed');
    expect(combine('any', ['not found', 'found'])).toBe('passed');
    expect(combine('any', ['not found', 'invalid'])).toBe('not applicable');
    expect(combine('any', ['not found'])).toBe('failed');
    expect(combine('none', ['not found'])).toBe('passed');
    expect(combine('none', ['invalid', 'found'])).toBe('failed');
    expect(combine('none', ['invalid', 'not found'])).toBe('not applicable');
  });
});

describe('evaluatePolicy', () => {
  it('f: content rules, && on one line, single negated minterm, numeric compare', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['f:/etc/x -> r:^alpha && r:beta'] }
  - { id: 2, title: b, condition: all, rules: ['f:/etc/x -> r:^alpha && r:gamma'] }
  - { id: 3, title: c, condition: all, rules: ['f:/etc/x -> !r:^root'] }
  - { id: 4, title: d, condition: all, rules: ['f:/etc/x -> !r:^alpha'] }
  - { id: 5, title: e, condition: all, rules: ['f:/etc/x -> n:^max\\s+(\\d+) compare <= 4'] }
  - { id: 6, title: f, condition: all, rules: ['f:/etc/x -> n:^max\\s+(\\d+) compare > 4'] }
  - { id: 7, title: g, condition: all, rules: ['f:/etc/x -> !r:^# && r:gamma'] }
  - { id: 8, title: h, condition: all, rules: ['f:/etc/x -> gamma 1'] }
`);
    const r = await results(yaml, { files: { '/etc/x': 'alpha beta\n# gamma\ngamma 1\nmax 3\n' } });
    expect(r).toEqual({ 1: 'passed', 2: 'failed', 3: 'passed', 4: 'failed', 5: 'passed', 6: 'failed', 7: 'passed', 8: 'passed' });
  });

  it('content tests on a missing or unreadable file are not applicable; `not` keeps that', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['f:/etc/missing -> r:x'] }
  - { id: 2, title: b, condition: all, rules: ['not f:/etc/missing -> r:x'] }
  - { id: 3, title: c, condition: all, rules: ['f:/etc/secret -> r:x'] }
  - { id: 4, title: d, condition: all, rules: ['not f:/etc/missing'] }
  - { id: 5, title: e, condition: all, rules: ['f:/etc/missing'] }
  - { id: 6, title: f, condition: all, rules: ['f:/etc/missing,/etc/present'] }
`);
    const r = await results(yaml, { files: { '/etc/secret': 'x', '/etc/present': '' }, unreadable: ['/etc/secret'] });
    expect(r).toEqual({ 1: 'not applicable', 2: 'not applicable', 3: 'not applicable', 4: 'passed', 5: 'failed', 6: 'passed' });
  });

  it('any/none short-circuit and N/A only when undecided', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: any, rules: ['f:/nope -> r:x', 'f:/etc/a -> r:yes'] }
  - { id: 2, title: b, condition: none, rules: ['f:/nope -> r:x', 'f:/etc/a -> r:no'] }
  - { id: 3, title: c, condition: none, rules: ['f:/etc/a -> r:yes', 'f:/nope -> r:x'] }
`);
    expect(await results(yaml, { files: { '/etc/a': 'yes' } })).toEqual({ 1: 'passed', 2: 'not applicable', 3: 'failed' });
  });

  it('c: matches stdout or stderr; an unrunnable command is not applicable', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['not c:dpkg-query -s telnet -> r:install ok installed'] }
  - { id: 2, title: b, condition: all, rules: ['c:sshd -T -> r:^permitrootlogin\\s+no'] }
  - { id: 3, title: c, condition: all, rules: ['c:missing-tool --x -> r:.'] }
  - { id: 4, title: d, condition: all, rules: ['c:true'] }
`);
    const r = await results(yaml, {
      commands: {
        'dpkg-query -s telnet': { stderr: "dpkg-query: package 'telnet' is not installed\n" },
        'sshd -T': { stdout: 'port 22\npermitrootlogin without-password\n' },
        true: {},
      },
    });
    expect(r).toEqual({ 1: 'passed', 2: 'failed', 3: 'not applicable', 4: 'passed' });
  });

  it('d: walks recursively, skips symlinks, literal names use OS_Match substring semantics', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['d:/etc/sudoers.d -> r:. -> r:NOPASSWD'] }
  - { id: 2, title: b, condition: all, rules: ['d:/etc/profile.d -> .sh -> r:umask 027'] }
  - { id: 3, title: c, condition: all, rules: ['d:/etc/link -> r:. -> r:secret'] }
  - { id: 4, title: d, condition: all, rules: ['d:/etc/nodir -> r:. -> r:x'] }
  - { id: 5, title: e, condition: all, rules: ['d:/etc/profile.d'] }
  - { id: 6, title: f, condition: all, rules: ['d:/etc/sudoers.d -> r:^none$'] }
`);
    const r = await results(yaml, {
      files: {
        '/etc/sudoers.d/deep/admins': 'alice ALL=(ALL) NOPASSWD: ALL',
        '/etc/profile.d/vigil.sh': 'umask 027',
        '/etc/link/sub/f': 'secret',
        '/etc/link/other': 'nothing',
      },
      symlinks: ['/etc/link/sub'],
    });
    expect(r).toEqual({ 1: 'passed', 2: 'passed', 3: 'failed', 4: 'not applicable', 5: 'passed', 6: 'failed' });
  });

  it('p: matches running process names; r: is not applicable on Linux', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['p:redis-server'] }
  - { id: 2, title: b, condition: none, rules: ['p:telnetd'] }
  - { id: 3, title: c, condition: all, rules: ['r:HKEY_LOCAL_MACHINE\\Software -> Foo'] }
`);
    const r = await results(yaml, { processes: [{ pid: 10, name: 'redis-server', cmdline: '/usr/bin/redis-server 127.0.0.1:6379' }] });
    expect(r).toEqual({ 1: 'passed', 2: 'passed', 3: 'not applicable' });
  });

  it('requirements gate the whole policy and variables are substituted', async () => {
    const yaml = `policy: { id: t, name: t }
requirements: { title: debian, condition: all, rules: ['f:/etc/debian_version -> r:^12\\.'] }
variables: { $sshd_file: /etc/ssh/sshd_config }
checks:
  - { id: 1, title: a, condition: all, rules: ['f:$sshd_file -> r:^PermitRootLogin\\s+no'] }
`;
    const deb = { files: { '/etc/debian_version': '12.7\n', '/etc/ssh/sshd_config': 'PermitRootLogin no\n' } };
    expect(await results(yaml, deb)).toEqual({ 1: 'passed' });
    const r = await evaluatePolicy(loadPolicy(yaml), fakeProbe({ files: { '/etc/debian_version': '11.2\n' } }));
    expect(r.requirementsMet).toBe(false);
    expect(r.checks[0]?.result).toBe('not applicable');
    expect(r.counts).toEqual({ passed: 0, failed: 0, notApplicable: 1 });
  });

  it('reports evidence and redacts secrets from evidence lines', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['f:/etc/redis/redis.conf -> r:^requirepass'] }
`);
    const r = await evaluatePolicy(loadPolicy(yaml), fakeProbe({ files: { '/etc/redis/redis.conf': 'requirepass hunter2secret\n' } }));
    const ev = r.checks[0]?.rules[0];
    expect(ev?.outcome).toBe('found');
    expect(ev?.reason).toContain('line 1');
    expect(ev?.reason).not.toContain('hunter2secret');
    expect(redactLine('masterauth = abc')).toBe('masterauth = ***');
  });

  it('an unsupported regex makes the rule not applicable rather than crashing', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['f:/etc/a -> r:(?>x)'] }
`);
    expect(await results(yaml, { files: { '/etc/a': 'x' } })).toEqual({ 1: 'not applicable' });
  });

  it('osregex policies use OS_Regex semantics', async () => {
    const yaml = policy(`
  - { id: 1, title: a, condition: all, rules: ['f:/etc/a -> r:^a.c$'] }
  - { id: 2, title: b, condition: all, regex_type: pcre2, rules: ['f:/etc/a -> r:^a.c$'] }
`, '  regex_type: osregex\n');
    expect(await results(yaml, { files: { '/etc/a': 'abc' } })).toEqual({ 1: 'failed', 2: 'passed' });
  });
});
