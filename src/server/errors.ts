import type { FastifyReply } from 'fastify';
import { VigilError } from '../domain/errors.js';

/** What each code means and what to do about it; served at /errors/<Code> (the `Recommend` link). */
export const ERROR_HELP: Record<string, string> = {
  MissingParameter: 'A mandatory parameter is missing; the message names it.',
  InvalidParameter: 'A parameter has the wrong type, format or range; the message names it.',
  'InvalidAccessKeyId.NotFound': 'The AccessKeyId does not exist. Create one in the console (AccessKey page) or with `vigil admin create-accesskey`.',
  'InvalidAccessKeyId.Inactive': 'The AccessKey is disabled. Enable it again in the console or use another key.',
  SignatureDoesNotMatch: 'The signature computed by the server differs. Check the AccessKeySecret and that the client signs the exact parameters sent; the message shows the server string to sign.',
  IncompleteSignature: 'A signature parameter or header is missing or malformed.',
  'InvalidTimeStamp.Expired': 'The request time is more than 15 minutes away from the server clock. Synchronise the client clock (NTP).',
  'InvalidTimeStamp.Format': 'Timestamp must be UTC in the form YYYY-MM-DDThh:mm:ssZ.',
  SignatureNonceUsed: 'The SignatureNonce was used within the last 15+ minutes: send a fresh random nonce with every request.',
  InvalidSignatureMethod: 'SignatureMethod must be HMAC-SHA1 (v1) or the Authorization header must use ACS3-HMAC-SHA256 (v3).',
  'InvalidApi.NotFound': 'No such action. GET /api/catalog lists every action.',
  InvalidVersion: 'This action does not answer to that Version; /api/catalog lists the versions of each action.',
  NoPermission: 'The RAM policies attached to the caller do not allow this action. AccessDeniedDetail names the action; ask an administrator to grant it.',
  'Throttling.User': 'Too many requests; retry later.',
  InternalError: 'The server failed; the RequestId finds the details in the server log.',
  RequestEntityTooLarge: 'The request body exceeds the server limit (limits.bodyBytes).',
  InvalidCredentials: 'Wrong user name or password.',
  NotLoggedIn: 'The console session is missing or expired; log in again.',
  'Csrf.Invalid': 'The console request lacks a valid x-csrf-token header.',
};

export interface ErrorBody {
  RequestId: string;
  HostId: string;
  Code: string;
  Message: string;
  Recommend: string;
  [extra: string]: unknown;
}

export function errorBody(requestId: string, hostId: string, recommendBase: string, code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { RequestId: requestId, HostId: hostId, Code: code, Message: message, Recommend: `${recommendBase}/errors/${encodeURIComponent(code)}`, ...extra };
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Maps anything thrown to (status, code, message); unknown errors become a logged 500. */
export function classifyError(err: unknown): { status: number; code: string; message: string; extra: Record<string, unknown>; internal: boolean } {
  if (err instanceof VigilError) return { status: err.status, code: err.code, message: err.message, extra: err.extra, internal: false };
  const fe = err as FastifyLikeError;
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'RequestEntityTooLarge', message: 'The request body is too large.', extra: {}, internal: false };
  if (fe?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'InvalidParameter', message: 'Unsupported Content-Type.', extra: {}, internal: false };
  if (fe?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return { status: 400, code: 'InvalidParameter', message: fe.message ?? 'Malformed body.', extra: {}, internal: false };
  }
  if (fe?.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'InvalidParameter', message: fe.message ?? 'Bad request.', extra: {}, internal: false };
  }
  return { status: 500, code: 'InternalError', message: 'The request processing has failed due to some unknown error.', extra: {}, internal: true };
}

export function sendError(reply: FastifyReply, body: ErrorBody, status: number): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}
