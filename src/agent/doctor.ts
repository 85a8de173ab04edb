import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { defaultPort, dial, DialError, fetchVia, isSecure, proxyFor, type DialOptions } from './dial.js';
import { caFrom, loadCredentials, paths, type Credentials } from './home.js';
import { DEFAULT_TIMESTAMP_WINDOW_SEC, LINK_HEADERS, linkSignature } from './protocol.js';

export type CheckStatus = 'OK' | 'WARN' | 'FAIL' | 'SKIP';

export interface Check {
  name: 'credentials' | 'proxy' | 'dns' | 'tcp' | 'tls' | 'clock' | 'credential';
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** The server's default window for signed links (its config `signature.timestampWindowSec`). */
const LINK_WINDOW_SEC = DEFAULT_TIMESTAMP_WINDOW_SEC;

const TLS_HINTS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate: copy it to this host and pass --ca <file> (or give the server a certificate from a trusted CA)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in an untrusted root: pass --ca <root.pem>',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the issuer is unknown here: pass --ca <issuer.pem> or install the CA in the system store',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer is unknown here: pass --ca <issuer.pem> or install the CA in the system store',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another name: use the server name in the certificate, or reissue it for this name',
  CERT_HAS_EXPIRED: 'the server certificate expired: renew it (or check this host clock)',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet: check this host clock (NTP)',
};

function tcpHint(code: string | undefined, host: string, port: number, viaProxy: boolean): string {
  if (viaProxy) return 'the proxy could not reach the server: check the proxy allows CONNECT to this host and port';
  if (code === 'ECONNREFUSED') return `nothing listens on ${host}:${port}: is the Vigil server (or the TCP relay) running, and is the port right?`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route or a firewall drops traffic to ${host}:${port}: check security groups/iptables, or set HTTPS_PROXY`;
  return `check the address ${host}:${port} and the network path`;
}

/**
 * `vigil agent doctor`: why is this agent offline? Runs the path step by step — credential file,
 * proxy, DNS, TCP, TLS, clock (server Date header), and the signed link handshake — and says
 * what to fix at the first step that fails (later steps are skipped).
 */
export async function diagnose(home: string, o: { server?: string; caFile?: string; proxy?: string; timeoutMs?: number } = {}): Promise<Check[]> {
  const checks: Check[] = [];
  const skipRest = (from: Check['name'][]) => from.forEach((name) => checks.push({ name, status: 'SKIP', detail: 'skipped: an earlier step failed' }));
  let cred: Credentials | null = null;
  try {
    cred = loadCredentials(home);
    checks.push(cred ? { name: 'credentials', status: 'OK', detail: `${paths(home).credentials}: agent ${cred.agentId}, server ${cred.server}` } : { name: 'credentials', status: 'FAIL', detail: `no credential at ${paths(home).credentials}`, fix: 'enroll: vigil agent run --server URL --code CODE (or run the install command again)' });
  } catch (err) {
    checks.push({ name: 'credentials', status: 'FAIL', detail: (err as Error).message, fix: 'fix the file mode, or re-run the install command' });
  }
  const server = o.server ?? cred?.server;
  if (!server) {
    skipRest(['proxy', 'dns', 'tcp', 'tls', 'clock', 'credential']);
    return checks;
  }
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = defaultPort(url);
  const caFile = o.caFile ?? cred?.caFile;
  const dialOpts: DialOptions = { timeoutMs: o.timeoutMs ?? 5_000, ...(caFile ? { ca: caFrom(caFile) } : {}), ...((o.proxy ?? cred?.proxy) ? { proxy: o.proxy ?? cred?.proxy } : {}) };

  let proxy: URL | null = null;
  try {
    proxy = proxyFor(url, dialOpts);
    checks.push({ name: 'proxy', status: 'OK', detail: proxy ? `via HTTP proxy ${proxy.host} (CONNECT)` : 'direct connection (no proxy applies)' });
  } catch (err) {
    checks.push({ name: 'proxy', status: 'FAIL', detail: (err as Error).message, fix: 'set HTTPS_PROXY to an http://host:port proxy that allows CONNECT' });
    skipRest(['dns', 'tcp', 'tls', 'clock', 'credential']);
    return checks;
  }

  const nameToResolve = proxy ? proxy.hostname.replace(/^\[|\]$/g, '') : host;
  if (isIP(nameToResolve)) checks.push({ name: 'dns', status: 'OK', detail: `${nameToResolve} is an IP address (no lookup needed)` });
  else {
    try {
      const addrs = await lookup(nameToResolve, { all: true });
      checks.push({ name: 'dns', status: 'OK', detail: `${nameToResolve} → ${addrs.map((a) => a.address).join(', ')}` });
    } catch (err) {
      checks.push({ name: 'dns', status: 'FAIL', detail: `${nameToResolve}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, fix: 'check /etc/resolv.conf and /etc/hosts, or use the server IP in --server' });
      skipRest(['tcp', 'tls', 'clock', 'credential']);
      return checks;
    }
  }

  try {
    const s = await dial(new URL(`${url.protocol === 'https:' ? 'http' : url.protocol.replace(':', '')}://${url.host}`), { ...dialOpts, ...(proxy ? { proxy: proxy.toString() } : { proxy: null }) });
    s.destroy();
    checks.push({ name: 'tcp', status: 'OK', detail: `connected to ${host}:${port}${proxy ? ` through ${proxy.host}` : ''}` });
  } catch (err) {
    const e = err as DialError;
    const stage = e.stage === 'proxy' ? 'proxy' : 'tcp';
    checks.push({ name: stage === 'proxy' ? 'proxy' : 'tcp', status: 'FAIL', detail: e.message, fix: tcpHint(e.code, host, port, stage === 'proxy') });
    if (stage === 'proxy') checks.push({ name: 'tcp', status: 'SKIP', detail: 'skipped: the proxy failed' });
    skipRest(['tls', 'clock', 'credential']);
    return checks;
  }

  if (isSecure(url)) {
    try {
      (await dial(url, dialOpts)).destroy();
      checks.push({ name: 'tls', status: 'OK', detail: `certificate of ${host} verified${caFile ? ` against ${caFile}` : ''}` });
    } catch (err) {
      const e = err as DialError;
      checks.push({ name: 'tls', status: 'FAIL', detail: e.message, fix: TLS_HINTS[e.code ?? ''] ?? 'check the server certificate (name, chain, expiry)' });
      skipRest(['clock', 'credential']);
      return checks;
    }
  } else checks.push({ name: 'tls', status: 'WARN', detail: 'plain HTTP: the link is not encrypted', fix: 'use an https:// server URL outside loopback/lab setups' });

  try {
    const before = Date.now();
    const res = await fetchVia(`${server.replace(/\/+$/, '')}/healthz`, dialOpts);
    const after = Date.now();
    const date = res.headers.date ? Date.parse(res.headers.date) : NaN;
    if (res.status !== 200 || Number.isNaN(date)) {
      checks.push({ name: 'clock', status: 'FAIL', detail: `GET /healthz answered HTTP ${res.status}: not a Vigil server, or a relay/proxy in between answers instead`, fix: 'check --server points at the Vigil server (or at a relay forwarding to it)' });
      skipRest(['credential']);
      return checks;
    }
    // The Date header has 1 s resolution: allow that plus the round trip.
    const skewSec = Math.round((date + 500 - (before + after) / 2) / 1000);
    const abs = Math.abs(skewSec);
    checks.push(
      abs <= 30
        ? { name: 'clock', status: 'OK', detail: `clock within ${Math.max(abs, 1)} s of the server` }
        : {
            name: 'clock',
            status: abs > LINK_WINDOW_SEC ? 'FAIL' : 'WARN',
            detail: `this host's clock is ${abs} s ${skewSec > 0 ? 'behind' : 'ahead of'} the server${abs > LINK_WINDOW_SEC ? ` (a Vigil server refuses links more than ${LINK_WINDOW_SEC} s off by default)` : ''}`,
            fix: 'enable time sync (chrony / systemd-timesyncd / ntpdate)',
          },
    );
  } catch (err) {
    checks.push({ name: 'clock', status: 'FAIL', detail: (err as Error).message, fix: 'the server did not answer HTTP: check it is a Vigil server' });
    skipRest(['credential']);
    return checks;
  }

  if (!cred) {
    checks.push({ name: 'credential', status: 'SKIP', detail: 'no credential to test' });
    return checks;
  }
  checks.push(await checkLink(cred, dialOpts));
  return checks;
}

async function checkLink(cred: Credentials, dialOpts: DialOptions): Promise<Check> {
  const u = new URL(cred.server);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/agent/ws';
  const socket = await dial(u, dialOpts);
  const ts = String(Date.now());
  const nonce = randomBytes(18).toString('base64url');
  return new Promise<Check>((resolve) => {
    const ws = new WebSocket(u.toString(), {
      createConnection: () => socket,
      headers: { [LINK_HEADERS.agentId]: cred.agentId, [LINK_HEADERS.timestamp]: ts, [LINK_HEADERS.nonce]: nonce, [LINK_HEADERS.signature]: linkSignature(cred.agentSecret, cred.agentId, ts, nonce) },
      handshakeTimeout: 10_000,
    });
    ws.on('open', () => {
      ws.close(1000, 'doctor');
      resolve({ name: 'credential', status: 'OK', detail: `the server accepted agent ${cred.agentId}` });
    });
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let code = `HTTP ${res.statusCode}`;
        let message = '';
        try {
          const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Code?: string; Message?: string };
          code = b.Code ?? code;
          message = b.Message ?? '';
        } catch {
          message = 'not a Vigil answer';
        }
        ws.terminate();
        resolve({
          name: 'credential',
          status: 'FAIL',
          detail: `${code}: ${message}`,
          fix: code === 'ClockSkew' ? 'enable time sync (NTP)' : 'the credential was rejected: run the install command again to re-enroll this host',
        });
      });
    });
    ws.on('error', (err) => resolve({ name: 'credential', status: 'FAIL', detail: err.message, fix: 'the WebSocket upgrade failed: a proxy or relay may not pass WebSockets' }));
  });
}

export function formatChecks(checks: Check[]): string {
  return checks.map((c) => `[${c.status.padEnd(4)}] ${c.name.padEnd(11)} ${c.detail}${c.fix && c.status !== 'OK' ? `\n              fix: ${c.fix}` : ''}`).join('\n');
}
