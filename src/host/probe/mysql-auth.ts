/**
 * MySQL/MariaDB authentication probe over real connections (mysql2). For `root` it first tries
 * the empty password (a finding by itself), then the candidates, one connection each,
 * rate-limited and capped, stopping at the first accepted password. Only an access-denied
 * answer (ER_ACCESS_DENIED_ERROR 1045, or 1698 for socket-only accounts) counts as a rejected
 * candidate; any other error ends the probe as an error. Passwords are never logged.
 */
import mysql from 'mysql2/promise';
import type { Candidate } from '../../engines/weakpass/dictionary.js';
import type { ServiceAuthResult } from '../../engines/weakpass/service-auth.js';

export interface MysqlProbeOptions {
  host: string;
  port: number;
  /** Connect through this unix socket instead (reaches `user'@'localhost` accounts when the server skips name resolution). */
  socketPath?: string;
  user: string;
  candidates: readonly Candidate[];
  /** Default 50 (each attempt is a full connection). */
  maxAttempts?: number;
  /** Minimum time between two attempts. Default 50 ms. */
  minIntervalMs?: number;
  timeoutMs?: number;
  /** Try the empty password first. Default: only for `root`. */
  tryEmpty?: boolean;
}

type Attempt = 'accepted' | 'rejected' | { error: string };

/** Access denied: wrong password / unknown user (1045) or an account that only allows unix_socket (1698). */
const DENIED = new Set([1045, 1698]);

async function tryLogin(opts: MysqlProbeOptions, password: string): Promise<Attempt> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({
      ...(opts.socketPath ? { socketPath: opts.socketPath } : { host: opts.host, port: opts.port }),
      user: opts.user,
      password,
      connectTimeout: opts.timeoutMs ?? 3000,
    });
    return 'accepted';
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    if (errno !== undefined && DENIED.has(errno)) return 'rejected';
    const code = (e as { code?: string }).code;
    return { error: `${code ?? 'error'}: ${(e as Error).message}` };
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function probeMysqlAuth(opts: MysqlProbeOptions): Promise<ServiceAuthResult> {
  const target = opts.socketPath ?? `${opts.host}:${opts.port}`;
  const account = `'${opts.user}'@'${opts.socketPath ? 'localhost' : opts.host}'`;
  const maxAttempts = opts.maxAttempts ?? 50;
  const minInterval = opts.minIntervalMs ?? 50;
  let last = 0;
  const paced = async (password: string): Promise<Attempt> => {
    const wait = last + minInterval - Date.now();
    if (wait > 0) await sleep(wait);
    last = Date.now();
    return tryLogin(opts, password);
  };
  if (opts.tryEmpty ?? opts.user === 'root') {
    const r = await paced('');
    if (r === 'accepted') return { status: 'empty_password', target, account };
    if (typeof r === 'object') return { status: 'error', target, account, reason: r.error };
  }
  let tried = 0;
  for (const candidate of opts.candidates) {
    if (tried >= maxAttempts) break;
    if (candidate.password.length === 0) continue;
    tried += 1;
    const r = await paced(candidate.password);
    if (r === 'accepted') return { status: 'weak_password', target, account, tried, candidate };
    if (typeof r === 'object') return { status: 'error', target, account, reason: r.error };
  }
  return { status: 'not_found', target, account, tried };
}
