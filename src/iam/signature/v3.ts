import { createHash, createHmac } from 'node:crypto';
import { percentEncode } from './encoding.js';

export const V3_ALGORITHM = 'ACS3-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Headers a v3 request must sign (API-COMPAT §1.2 server rule). */
export const V3_REQUIRED_SIGNED = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

export interface V3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=a;b,Signature=hex`; null when malformed. */
export function parseV3Authorization(header: string): V3Authorization | null {
  if (!header.startsWith(V3_ALGORITHM + ' ')) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(V3_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) return null;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signed || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return null;
  return { accessKeyId, signedHeaders: signed.split(';').map((h) => h.trim().toLowerCase()), signature: signature.toLowerCase() };
}

export interface V3CanonicalInput {
  method: string;
  path: string;
  /** Decoded query pairs. */
  query: Array<[string, string]>;
  /** Lower-cased header name → every value received for it. */
  headers: Map<string, string[]>;
  signedHeaders: string[];
  bodySha256Hex: string;
}

export function canonicalRequestV3(input: V3CanonicalInput): string {
  const query = [...input.query]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  const names = [...input.signedHeaders].sort();
  const headerLines = names.map((n) => `${n}:${(input.headers.get(n) ?? []).map((v) => v.trim()).sort().join(',')}\n`).join('');
  return [input.method.toUpperCase(), input.path || '/', query, headerLines, names.join(';'), input.bodySha256Hex].join('\n');
}

export function stringToSignV3(canonicalRequest: string): string {
  return `${V3_ALGORITHM}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
}

export function signV3(canonicalRequest: string, secret: string): string {
  return createHmac('sha256', secret).update(stringToSignV3(canonicalRequest)).digest('hex');
}
