import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { buildCatalog } from '../actions/catalog.js';
import type { Services } from '../actions/services.js';
import { ensureRootAccount } from '../domain/iam/accounts-service.js';
import type { AppContext } from './app-context.js';
import { buildTrustList } from './client-ip.js';
import type { Config } from './config.js';
import { consoleRoutes } from './console-routes.js';
import { ERROR_HELP, classifyError, sendError } from './errors.js';
import { NonceStore } from './nonce-store.js';
import { bodyFor, requestMeta } from './request-meta.js';
import { rpcRoutes } from './rpc-route.js';
import { securityHeaders } from './security-headers.js';
import { agentRoutes } from './agent-routes.js';
import { assetExportRoutes } from '../actions/assets-export-route.js';

export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
}

/** Where the built console lives: next to dist/server when built, or dist/console from src/. */
export function consoleDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '../console'), join(here, '../../dist/console')]) if (existsSync(join(dir, 'index.html'))) return dir;
  return null;
}

export interface BuiltApp {
  fastify: FastifyInstance;
  app: AppContext;
  createdRootPassword?: string;
}

export async function buildApp(config: Config, services: Services, tls?: TlsMaterial): Promise<BuiltApp> {
  const root = await ensureRootAccount(services.store.db);
  const app: AppContext = {
    config,
    services,
    catalog: buildCatalog(),
    nonces: new NonceStore(config.signature.nonceTtlSec, config.signature.timestampWindowSec),
    trust: buildTrustList(config.trustedProxies),
    rootAccountId: root.accountId,
  };

  const fastify = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'], censor: '******' },
      serializers: {
        // Never log query strings: v1 signatures and business params travel there.
        req: (req: { method: string; url: string; socket?: { remoteAddress?: string } }) => ({ method: req.method, path: req.url.split('?')[0], remote: req.socket?.remoteAddress }),
      },
    },
    bodyLimit: config.limits.bodyBytes,
    requestTimeout: config.limits.requestTimeoutMs,
    trustProxy: false,
    // Per-request access lines only at debug/trace: the audit trail already records every call.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    serverFactory: (handler) => {
      const opts = { requestTimeout: config.limits.requestTimeoutMs, headersTimeout: config.limits.headersTimeoutMs, connectionsCheckingInterval: 1000 };
      const server: Server = tls ? createHttpsServer({ ...opts, cert: tls.cert, key: tls.key }, handler) : createHttpServer(opts, handler);
      return server;
    },
  });

  fastify.setErrorHandler((err, req, reply) => {
    const meta = requestMeta(app, req);
    const e = classifyError(err);
    if (e.internal) req.log.error({ err, requestId: meta.requestId }, 'unhandled error');
    return sendError(reply, bodyFor(app, req, meta.requestId, e.code, e.message), e.status);
  });
  fastify.setNotFoundHandler((req, reply) => {
    const meta = requestMeta(app, req);
    if (req.method === 'GET' && req.url.startsWith('/console')) {
      const dir = consoleDir();
      if (dir) return reply.type('text/html').sendFile('index.html', dir);
    }
    return sendError(reply, bodyFor(app, req, meta.requestId, 'InvalidApi.NotFound', `No route for ${req.method} ${req.url.split('?')[0]}.`), 404);
  });

  await fastify.register(cookie);
  const headers = securityHeaders(Boolean(tls));
  fastify.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });

  fastify.get('/healthz', async () => ({ status: 'ok', database: services.store.dialect }));
  fastify.get<{ Params: { code: string } }>('/errors/:code', async (req, reply) => {
    const help = ERROR_HELP[req.params.code];
    if (!help) return reply.code(404).send({ Code: req.params.code, Help: 'Unknown error code.' });
    return { Code: req.params.code, Help: help };
  });

  await fastify.register(async (scope) => rpcRoutes(scope, app));
  await fastify.register(async (scope) => consoleRoutes(scope, app));
  await fastify.register(async (scope) => agentRoutes(scope, app));
  await fastify.register(async (scope) => assetExportRoutes(scope, services.assetExports));

  const dir = consoleDir();
  if (dir) {
    await fastify.register(fastifyStatic, { root: dir, prefix: '/console/', index: ['index.html'], wildcard: true, maxAge: '1h' });
    fastify.get('/console', (_req, reply) => reply.redirect('/console/'));
  } else {
    fastify.get('/console/*', (_req, reply) => reply.code(503).type('text/plain').send('The console is not built: run `npm run build:console`.'));
  }

  return { fastify, app, ...(root.createdPassword ? { createdRootPassword: root.createdPassword } : {}) };
}
