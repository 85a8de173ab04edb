import popCore from '@alicloud/pop-core';
import * as openapiNs from '@alicloud/openapi-client';
import * as teaUtilNs from '@alicloud/tea-util';

// These SDKs are CommonJS; Node and vitest expose their exports slightly differently.
type Ctor = new (...args: never[]) => unknown;
function pick<T>(ns: Record<string, unknown>, name: string): T {
  const direct = ns[name];
  if (direct) return direct as T;
  const viaDefault = (ns.default as Record<string, unknown> | undefined)?.[name];
  if (viaDefault) return viaDefault as T;
  throw new Error(`SDK export ${name} not found`);
}

interface PopClient {
  request(action: string, params: Record<string, unknown>, opts?: Record<string, unknown>): Promise<Record<string, unknown>>;
}
const RPCClient = pick<new (cfg: Record<string, unknown>) => PopClient>(popCore as unknown as Record<string, unknown>, 'RPCClient');

export function popClient(url: string, id: string, secret: string, apiVersion = '2018-12-03'): PopClient {
  return new RPCClient({ endpoint: url, apiVersion, accessKeyId: id, accessKeySecret: secret, opts: { timeout: 10_000 } });
}

interface OpenApiClient {
  callApi(params: unknown, request: unknown, runtime: unknown): Promise<{ body: Record<string, unknown>; statusCode: number }>;
}
const openapi = openapiNs as unknown as Record<string, unknown>;
const Config = pick<Ctor>(openapi, 'Config') as unknown as new (o: Record<string, unknown>) => unknown;
const Params = pick<Ctor>(openapi, 'Params') as unknown as new (o: Record<string, unknown>) => unknown;
const OpenApiRequest = pick<Ctor>(openapi, 'OpenApiRequest') as unknown as new (o: Record<string, unknown>) => unknown;
const OpenApiClass = (typeof openapi.default === 'function' ? openapi.default : (openapi.default as Record<string, unknown>).default) as new (c: unknown) => OpenApiClient;
const RuntimeOptions = pick<Ctor>(teaUtilNs as unknown as Record<string, unknown>, 'RuntimeOptions') as unknown as new (o: Record<string, unknown>) => unknown;

/** Calls an RPC action with @alicloud/openapi-client: v3 (ACS3-HMAC-SHA256) by default, or `v2` (HMAC-SHA1). */
export async function openapiCall(
  port: number,
  id: string,
  secret: string,
  action: string,
  query: Record<string, string> = {},
  signatureAlgorithm?: 'v2',
): Promise<{ body: Record<string, unknown>; statusCode: number }> {
  const client = new OpenApiClass(
    new Config({ accessKeyId: id, accessKeySecret: secret, endpoint: `127.0.0.1:${port}`, protocol: 'http', ...(signatureAlgorithm ? { signatureAlgorithm } : {}) }),
  );
  const params = new Params({
    action,
    version: '2018-12-03',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  return client.callApi(params, new OpenApiRequest({ query }), new RuntimeOptions({ readTimeout: 10_000, connectTimeout: 5_000 }));
}
