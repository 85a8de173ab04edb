import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import { PRODUCT_VERSIONS } from '../actions/catalog-types.js';
import { VigilError } from '../domain/errors.js';
import type { Principal, RequestMeta } from '../domain/principal.js';
import type { SessionInfo } from '../domain/iam/session-service.js';
import { safeEqual } from '../iam/crypto.js';
import type { AppContext } from './app-context.js';
import { recordCall, runAction } from './dispatch.js';
import { classifyError, sendError } from './errors.js';
import { coerceJsonParams } from './params.js';
import { bodyFor, requestMeta } from './request-meta.js';

export const SESSION_COOKIE = 'vigil_sid';

const LoginBody = Type.Object({
  UserName: Type.String({ minLength: 1, maxLength: 64 }),
  Password: Type.String({ minLength: 1, maxLength: 256 }),
  TotpCode: Type.Optional(Type.String({ maxLength: 16 })),
});

function sessionPrincipal(s: SessionInfo): Principal {
  return { accountId: s.accountId, userId: s.userId, userName: s.userName, kind: s.isRoot ? 'root-account' : 'ram-user', via: 'session', mfa: s.mfa };
}

function sessionView(s: { accountId: string; userName: string; isRoot: boolean; mfa: boolean }, csrfToken: string) {
  return { UserName: s.userName, AccountId: s.accountId, CsrfToken: csrfToken, IsRoot: s.isRoot, MFAPresent: s.mfa };
}

/** The console's JSON API: session login and the same action catalog as the RPC endpoint. */
export async function consoleRoutes(fastify: FastifyInstance, app: AppContext): Promise<void> {
  await fastify.register(rateLimit, {
    global: false,
    errorResponseBuilder: (req, ctx) => ({
      statusCode: 429,
      ...bodyFor(app, req, requestMeta(app, req).requestId, 'Throttling.User', `Too many login attempts; retry in ${Math.ceil(ctx.ttl / 1000)} s.`),
    }),
  });

  const fail = (req: FastifyRequest, reply: FastifyReply, meta: RequestMeta, err: unknown) => {
    const e = classifyError(err);
    if (e.internal) req.log.error({ err, requestId: meta.requestId }, 'console request failed');
    return sendError(reply, bodyFor(app, req, meta.requestId, e.code, e.message, e.extra), e.status);
  };

  const cookieOpts = (req: FastifyRequest) => ({ path: '/', httpOnly: true, sameSite: 'strict' as const, secure: req.protocol === 'https' });

  async function currentSession(req: FastifyRequest): Promise<{ token: string; session: SessionInfo } | null> {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return null;
    const session = await app.services.sessions.get(token);
    return session ? { token, session } : null;
  }

  fastify.post('/api/login', { config: { rateLimit: { max: app.config.login.perIpPerMinute, timeWindow: 60_000 } } }, async (req, reply) => {
    const started = performance.now();
    const meta = requestMeta(app, req);
    let principal: Principal | null = null;
    let userName = '';
    try {
      const body = coerceJsonParams(LoginBody, req.body) as { UserName: string; Password: string; TotpCode?: string };
      userName = body.UserName;
      const r = await app.services.login.login(body.UserName, body.Password, body.TotpCode);
      principal = { accountId: r.accountId, userId: r.userId, userName: r.userName, kind: r.isRoot ? 'root-account' : 'ram-user', via: 'session', mfa: r.mfa };
      const { token, csrfToken } = await app.services.sessions.create(r.accountId, r.userId, r.mfa, meta.sourceIp);
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOpts(req), maxAge: app.config.session.ttlMinutes * 60 });
      auditLogin(meta, principal, userName, null, null, started);
      return reply.send(sessionView({ ...r }, csrfToken));
    } catch (err) {
      const e = classifyError(err);
      auditLogin(meta, principal, userName, e.code, e.message, started);
      return fail(req, reply, meta, err);
    }
  });

  function auditLogin(meta: RequestMeta, principal: Principal | null, userName: string, code: string | null, message: string | null, started: number) {
    recordCall({
      services: app.services,
      action: undefined,
      actionName: 'ConsoleSignin',
      principal: principal ?? { accountId: app.rootAccountId, userId: '', userName, kind: 'ram-user', via: 'session', mfa: false },
      meta,
      eventType: 'ConsoleOperation',
      params: { UserName: userName },
      decision: code ? 'NotAuthenticated' : 'Allow',
      errorCode: code,
      errorMessage: message,
      latencyMs: performance.now() - started,
      fallbackAccountId: app.rootAccountId,
    });
  }

  fastify.get('/api/session', async (req, reply) => {
    const meta = requestMeta(app, req);
    const cur = await currentSession(req);
    if (!cur) return fail(req, reply, meta, new VigilError('NotLoggedIn', 'Not logged in.', 401));
    return reply.send(sessionView(cur.session, cur.session.csrfToken));
  });

  fastify.post('/api/logout', async (req, reply) => {
    const meta = requestMeta(app, req);
    const cur = await currentSession(req);
    if (cur) {
      if (!safeEqual(String(req.headers['x-csrf-token'] ?? ''), cur.session.csrfToken)) return fail(req, reply, meta, new VigilError('Csrf.Invalid', 'Missing or wrong x-csrf-token header.', 403));
      await app.services.sessions.destroy(cur.token);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.send({});
  });

  fastify.get('/api/catalog', async (req, reply) => {
    const meta = requestMeta(app, req);
    if (!(await currentSession(req))) return fail(req, reply, meta, new VigilError('NotLoggedIn', 'Not logged in.', 401));
    return reply.send(describeCatalog(app));
  });

  fastify.post<{ Params: { action: string }; Querystring: { Product?: string } }>('/api/:action', async (req, reply) => {
    const started = performance.now();
    const meta = requestMeta(app, req);
    const actionName = req.params.action;
    const action = app.catalog.get(actionName, { ...(req.query.Product ? { product: String(req.query.Product) } : {}) });
    const cur = await currentSession(req);
    const principal = cur ? sessionPrincipal(cur.session) : null;
    let outcome: { result?: Record<string, unknown>; error?: unknown; decision: 'Allow' | 'ImplicitDeny' | 'ExplicitDeny' | 'NotAuthenticated' };
    if (!cur || !principal) outcome = { error: new VigilError('NotLoggedIn', 'Not logged in or the session expired.', 401), decision: 'NotAuthenticated' };
    else if (!safeEqual(String(req.headers['x-csrf-token'] ?? ''), cur.session.csrfToken)) {
      outcome = { error: new VigilError('Csrf.Invalid', 'Missing or wrong x-csrf-token header.', 403), decision: 'NotAuthenticated' };
    } else if (!action) outcome = { error: new VigilError('InvalidApi.NotFound', `Specified api "${actionName.slice(0, 64)}" is not found.`, 404), decision: 'Allow' };
    else outcome = await runAction(app.services, action, principal, meta, () => coerceJsonParams(action.params, req.body));

    const params = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    let code: string | null = null;
    let message: string | null = null;
    if (outcome.error !== undefined) {
      const e = classifyError(outcome.error);
      code = e.code;
      message = e.message;
    }
    recordCall({
      services: app.services,
      action,
      actionName,
      principal,
      meta,
      eventType: 'ConsoleOperation',
      params,
      decision: outcome.decision,
      errorCode: code,
      errorMessage: message,
      latencyMs: performance.now() - started,
      fallbackAccountId: app.rootAccountId,
    });
    if (outcome.error !== undefined) return fail(req, reply, meta, outcome.error);
    return reply.header('cache-control', 'no-store').send({ RequestId: meta.requestId, ...outcome.result });
  });
}

/** Machine-readable catalog: JSON Schema of every action's params and response. */
export function describeCatalog(app: AppContext) {
  return {
    product: 'Vigil (Alibaba Cloud Sas 2018-12-03 compatible)',
    endpoint: '/',
    signatures: ['HMAC-SHA1 (POP v1)', 'ACS3-HMAC-SHA256 (v3)'],
    actions: app.catalog.values().map((a) => ({
      Name: a.name,
      Product: a.product,
      RamActions: a.ramActions,
      Versions: PRODUCT_VERSIONS[a.product],
      ReadWrite: a.rw,
      Description: a.description,
      Params: a.params,
      Response: a.response,
    })),
  };
}
