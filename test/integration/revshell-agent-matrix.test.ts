/**
 * Every seed reverse-shell example this machine can run, end to end through the product:
 * `vigil server --local-agent` (the built CLI, real agent with netlink exec events), the example
 * started against a listener on 127.0.0.1, its alert read with DescribeSuspEvents (class checked),
 * killed with HandleSecurityEvents kill_process, and its processes gone. The time from start to
 * the alert being listed is printed per example (the latency target lives in bench/, not here).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeListener, descendants, isRunning, killTree, startListener, type Listener } from '../helpers/loopback-listener.js';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';
import { runnableExamples } from '../helpers/revshell-examples.js';
import { handleAlert, operationResult, suspEvents, type SuspEvent } from '../helpers/sas-alerts.js';
import { popClient } from '../helpers/sdk.js';

interface Details {
  pid: number;
  class: number;
  holderPid: number | null;
  peer: { remoteAddress: string; remotePort: number } | null;
}

let server: LocalAgentServer | undefined;
let sas: ReturnType<typeof popClient>;
const roots: number[] = [];
const listeners: Listener[] = [];
const dirs: string[] = [];
const latencies: Array<{ name: string; ms: number; rule: string }> = [];

const running = isRunning;

beforeAll(async () => {
  server = await startLocalAgentServer();
  const key = server.createKey();
  sas = popClient(server.url, key.AccessKeyId, key.AccessKeySecret);
  await until('agent online', async () => ((await sas.request('DescribeSummaryInfo', {})).AegisClientOnlineCount === 1 ? true : undefined));
}, 90_000);

afterEach(async () => {
  for (const r of roots.splice(0)) killTree(r);
  for (const l of listeners.splice(0)) await closeListener(l);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

afterAll(async () => {
  await server?.stop();
  if (latencies.length > 0) {
    console.log(`start → alert listed (DescribeSuspEvents polled every 100 ms):\n${latencies.map((l) => `  ${String(l.ms).padStart(5)} ms  ${l.rule.padEnd(30)} ${l.name}`).join('\n')}`);
  }
});

/** The process tree under `root` with each process's stdio and sockets, for a failure message. */
function treeReport(root: number): string {
  return [root, ...descendants(root)]
    .map((pid) => {
      let cmd = '?';
      let fds = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
        fds = readdirSync(`/proc/${pid}/fd`)
          .map((fd) => `${fd}->${readlinkSync(`/proc/${pid}/fd/${fd}`)}`)
          .join(' ');
      } catch {
        // exited while reporting
      }
      return `  ${pid} ${cmd} [${fds}]`;
    })
    .join('\n');
}

const examples = runnableExamples();

describe('seed reverse shells → agent alert → kill_process', () => {
  it('runs every example (the test setup installs their packages)', () => {
    expect(examples.skipped).toEqual([]);
  });

  it.each(examples.runnable.map((e) => [e.name, e] as const))('%s', async (name, ex) => {
    const cmdL = await startListener(ex.tls === true);
    const outL = await startListener();
    listeners.push(cmdL, outL);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-matrix-'));
    dirs.push(dir);
    const argv = ex.argv({ port: cmdL.port, port2: outL.port, dir });
    const t0 = Date.now();
    // A HOME without rc files: the machine's root .bashrc can stall interactive shells.
    const child = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: 'ignore', env: { ...process.env, HOME: dir } });
    child.on('error', () => undefined);
    const root = child.pid as number;
    roots.push(root);

    // The attack is up (for TLS: the handshake is done) before the agent is asked about it.
    await until(`${name}: connection to the listener`, async () => (cmdL.conns.length > 0 ? true : undefined), 30_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${treeReport(root)}`);
    });
    const ours = (e: SuspEvent): Details | undefined => {
      const d = JSON.parse(e.DetailsJson) as Partial<Details>;
      const port = d.peer?.remotePort;
      return e.EventStatus === 1 && d.class === ex.class && (port === cmdL.port || port === outL.port) ? (d as Details) : undefined;
    };
    const found = await until(
      `${name}: class-${ex.class} alert`,
      async () => {
        for (const e of await suspEvents(sas, { Levels: 'serious,suspicious' })) {
          const d = ours(e);
          if (d) return { e, d };
        }
        return undefined;
      },
      30_000,
    ).catch(async (err: unknown) => {
      // What the agent was looking at: the attack's processes and their descriptors, and the alerts listed.
      const listed = (await suspEvents(sas, { Levels: 'serious,suspicious' })).map((e) => `${e.Id} ${e.RuleId} status ${e.EventStatus}: ${e.Desc}`).slice(0, 20);
      throw new Error(`${(err as Error).message}; connections ${cmdL.conns.length}/${outL.conns.length}\n${treeReport(root)}\nalerts:\n${listed.join('\n')}`);
    });
    latencies.push({ name, ms: Date.now() - t0, rule: found.e.RuleId });
    const tree = new Set([root, ...descendants(root)]);
    expect(tree.has(found.d.pid)).toBe(true);
    expect(found.e.SupportOperateCode.split(',')).toContain('kill_process');
    expect(running(found.d.pid)).toBe(true);

    const task = await handleAlert(sas, found.e.Id, 'kill_process');
    expect(await operationResult(sas, task, found.e.Id)).toBe('Success');
    expect(running(found.d.pid)).toBe(false);
    if (found.d.holderPid !== null) expect(running(found.d.holderPid)).toBe(false);
    const after = (await suspEvents(sas, { Levels: 'serious,suspicious' })).find((e) => e.Id === found.e.Id);
    expect(after?.EventStatus, JSON.stringify(after)).toBe(32);
    expect(after?.OperateMsg).toContain(`killed pid ${found.d.pid}`);
  }, 90_000);
});
