import { createHash } from 'node:crypto';
import { VigilError } from '../domain/errors.js';
import { ParamDecodeError, parsePairs } from '../iam/signature/encoding.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** An RPC request reduced to what signature checks and dispatch need. */
export interface RpcRequest {
  method: string;
  queryPairs: Array<[string, string]>;
  bodyPairs: Array<[string, string]>;
  /** Query + form body params; a name given twice is refused. */
  params: Map<string, string>;
  /** Lower-cased header → all values, from the raw header list. */
  headers: Map<string, string[]>;
  /** SHA-256 of the raw body (v3 signs it); computed on first use. */
  readonly bodySha256Hex: string;
}

function decodePairs(raw: string, where: string): Array<[string, string]> {
  try {
    return parsePairs(raw);
  } catch (err) {
    if (err instanceof ParamDecodeError) throw new VigilError('InvalidParameter', `The ${where} is malformed: ${err.message}.`);
    throw err;
  }
}

export function parseRpcRequest(method: string, rawUrl: string, rawHeaders: string[], body: Buffer | undefined, contentType: string | undefined): RpcRequest {
  const q = rawUrl.indexOf('?');
  const queryPairs = q === -1 ? [] : decodePairs(rawUrl.slice(q + 1), 'query string');
  let bodyPairs: Array<[string, string]> = [];
  const bytes = body ?? Buffer.alloc(0);
  if (bytes.length > 0 && (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new VigilError('InvalidParameter', 'The form body is not valid UTF-8.');
    }
    bodyPairs = decodePairs(text, 'form body');
  }
  const params = new Map<string, string>();
  for (const [k, v] of [...queryPairs, ...bodyPairs]) {
    if (params.has(k)) throw new VigilError('InvalidParameter', `The parameter "${k.slice(0, 64)}" is given more than once.`);
    params.set(k, v);
  }
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(rawHeaders[i + 1] as string);
    headers.set(name, list);
  }
  let bodySha256Hex: string | undefined;
  return {
    method,
    queryPairs,
    bodyPairs,
    params,
    headers,
    get bodySha256Hex(): string {
      bodySha256Hex ??= createHash('sha256').update(bytes).digest('hex');
      return bodySha256Hex;
    },
  };
}

export function header(req: RpcRequest, name: string): string | undefined {
  return req.headers.get(name)?.[0];
}
