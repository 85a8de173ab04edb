import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRootAccount } from '../../src/domain/iam/accounts-service.js';
import { loadConfig } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/start.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLE = join(REPO, 'dist/agent/vigil-agent.mjs');

/** Builds the agent bundle the server serves and the tests run (what `npm run build:agent` does). */
export function buildAgentBundle(): void {
  execFileSync(process.execPath, [join(REPO, 'scripts/build-agent.mjs')], { stdio: 'inherit' });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface Vigil {
  server: RunningServer;
  url: string;
  accountId: string;
  key: { id: string; secret: string };
}

/** A real server on a fixed port and home, so the test can stop it and start it again in place. */
export async function startVigil(home: string, port: number, flags: Record<string, unknown> = {}, key?: { id: string; secret: string }): Promise<Vigil> {
  const config = loadConfig({ env: {}, flags: { home, port, logLevel: 'silent', ...flags } });
  const server = await startServer(config);
  const root = await ensureRootAccount(server.services.store.db);
  let k = key;
  if (!k) {
    const created = await server.services.accessKeys.create(root.accountId, root.rootUserId);
    k = { id: created.view.AccessKeyId, secret: created.secret };
  }
  return { server, url: server.url, accountId: root.accountId, key: k };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * Runs the agent bundle as a child in its own process group (so stop() also ends what it spawns);
 * `prefix` is a command that runs it (`unshare -m …`).
 */
export function spawnAgent(args: string[], env: NodeJS.ProcessEnv = {}, prefix: string[] = []): AgentProcess {
  const argv = [...prefix, process.execPath, BUNDLE, ...args];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { PATH: process.env.PATH ?? '', ...env } });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (text += b.toString()));
  return {
    child,
    output: () => text,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        return;
      }
      const t = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // gone
        }
      }, 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs a one-shot agent command (emit, doctor, status) and returns its exit code and output. */
export async function agentCommand(args: string[], env: NodeJS.ProcessEnv = {}, prefix: string[] = []): Promise<{ code: number | null; out: string }> {
  const p = spawnAgent(args, env, prefix);
  const code = await new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
  return { code, out: p.output() };
}

export function agentIdOf(home: string): string {
  return (JSON.parse(readFileSync(join(home, 'agent.json'), 'utf8')) as { agentId: string }).agentId;
}

export function rmrf(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** A plain TCP relay (nginx `stream` style): bytes in, bytes out, nothing understood. */
export async function startTcpRelay(targetPort: number): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((client) => {
    count++;
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A minimal HTTP CONNECT proxy (what HTTPS_PROXY points at); records the authorities it tunnelled to. */
export async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close: () => Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: HttpServer = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const authority = req.url ?? '';
    const m = /^(.+):(\d+)$/.exec(authority);
    if (!m) return client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    tunnels.push(authority);
    const upstream = connect(Number(m[2]), (m[1] as string).replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      end();
    });
    client.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
