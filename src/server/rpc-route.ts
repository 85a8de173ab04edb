import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PRODUCT_VERSIONS } from '../actions/catalog-types.js';
import type { AnyAction } from '../actions/catalog-types.js';
import { VigilError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { AppContext } from './app-context.js';
import { actionAndVersion, authenticateSignature, claimedAccessKeyId } from './authenticate.js';
import { recordCall, runAction } from './dispatch.js';
import { classifyError, sendError } from './errors.js';
import { COMMON_PARAMS, coerceWireParams } from './params.js';
import { bodyFor, requestMeta } from './request-meta.js';
import { parseRpcRequest, type RpcRequest } from './rpc-request.js';

/**
 * The POP RPC endpoint `/`: GET query or POST form (v1), or ACS3-HMAC-SHA256 (v3).
 * Registered in its own plugin scope so every body arrives as raw bytes (v3 hashes them).
 */
export async function rpcRoutes(fastify: FastifyInstance, app: AppContext): Promise<void> {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const handler = (req: FastifyRequest, reply: FastifyReply) => handleRpc(app, req, reply);
  fastify.get('/', handler);
  fastify.post('/', handler);
}

/** The action's own params (the POP common ones left out): coerced for the handler, kept for the audit. */
function businessParams(req: RpcRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of req.params) if (!COMMON_PARAMS.has(k)) out.set(k, v);
  return out;
}

async function handleRpc(app: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const started = performance.now();
  const meta = requestMeta(app, req);
  // A browser opening the server root gets the console.
  if (req.method === 'GET' && !req.url.includes('?') && !req.headers.authorization) return reply.redirect('/console/');

  let rpc: RpcRequest | undefined;
  let business: Map<string, string> | undefined;
  let actionName = 'Unknown';
  let action: AnyAction | undefined;
  let principal: Principal | null = null;
  let outcome: { result?: Record<string, unknown>; error?: unknown; decision: 'Allow' | 'ImplicitDeny' | 'ExplicitDeny' | 'NotAuthenticated' } = {
    decision: 'NotAuthenticated',
  };
  try {
    rpc = parseRpcRequest(req.method, req.raw.url ?? '/', req.raw.rawHeaders, Buffer.isBuffer(req.body) ? req.body : undefined, req.headers['content-type']);
    business = businessParams(rpc);
    const av = actionAndVersion(rpc);
    actionName = av.action;
    action = app.catalog.get(actionName, { version: av.version });
    principal = await authenticateSignature(rpc, { accessKeys: app.services.accessKeys, nonces: app.nonces, windowSec: app.config.signature.timestampWindowSec }, meta.now.getTime());
    if (!action) throw new VigilError('InvalidApi.NotFound', `Specified api "${actionName.slice(0, 64)}" is not found; GET /api/catalog lists the actions.`, 404);
    if (!PRODUCT_VERSIONS[action.product].includes(av.version)) {
      throw new VigilError('InvalidVersion', `Specified parameter Version "${av.version.slice(0, 20)}" is not valid for ${action.name}; use ${PRODUCT_VERSIONS[action.product].join(' or ')}.`);
    }
    const flat = business;
    const a = action;
    outcome = await runAction(app.services, a, principal, meta, () => coerceWireParams(a.params, flat));
  } catch (error) {
    outcome = { error, decision: principal ? outcome.decision : 'NotAuthenticated' };
  }

  let status = 200;
  let payload: Record<string, unknown>;
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  if (outcome.error !== undefined) {
    const e = classifyError(outcome.error);
    if (e.internal) req.log.error({ err: outcome.error, requestId: meta.requestId, action: actionName }, 'action failed');
    status = e.status;
    errorCode = e.code;
    errorMessage = e.message;
    payload = bodyFor(app, req, meta.requestId, e.code, e.message, e.extra);
  } else {
    payload = { RequestId: meta.requestId, ...outcome.result };
  }
  recordCall({
    services: app.services,
    action,
    actionName,
    principal,
    ...(rpc ? { claimedAccessKeyId: claimedAccessKeyId(rpc) } : {}),
    meta,
    eventType: 'ApiCall',
    params: Object.fromEntries(business ?? []),
    decision: outcome.decision,
    errorCode,
    errorMessage,
    latencyMs: performance.now() - started,
    fallbackAccountId: app.rootAccountId,
  });
  if (status !== 200) return sendError(reply, payload as never, status);
  return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(payload));
}
