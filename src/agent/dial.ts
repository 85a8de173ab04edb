import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface DialOptions {
  /** Explicit proxy URL; undefined = from the environment; null = never. */
  proxy?: string | null;
  /** Extra CA certificate(s), PEM, e.g. a self-signed server certificate. */
  ca?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class DialError extends Error {
  constructor(
    readonly stage: 'proxy' | 'tcp' | 'tls',
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'DialError';
  }
}

export function defaultPort(u: URL): number {
  if (u.port) return Number(u.port);
  return u.protocol === 'https:' || u.protocol === 'wss:' ? 443 : 80;
}

export const isSecure = (u: URL) => u.protocol === 'https:' || u.protocol === 'wss:';

function noProxyMatches(host: string, port: number, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const [h, p] = entry.includes(':') && !entry.includes('::') ? entry.split(':') : [entry, undefined];
    if (p && Number(p) !== port) continue;
    const name = (h ?? '').replace(/^\*?\./, '');
    if (host.toLowerCase() === name || host.toLowerCase().endsWith('.' + name)) return true;
  }
  return false;
}

/** The proxy an https/wss (HTTPS_PROXY) or http/ws (HTTP_PROXY) URL goes through, honouring NO_PROXY. */
export function proxyFor(target: URL, opts: DialOptions = {}): URL | null {
  if (opts.proxy === null) return null;
  const env = opts.env ?? process.env;
  const raw =
    opts.proxy ??
    (isSecure(target) ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy)) ??
    env.ALL_PROXY ??
    env.all_proxy;
  if (!raw) return null;
  if (opts.proxy === undefined && noProxyMatches(target.hostname.replace(/^\[|\]$/g, ''), defaultPort(target), env.NO_PROXY ?? env.no_proxy)) return null;
  const u = new URL(raw.includes('://') ? raw : `http://${raw}`);
  if (u.protocol !== 'http:') throw new DialError('proxy', `proxy ${u.protocol}// is not supported: use an http:// proxy that speaks CONNECT`);
  return u;
}

function tcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new DialError('tcp', `connect ${host}:${port} timed out after ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new DialError('tcp', `connect ${host}:${port}: ${err.code ?? err.message}`, err.code));
    });
  });
}

/** Opens a CONNECT tunnel through an HTTP proxy; the returned socket talks to host:port. */
async function tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  let s: Socket;
  try {
    s = await tcp(proxy.hostname.replace(/^\[|\]$/g, ''), defaultPort(proxy), timeoutMs);
  } catch (err) {
    throw new DialError('proxy', `proxy ${proxy.host}: ${(err as Error).message}`, (err as DialError).code);
  }
  const authority = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
  s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => fail(`proxy ${proxy.host} did not answer CONNECT within ${timeoutMs} ms`), timeoutMs);
    const fail = (msg: string) => {
      clearTimeout(timer);
      s.removeListener('data', onData);
      s.destroy();
      reject(new DialError('proxy', msg));
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buf.length > 16_384) fail(`proxy ${proxy.host} sent an oversized CONNECT answer`);
        return;
      }
      clearTimeout(timer);
      s.removeListener('data', onData);
      s.removeListener('error', onError);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
      if (!status || status[1] !== '200') {
        s.destroy();
        reject(new DialError('proxy', `proxy ${proxy.host} refused CONNECT ${authority}: ${buf.subarray(0, Math.min(end, 200)).toString('latin1').split('\r\n')[0]}`));
        return;
      }
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) s.unshift(rest);
      resolve(s);
    };
    const onError = (err: Error) => fail(`proxy ${proxy.host}: ${err.message}`);
    s.on('data', onData);
    s.once('error', onError);
  });
}

function tlsWrap(socket: Socket | null, host: string, port: number, opts: DialOptions, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const servername = isIP(host) ? undefined : host;
    const t = tlsConnect({ ...(socket ? { socket } : { host, port }), ...(servername ? { servername } : {}), ...(opts.ca ? { ca: opts.ca } : {}), ALPNProtocols: ['http/1.1'] });
    const timer = setTimeout(() => {
      t.destroy();
      reject(new DialError('tls', `TLS handshake with ${host}:${port} timed out`, 'ETIMEDOUT'));
    }, timeoutMs);
    t.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(t);
    });
    t.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new DialError('tls', `TLS with ${host}:${port}: ${err.message}`, err.code));
    });
  });
}

/** A connected (and, for https/wss, TLS-verified) socket to the server, through the proxy if one applies. */
export async function dial(target: URL, opts: DialOptions = {}): Promise<Socket> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = defaultPort(target);
  const proxy = proxyFor(target, opts);
  const raw = proxy ? await tunnel(proxy, host, port, timeoutMs) : await tcp(host, port, timeoutMs);
  if (!isSecure(target)) return raw;
  try {
    return await tlsWrap(raw, host, port, opts, timeoutMs);
  } catch (err) {
    raw.destroy();
    throw err;
  }
}

export interface HttpResult {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One HTTP request over `dial` (so it uses the same proxy/TLS path as the link); body capped at 32 MB. */
export async function fetchVia(url: string, init: { method?: string; json?: unknown } & DialOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  const socket = await dial(u, init);
  const body = init.json === undefined ? undefined : JSON.stringify(init.json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        method: init.method ?? (body ? 'POST' : 'GET'),
        host: u.hostname,
        port: defaultPort(u),
        path: u.pathname + u.search,
        headers: { host: u.host, accept: '*/*', connection: 'close', ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
        createConnection: () => socket,
        timeout: init.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 32 * 1024 * 1024) req.destroy(new Error('response too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`HTTP request to ${u.host} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
