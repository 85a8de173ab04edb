/**
 * Memcached unauthorized-access probe: the text protocol's `stats` over TCP. An instance that
 * answers with STAT lines to an unauthenticated client is open (anyone who reaches the port can
 * read and flush the cache, and a UDP-enabled one amplifies DDoS). SASL-enabled builds answer
 * `CLIENT_ERROR`/`ERROR` before authentication. Bounded reply, timed out.
 */
import { connect } from 'node:net';
import type { ServiceAuthResult } from '../../engines/weakpass/service-auth.js';

export interface MemcachedProbeOptions {
  host: string;
  port: number;
  timeoutMs?: number;
}

const MAX_REPLY = 256 * 1024;

export interface MemcachedStats {
  complete: boolean;
  stats: Record<string, string>;
  /** The first non-STAT line (ERROR, CLIENT_ERROR …) if the server did not answer with stats. */
  error?: string;
}

/** Parses a `stats` reply: `STAT <name> <value>` lines up to `END`. */
export function parseMemcachedStats(text: string): MemcachedStats {
  const stats: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    if (line === 'END') return { complete: true, stats };
    if (line.length === 0) continue;
    const m = /^STAT (\S+) (.*)$/.exec(line);
    if (m) stats[m[1] as string] = m[2] as string;
    else return { complete: true, stats, error: line.slice(0, 200) };
  }
  return { complete: false, stats };
}

export function probeMemcachedOpen(opts: MemcachedProbeOptions): Promise<ServiceAuthResult & { version?: string }> {
  const target = `${opts.host}:${opts.port}`;
  const account = '(anonymous)';
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const sock = connect({ host: opts.host, port: opts.port });
    const finish = (r: ServiceAuthResult & { version?: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ status: 'error', target, account, reason: 'timed out' }), timeoutMs);
    sock.once('connect', () => sock.write('stats\r\n'));
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.length > MAX_REPLY) return finish({ status: 'error', target, account, reason: 'reply too large' });
      const p = parseMemcachedStats(text);
      if (!p.complete) return;
      if (p.error) {
        const authish = /^(CLIENT_ERROR|ERROR|SERVER_ERROR)\b/.test(p.error);
        return finish(authish ? { status: 'auth_required', target, account, detail: p.error } : { status: 'error', target, account, reason: `unexpected reply: ${p.error}` });
      }
      if (p.stats.pid === undefined && p.stats.version === undefined) return finish({ status: 'error', target, account, reason: 'stats reply without pid/version' });
      return finish({ status: 'no_auth', target, account, ...(p.stats.version ? { version: p.stats.version } : {}) });
    });
    sock.on('error', (e) => finish({ status: 'error', target, account, reason: e.message }));
    sock.on('close', () => finish({ status: 'error', target, account, reason: 'connection closed before a complete reply' }));
  });
}
