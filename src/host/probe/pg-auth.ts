/**
 * PostgreSQL authentication probe through the `pg` client. First logs in with a random password:
 * if that works, pg_hba.conf trusts the client (any password works) — itself a finding. Otherwise
 * tries candidates, one connection each, rate-limited and capped, stopping at the first success.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Candidate } from '../../engines/weakpass/dictionary.js';
import type { ServiceAuthResult } from '../../engines/weakpass/service-auth.js';

export interface PgProbeOptions {
  host: string;
  port: number;
  role: string;
  database?: string;
  candidates: readonly Candidate[];
  /** Default 50 (each attempt is a full connection). */
  maxAttempts?: number;
  /** Default 50 ms. */
  minIntervalMs?: number;
  timeoutMs?: number;
}

type Attempt = 'accepted' | 'rejected' | { error: string };

async function tryLogin(opts: PgProbeOptions, password: string): Promise<Attempt> {
  const client = new pg.Client({
    host: opts.host,
    port: opts.port,
    user: opts.role,
    password,
    database: opts.database ?? 'postgres',
    connectionTimeoutMillis: opts.timeoutMs ?? 3000,
    ssl: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return 'accepted';
  } catch (e) {
    const code = (e as { code?: string }).code;
    // 28P01 invalid_password, 28000 invalid_authorization_specification (no pg_hba line / role)
    if (code === '28P01' || code === '28000') return 'rejected';
    return { error: (e as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function probePostgresAuth(opts: PgProbeOptions): Promise<ServiceAuthResult> {
  const target = `${opts.host}:${opts.port}`;
  const account = opts.role;
  const first = await tryLogin(opts, randomBytes(24).toString('base64url'));
  if (first === 'accepted') return { status: 'any_password', target, account };
  if (typeof first === 'object') return { status: 'error', target, account, reason: first.error };
  const maxAttempts = opts.maxAttempts ?? 50;
  const minInterval = opts.minIntervalMs ?? 50;
  let tried = 0;
  for (const candidate of opts.candidates) {
    if (tried >= maxAttempts) break;
    if (tried > 0) await sleep(minInterval);
    tried += 1;
    const r = await tryLogin(opts, candidate.password);
    if (r === 'accepted') return { status: 'weak_password', target, account, tried, candidate };
    if (typeof r === 'object') return { status: 'error', target, account, reason: r.error };
  }
  return { status: 'not_found', target, account, tried };
}
