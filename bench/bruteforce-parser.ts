/**
 * Brute-force log throughput (issue 3, R-6.5): lines/s through AuthLogParser (+ detector) on
 * (a) a synthetic auth.log of a host under SSH attack mixed with ordinary system noise and
 * (b) fail2ban's annotated sshd corpus repeated; fail2ban-regex on the same files when installed.
 *
 *   npm run bench:bruteforce [-- lines]      (default 500000)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Engine from '../src/engines/bruteforce/index.js';

// BENCH_ENGINE_DIR: another copy of src/engines/bruteforce (e.g. an older commit's) for before/after runs.
const engineDir = process.env.BENCH_ENGINE_DIR;
const { AuthLogParser, BruteForceDetector } = (await import(engineDir ? pathToFileURL(join(engineDir, 'index.ts')).href : '../src/engines/bruteforce/index.js')) as typeof Engine;

const N = Number(process.argv[2] ?? 500_000);
const DATA = process.env.VIGIL_SHARED_DATA ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));

/** Deterministic pseudo-random (no Math.random: runs must be comparable). */
let seed = 42;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function synthetic(lines: number): string {
  const out: string[] = [];
  let t = Date.UTC(2026, 2, 3, 0, 0, 0);
  const users = ['root', 'admin', 'oracle', 'test', 'ubuntu', 'git', 'postgres', 'user1'];
  for (let i = 0; i < lines; i++) {
    t += rnd(3) * 1000;
    const d = new Date(t);
    const ts = `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    const a = rnd(2000); // 2000 attacking sources
    const ip = `${45 + (a % 150)}.${(a * 7) & 255}.${(a * 13) & 255}.${1 + (a % 254)}`;
    const pid = 1000 + rnd(60_000);
    const u = users[rnd(users.length)] ?? 'root';
    const r = rnd(100);
    let msg: string;
    // ~45 % sshd attack traffic, ~55 % ordinary auth.log noise (cron, sudo, logind, systemd, kernel).
    if (r < 15) msg = `sshd[${pid}]: Failed password for ${u} from ${ip} port ${1024 + rnd(60000)} ssh2`;
    else if (r < 22) msg = `sshd[${pid}]: Invalid user ${u}${rnd(99)} from ${ip} port ${1024 + rnd(60000)}`;
    else if (r < 30) msg = `sshd[${pid}]: Connection closed by authenticating user ${u} ${ip} port ${1024 + rnd(60000)} [preauth]`;
    else if (r < 36) msg = `sshd[${pid}]: Received disconnect from ${ip} port ${1024 + rnd(60000)}:11: Bye Bye [preauth]`;
    else if (r < 41) msg = `sshd[${pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${u}`;
    else if (r < 43) msg = `sshd[${pid}]: Accepted publickey for deploy from 10.0.0.${1 + rnd(9)} port ${1024 + rnd(60000)} ssh2: ED25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG`;
    else if (r < 45) msg = `sshd[${pid}]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)`;
    else if (r < 65) msg = `CRON[${pid}]: pam_unix(cron:session): session ${rnd(2) ? 'opened' : 'closed'} for user root${rnd(2) ? '(uid=0) by (uid=0)' : ''}`;
    else if (r < 75) msg = `sudo[${pid}]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart app`;
    else if (r < 82) msg = `sudo[${pid}]: pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1000)`;
    else if (r < 90) msg = `systemd-logind[612]: New session ${rnd(9999)} of user deploy.`;
    else if (r < 95) msg = `systemd[1]: Started session-${rnd(9999)}.scope - Session ${rnd(9999)} of User deploy.`;
    else msg = `kernel: [${rnd(99999)}.${rnd(999999)}] audit: type=1400 audit(1700000000.000:${rnd(9999)}): apparmor="STATUS" operation="profile_load"`;
    out.push(`${ts} web-01 ${msg}`);
  }
  return `${out.join('\n')}\n`;
}

function corpus(lines: number): string {
  const base = readFileSync(join(DATA, 'authlog/sshd.log'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const out: string[] = [];
  while (out.length < lines) out.push(...base);
  return `${out.slice(0, lines).join('\n')}\n`;
}

function runVigil(text: string): { lines: number; events: number; blocks: number; ms: number; cpuMs: number } {
  const lines = text.split('\n');
  lines.pop();
  const parser = new AuthLogParser({ time: { year: 2026, utcOffsetMinutes: 0 } });
  const detector = new BruteForceDetector({ rules: [{ id: 'r', failures: 5, windowSeconds: 300, blockSeconds: 600 }] });
  let events = 0;
  let blocks = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const l of lines) {
    for (const ev of parser.feed(l)) {
      events++;
      for (const f of detector.observe(ev)) if (f.block) blocks++;
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(cpu0);
  return { lines: lines.length, events, blocks, ms, cpuMs: (c.user + c.system) / 1000 };
}

function runFail2ban(file: string): { ms: number; summary: string } | null {
  const filter = '/etc/fail2ban/filter.d/sshd.conf';
  if (spawnSync('sh', ['-c', 'command -v fail2ban-regex']).status !== 0) return null;
  const t0 = Date.now();
  const r = spawnSync('fail2ban-regex', ['--print-no-missed', '--print-no-ignored', file, filter], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Date.now() - t0;
  const summary = /Lines: .*/.exec(r.stdout)?.[0] ?? r.stderr.slice(0, 200);
  return { ms, summary };
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-bf-'));
try {
  console.log(`uptime: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
  for (const [name, make] of [
    ['synthetic auth.log (45 % sshd attack, 55 % noise)', synthetic],
    ['fail2ban sshd corpus, repeated', corpus],
  ] as const) {
    if (process.env.BENCH_ONLY && !name.startsWith(process.env.BENCH_ONLY)) continue;
    const text = make(N);
    const file = join(dir, 'auth.log');
    writeFileSync(file, text);
    runVigil(text.slice(0, 2_000_000)); // warm-up (JIT)
    const v = runVigil(text);
    console.log(`\n${name}: ${v.lines} lines, ${(text.length / 1048576).toFixed(1)} MiB`);
    console.log(`  vigil   ${Math.round((v.lines / v.ms) * 1000).toLocaleString('en')} lines/s wall, ${Math.round((v.lines / v.cpuMs) * 1000).toLocaleString('en')} lines/s CPU (${v.events} events, ${v.blocks} blocks, ${v.ms.toFixed(0)} ms)`);
    if (process.env.BENCH_SKIP_FAIL2BAN !== '1') {
      const f = runFail2ban(file);
      if (f) console.log(`  fail2ban-regex ${Math.round((v.lines / f.ms) * 1000).toLocaleString('en')} lines/s wall (${f.ms} ms; ${f.summary})`);
      else console.log('  fail2ban-regex not installed');
    }
  }
  console.log(`\nuptime: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
