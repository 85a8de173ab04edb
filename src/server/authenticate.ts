import type { Principal } from '../domain/principal.js';
import { VigilError } from '../domain/errors.js';
import type { AccessKeyService, ResolvedAccessKey } from '../domain/iam/access-key-service.js';
import { safeEqual } from '../iam/crypto.js';
import { signV1, stringToSignV1 } from '../iam/signature/v1.js';
import { canonicalRequestV3, parseV3Authorization, signV3, V3_ALGORITHM, V3_REQUIRED_SIGNED } from '../iam/signature/v3.js';
import type { NonceStore } from './nonce-store.js';
import { header, type RpcRequest } from './rpc-request.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export interface SignatureAuthDeps {
  accessKeys: AccessKeyService;
  nonces: NonceStore;
  windowSec: number;
}

export interface SignedCall {
  principal: Principal;
  action: string;
  version: string;
  signatureVersion: 'v1' | 'v3';
}

/** Which key a request claims, known before verification (for the audit trail of failures). */
export function claimedAccessKeyId(req: RpcRequest): string | undefined {
  const auth = header(req, 'authorization');
  if (auth?.startsWith(V3_ALGORITHM)) return parseV3Authorization(auth)?.accessKeyId;
  return req.params.get('AccessKeyId');
}

export function isV3(req: RpcRequest): boolean {
  return header(req, 'authorization')?.startsWith(V3_ALGORITHM + ' ') ?? false;
}

/** Action and Version of the call: from `x-acs-*` headers for v3, from params for v1. */
export function actionAndVersion(req: RpcRequest): { action: string; version: string } {
  const v3 = isV3(req);
  const action = v3 ? header(req, 'x-acs-action') : req.params.get('Action');
  const version = v3 ? header(req, 'x-acs-version') : req.params.get('Version');
  if (!action) throw new VigilError('MissingParameter', 'The input parameter "Action" that is mandatory for processing this request is not supplied.');
  if (!version) throw new VigilError('MissingParameter', 'The input parameter "Version" that is mandatory for processing this request is not supplied.');
  return { action, version };
}

function checkTimestamp(value: string | undefined, name: string, windowSec: number, now: number): void {
  if (!value) throw new VigilError('IncompleteSignature', `The ${name} is missing.`);
  if (!TIMESTAMP.test(value)) throw new VigilError('InvalidTimeStamp.Format', `The ${name} "${value.slice(0, 40)}" is not in the form YYYY-MM-DDThh:mm:ssZ (UTC).`);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new VigilError('InvalidTimeStamp.Format', `The ${name} "${value}" is not a valid time.`);
  if (Math.abs(now - t) > windowSec * 1000) {
    throw new VigilError('InvalidTimeStamp.Expired', `Specified time stamp or date value is expired: ${value} is more than ${windowSec / 60} minutes away from the server time ${new Date(now).toISOString()}.`);
  }
}

async function resolveKey(deps: SignatureAuthDeps, accessKeyId: string): Promise<ResolvedAccessKey> {
  const key = await deps.accessKeys.resolve(accessKeyId);
  if (!key) throw new VigilError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);
  if (key.status !== 'Active') throw new VigilError('InvalidAccessKeyId.Inactive', 'Specified access key is disabled.', 400);
  return key;
}

function useNonce(deps: SignatureAuthDeps, accessKeyId: string, nonce: string, now: number): void {
  const r = deps.nonces.use(accessKeyId, nonce, now);
  if (r === 'used') throw new VigilError('SignatureNonceUsed', 'Specified signature nonce was used already.');
  if (r === 'full') throw new VigilError('Throttling.User', 'Request was denied due to user flow control.', 400);
}

function principalOf(key: ResolvedAccessKey): Principal {
  return {
    accountId: key.accountId,
    userId: key.userId,
    userName: key.userName,
    kind: key.isRoot ? 'root-account' : 'ram-user',
    accessKeyId: key.accessKeyId,
    via: 'signature',
    mfa: false,
  };
}

async function verifyV1(req: RpcRequest, deps: SignatureAuthDeps, now: number): Promise<Principal> {
  const p = req.params;
  for (const name of ['AccessKeyId', 'Signature', 'SignatureNonce']) {
    if (!p.get(name)) throw new VigilError('IncompleteSignature', `The request signature is incomplete: "${name}" is missing.`);
  }
  const method = p.get('SignatureMethod');
  if (method !== 'HMAC-SHA1') throw new VigilError('InvalidSignatureMethod', `Specified signature method "${method ?? ''}" is not supported; use HMAC-SHA1.`);
  const sv = p.get('SignatureVersion');
  if (sv !== undefined && sv !== '1.0') throw new VigilError('IncompleteSignature', `SignatureVersion "${sv}" is not supported; use 1.0.`);
  checkTimestamp(p.get('Timestamp'), 'Timestamp', deps.windowSec, now);
  const key = await resolveKey(deps, p.get('AccessKeyId') as string);
  const signed = Object.fromEntries(p);
  const expected = signV1(req.method, signed, key.secret);
  if (!safeEqual(expected, p.get('Signature') as string)) {
    throw new VigilError('SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSignV1(req.method, signed)}`);
  }
  useNonce(deps, key.accessKeyId, p.get('SignatureNonce') as string, now);
  return principalOf(key);
}

async function verifyV3(req: RpcRequest, deps: SignatureAuthDeps, now: number): Promise<Principal> {
  const auth = parseV3Authorization(header(req, 'authorization') ?? '');
  if (!auth) throw new VigilError('IncompleteSignature', 'The Authorization header is malformed: expected "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=<hex>".');
  for (const h of V3_REQUIRED_SIGNED) {
    if (!auth.signedHeaders.includes(h)) throw new VigilError('IncompleteSignature', `SignedHeaders must include "${h}".`);
    if (!req.headers.has(h)) throw new VigilError('IncompleteSignature', `The header "${h}" is missing.`);
  }
  checkTimestamp(header(req, 'x-acs-date'), 'x-acs-date header', deps.windowSec, now);
  const nonce = header(req, 'x-acs-signature-nonce') as string;
  if (!safeEqual((header(req, 'x-acs-content-sha256') ?? '').toLowerCase(), req.bodySha256Hex)) {
    throw new VigilError('SignatureDoesNotMatch', 'The x-acs-content-sha256 header does not match the SHA-256 of the request body.');
  }
  const key = await resolveKey(deps, auth.accessKeyId);
  const canonical = canonicalRequestV3({
    method: req.method,
    path: '/',
    query: req.queryPairs,
    headers: req.headers,
    signedHeaders: auth.signedHeaders,
    bodySha256Hex: req.bodySha256Hex,
  });
  if (!safeEqual(signV3(canonical, key.secret), auth.signature)) {
    throw new VigilError('SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server canonical request is:${canonical}`);
  }
  useNonce(deps, key.accessKeyId, nonce, now);
  return principalOf(key);
}

/** Verifies a POP signature (v1 or v3) and returns the caller. */
export async function authenticateSignature(req: RpcRequest, deps: SignatureAuthDeps, now = Date.now()): Promise<Principal> {
  const principal = isV3(req) ? await verifyV3(req, deps, now) : await verifyV1(req, deps, now);
  deps.accessKeys.markUsed(principal.accessKeyId as string, now);
  return principal;
}
