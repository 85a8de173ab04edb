/**
 * Loopback "attacker" listeners for live reverse-shell tests (plain TCP or TLS with a throwaway
 * self-signed certificate) and clean-up of the process trees the tests start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { parseProcStat } from '../../src/host/procfs/parse-proc.js';
import { listPids } from '../../src/host/procfs/read-snapshot.js';

export interface Listener {
  port: number;
  server: Server;
  conns: Socket[];
  received: () => string;
  send: (text: string) => void;
}

/** A self-signed certificate for TLS listeners (openssl s_client examples), made once per process. */
let tlsMaterial: { key: Buffer; cert: Buffer } | null = null;
function selfSigned(): { key: Buffer; cert: Buffer } {
  if (tlsMaterial) return tlsMaterial;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')]);
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr.toString()}`);
    tlsMaterial = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
    return tlsMaterial;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A listener on 127.0.0.1 (random port) that records what it receives and can send to every client. */
export async function startListener(tls = false): Promise<Listener> {
  const conns: Socket[] = [];
  let data = '';
  const onConn = (s: Socket): void => {
    conns.push(s);
    s.on('data', (b) => {
      data += b.toString('utf8');
    });
    s.on('error', () => undefined);
  };
  const server: Server = tls ? createTlsServer(selfSigned(), onConn) : createServer(onConn);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('listener has no port');
  return {
    port: addr.port,
    server,
    conns,
    received: () => data,
    send: (text) => {
      for (const c of conns) c.write(text);
    },
  };
}

export async function closeListener(l: Listener): Promise<void> {
  for (const c of l.conns) c.destroy();
  await new Promise<void>((resolve) => l.server.close(() => resolve()));
}

/** Pids whose ppid chain leads to `root`, from /proc. */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const pid of listPids()) {
    try {
      const st = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (st) parent.set(pid, st.ppid);
    } catch {
      // exited while listing
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    let cur: number | undefined = pid;
    for (let i = 0; i < 64 && cur !== undefined && cur > 1; i++) {
      cur = parent.get(cur);
      if (cur === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}


function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** SIGKILL a started process, its process group and every descendant (`setsid` shells leave the group). */
export function killTree(root: number): void {
  const tree = descendants(root);
  try {
    process.kill(-root, 'SIGKILL');
  } catch {
    // group already gone
  }
  kill(root);
  for (const pid of tree) kill(pid);
}

/** Whether `pid` runs (exists and is neither a zombie nor dead). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
