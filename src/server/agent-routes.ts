import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { LINK_HEADERS, MAX_MESSAGE_BYTES } from '../agent/protocol.js';
import { packRules } from '../agent/rules-bundle.js';
import { findRulesRoot } from '../agent/rules-dir.js';
import { cleanHostFacts } from '../domain/agents/agent-registry.js';
import { isRefusal } from '../domain/agents/install-code-service.js';
import { installScript, refusalScript, safeServerUrl } from '../domain/agents/install-script.js';
import type { AppContext } from './app-context.js';
import { clientIp } from './client-ip.js';

/** Where the esbuild agent bundle lives: dist/agent next to dist/server, or dist/agent from src/. */
export function agentBundlePath(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, '../agent/vigil-agent.mjs'), join(here, '../../dist/agent/vigil-agent.mjs')]) if (existsSync(p)) return p;
  return null;
}

/** Failed enrollments per source IP per minute: install codes must not be guessable by brute force. */
class FailureLimiter {
  private readonly hits = new Map<string, { start: number; n: number }>();
  constructor(private readonly max: number) {}
  blocked(ip: string, now: number): boolean {
    const h = this.hits.get(ip);
    return !!h && now - h.start < 60_000 && h.n >= this.max;
  }
  fail(ip: string, now: number): void {
    const h = this.hits.get(ip);
    if (!h || now - h.start >= 60_000) {
      if (this.hits.size > 100_000) this.hits.clear();
      this.hits.set(ip, { start: now, n: 1 });
    } else h.n++;
  }
}

function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ Code: code, Message: message });
  const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nDate: ${new Date().toUTCString()}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Enrollment, install script, agent bundle and the `/agent/ws` link. */
export async function agentRoutes(fastify: FastifyInstance, app: AppContext): Promise<void> {
  const { installCodes, agents: hub } = app.services;
  const limiter = new FailureLimiter(30);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  fastify.get<{ Querystring: { code?: string } }>('/agent/install.sh', async (req, reply) => {
    reply.type('text/x-shellscript; charset=utf-8').header('cache-control', 'no-store');
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], app.trust);
    const now = Date.now();
    if (limiter.blocked(ip, now)) return refusalScript('too many failed attempts from this address; wait a minute.');
    const checked = await installCodes.check(String(req.query.code ?? ''), now);
    if (isRefusal(checked)) {
      limiter.fail(ip, now);
      return reply.header('x-vigil-refused', checked.code).send(refusalScript(checked.message));
    }
    const url = safeServerUrl(req.protocol, req.headers.host);
    if (!url) return refusalScript('the Host header of this request is not a plain host[:port]; use the server address shown in the console.');
    return installScript({ serverUrl: url, code: checked.code, onlyImage: checked.onlyImage });
  });

  fastify.get('/agent/vigil-agent.mjs', async (_req, reply) => {
    const p = agentBundlePath();
    if (!p) return reply.code(503).type('text/plain').send('The agent bundle is not built: run `npm run build:agent`.');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(await readFile(p));
  });

  // The rules an installed agent keeps beside its program (rules-bundle.ts); public like the program.
  let rules: string | null = null;
  fastify.get('/agent/rules.json', async (_req, reply) => {
    if (rules === null) {
      const root = findRulesRoot();
      if (!root) return reply.code(503).type('text/plain').send('This server has no rules/ directory.');
      rules = JSON.stringify(packRules(root));
    }
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(rules);
  });

  fastify.post<{ Body: { code?: unknown; hostFacts?: unknown } }>('/agent/enroll', async (req, reply) => {
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], app.trust);
    const now = Date.now();
    if (limiter.blocked(ip, now)) return reply.code(429).send({ Code: 'Throttling', Message: 'Too many failed enrollments from this address; wait a minute.' });
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    const checked = await installCodes.check(typeof body.code === 'string' ? body.code : '', now);
    if (isRefusal(checked)) {
      limiter.fail(ip, now);
      return reply.code(checked.status).send({ Code: checked.code, Message: checked.message });
    }
    const facts = cleanHostFacts(body.hostFacts);
    const cred = await hub.registry.enroll(checked, facts, ip, now);
    await installCodes.markUsed(checked.code);
    req.log.info({ agentId: cred.agentId, hostname: facts.hostname }, 'agent enrolled');
    return { agentId: cred.agentId, agentSecret: cred.agentSecret, serverTime: now };
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/agent/ws') return rejectUpgrade(socket, 404, 'InvalidApi.NotFound', `No WebSocket endpoint at ${path}.`);
    const h = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : '';
    };
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], app.trust);
    const now = Date.now();
    if (limiter.blocked(ip, now)) return rejectUpgrade(socket, 429, 'Throttling', 'Too many rejected connections from this address; wait a minute.');
    const agentId = h(LINK_HEADERS.agentId);
    const nonce = h(LINK_HEADERS.nonce);
    hub.registry
      .verifyLink(agentId, h(LINK_HEADERS.timestamp), nonce, h(LINK_HEADERS.signature), now, app.config.signature.timestampWindowSec)
      .then((auth) => {
        if (!auth.ok) {
          limiter.fail(ip, now);
          return rejectUpgrade(socket, 401, auth.code, auth.message);
        }
        if (app.nonces.use(`agent:${agentId}`, nonce, now) !== 'ok') return rejectUpgrade(socket, 401, 'NonceUsed', 'This nonce was already used (replay); the agent retries with a new one.');
        wss.handleUpgrade(req, socket, head, (ws) => hub.accept(ws, auth, ip));
      })
      .catch((err: unknown) => {
        fastify.log.error({ err }, 'agent upgrade failed');
        rejectUpgrade(socket, 400, 'InternalError', 'The server could not check the agent credential.');
      });
  };

  fastify.server.on('upgrade', onUpgrade);
  hub.start();
  // Before the HTTP server closes: upgraded sockets are not HTTP connections and would hold close().
  fastify.addHook('preClose', async () => {
    fastify.server.off('upgrade', onUpgrade);
    hub.stop();
    wss.close();
  });
}
