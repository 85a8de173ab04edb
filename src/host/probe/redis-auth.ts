/**
 * Redis authentication probe over a raw TCP socket speaking RESP (PING, AUTH). Meant for
 * services on this host (the agent probes its own ports). Rate-limited, capped, stops at the first
 * accepted password, bounded reply buffer, per-reply timeout. Candidate passwords are never logged.
 */
import { connect, type Socket } from 'node:net';
import type { Candidate } from '../../engines/weakpass/dictionary.js';
import type { ServiceAuthResult } from '../../engines/weakpass/service-auth.js';

export interface RedisProbeOptions {
  host: string;
  port: number;
  candidates: readonly Candidate[];
  /** Default 300. */
  maxAttempts?: number;
  /** Minimum time between two AUTH attempts. Default 10 ms. */
  minIntervalMs?: number;
  /** Connect and per-reply timeout. Default 3000 ms. */
  timeoutMs?: number;
}

const MAX_REPLY_BYTES = 64 * 1024;

function encode(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Minimal RESP reader: one reply at a time; simple strings, errors, integers and bulk strings. */
class RespConnection {
  private buf = Buffer.alloc(0);
  private waiter: ((err: Error | null) => void) | undefined;
  private closed: Error | undefined;

  private constructor(private readonly sock: Socket, private readonly timeoutMs: number) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.buf.length > MAX_REPLY_BYTES) {
        this.fail(new Error('reply too large'));
        return;
      }
      this.waiter?.(null);
    });
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      const t = setTimeout(() => {
        sock.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(t);
        sock.removeAllListeners('error');
        resolve(new RespConnection(sock, timeoutMs));
      });
      sock.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
  }

  private fail(e: Error): void {
    this.closed ??= e;
    this.waiter?.(e);
  }

  private tryParse(): string | undefined {
    const eol = this.buf.indexOf('\r\n');
    if (eol === -1) return undefined;
    const head = this.buf.subarray(0, eol).toString('utf8');
    if (head.startsWith('$')) {
      const len = Number(head.slice(1));
      if (len < 0) {
        this.buf = this.buf.subarray(eol + 2);
        return '$nil';
      }
      if (this.buf.length < eol + 2 + len + 2) return undefined;
      const body = this.buf.subarray(eol + 2, eol + 2 + len).toString('utf8');
      this.buf = this.buf.subarray(eol + 4 + len);
      return `$${body}`;
    }
    this.buf = this.buf.subarray(eol + 2);
    return head;
  }

  async command(args: readonly string[]): Promise<string> {
    if (this.closed) throw this.closed;
    this.sock.write(encode(args));
    for (;;) {
      const reply = this.tryParse();
      if (reply !== undefined) return reply;
      if (this.closed) throw this.closed;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          this.waiter = undefined;
          reject(new Error('reply timed out'));
        }, this.timeoutMs);
        this.waiter = (err) => {
          clearTimeout(t);
          this.waiter = undefined;
          if (err) reject(err);
          else resolve();
        };
      });
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function probeRedisAuth(opts: RedisProbeOptions): Promise<ServiceAuthResult> {
  const target = `${opts.host}:${opts.port}`;
  const account = 'default';
  const timeoutMs = opts.timeoutMs ?? 3000;
  const maxAttempts = opts.maxAttempts ?? 300;
  const minInterval = opts.minIntervalMs ?? 10;
  let conn: RespConnection;
  try {
    conn = await RespConnection.open(opts.host, opts.port, timeoutMs);
  } catch (e) {
    return { status: 'error', target, account, reason: (e as Error).message };
  }
  try {
    const ping = await conn.command(['PING']);
    if (ping === '+PONG') return { status: 'no_auth', target, account };
    if (!ping.startsWith('-NOAUTH')) return { status: 'error', target, account, reason: `unexpected PING reply: ${ping.slice(0, 80)}` };
    let tried = 0;
    let last = 0;
    for (const candidate of opts.candidates) {
      if (tried >= maxAttempts) break;
      const wait = last + minInterval - Date.now();
      if (wait > 0) await sleep(wait);
      last = Date.now();
      tried += 1;
      const reply = await conn.command(['AUTH', candidate.password]);
      if (reply === '+OK') return { status: 'weak_password', target, account, tried, candidate };
      if (!reply.startsWith('-WRONGPASS') && !reply.startsWith('-ERR invalid password')) {
        return { status: 'error', target, account, reason: `unexpected AUTH reply: ${reply.slice(0, 80)}` };
      }
    }
    return { status: 'not_found', target, account, tried };
  } catch (e) {
    return { status: 'error', target, account, reason: (e as Error).message };
  } finally {
    conn.close();
  }
}
