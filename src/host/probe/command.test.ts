import { describe, expect, it } from 'vitest';
import { runPolicyCommand, splitCommand } from './command.js';

describe('splitCommand', () => {
  it('splits like a POSIX shell without running one', () => {
    expect(splitCommand('stat -L -c "%a %U %G" /etc/shadow')).toEqual({ argv: ['stat', '-L', '-c', '%a %U %G', '/etc/shadow'], needsShell: false });
    expect(splitCommand("dpkg-query -W -f='${Status}\\n' sudo")).toEqual({ argv: ['dpkg-query', '-W', '-f=${Status}\\n', 'sudo'], needsShell: false });
    expect(splitCommand('echo a\\ b "c\\"d"')).toEqual({ argv: ['echo', 'a b', 'c"d'], needsShell: false });
  });

  it('flags unquoted shell syntax (pipes, lists, redirections, globs, expansions)', () => {
    for (const c of ['ps aux | grep x', 'a && b', 'a; b', 'cat < f', 'ls /etc/*.conf', 'echo $HOME', 'echo "$HOME"', 'echo `id`', 'cd ~']) {
      expect(splitCommand(c).needsShell, c).toBe(true);
    }
    expect(splitCommand('sh -c "a | b"').needsShell).toBe(false);
  });

  it('rejects unterminated quotes', () => {
    expect(() => splitCommand('echo "abc')).toThrow();
    expect(() => splitCommand("echo 'abc")).toThrow();
  });
});

describe('runPolicyCommand', () => {
  const opts = { timeoutMs: 5000, maxOutputBytes: 1024 };

  it('runs argv directly and keeps non-zero exits as results', async () => {
    const r = await runPolicyCommand('ls /definitely-missing-dir', opts);
    expect(r.ok && r.value.exitCode !== 0 && r.value.stderr.includes('definitely-missing-dir')).toBe(true);
  });

  it('reports a missing program as NOTFOUND', async () => {
    const r = await runPolicyCommand('vigil-no-such-tool --x', opts);
    expect(r).toMatchObject({ ok: false, code: 'NOTFOUND' });
  });

  it('uses /bin/sh -c only for shell syntax', async () => {
    const r = await runPolicyCommand('printf "a\\nb\\n" | wc -l', opts);
    expect(r.ok && r.value.stdout.trim()).toBe('2');
  });

  it('kills the process group on timeout', async () => {
    const r = await runPolicyCommand('sh -c "sleep 30 & sleep 30"', { timeoutMs: 300, maxOutputBytes: 1024 });
    expect(r).toMatchObject({ ok: false, code: 'TIMEOUT' });
  });

  it('caps output', async () => {
    const r = await runPolicyCommand('head -c 5000 /dev/zero', opts);
    expect(r.ok && r.value.stdout.length === 1024 && r.value.truncated).toBe(true);
  });
});
