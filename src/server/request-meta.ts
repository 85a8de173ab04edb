import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../domain/principal.js';
import type { AppContext } from './app-context.js';
import { clientIp } from './client-ip.js';
import { errorBody, type ErrorBody } from './errors.js';

export function requestMeta(app: AppContext, req: FastifyRequest): RequestMeta {
  return {
    requestId: randomUUID().toUpperCase(),
    sourceIp: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], app.trust),
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 512),
    secureTransport: req.protocol === 'https',
    now: new Date(),
  };
}

export function recommendBase(req: FastifyRequest): string {
  const host = String(req.headers.host ?? 'localhost').replace(/[^A-Za-z0-9.:[\]-]/g, '');
  return `${req.protocol}://${host}`;
}

export function bodyFor(app: AppContext, req: FastifyRequest, requestId: string, code: string, message: string, extra?: Record<string, unknown>): ErrorBody {
  return errorBody(requestId, app.config.hostId, recommendBase(req), code, message, extra);
}
