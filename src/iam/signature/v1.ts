import { createHmac } from 'node:crypto';
import { percentEncode, sortedKeys } from './encoding.js';

/** Canonicalized query string of POP signature v1 (every param except `Signature`). */
export function canonicalQueryV1(params: Record<string, string>): string {
  return sortedKeys(params)
    .filter((k) => k !== 'Signature')
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] as string)}`)
    .join('&');
}

export function stringToSignV1(method: string, params: Record<string, string>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQueryV1(params))}`;
}

/** Base64(HMAC-SHA1(secret + "&", StringToSign)). */
export function signV1(method: string, params: Record<string, string>, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(stringToSignV1(method, params)).digest('base64');
}
