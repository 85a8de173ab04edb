import type { LoginRecord } from '../../engines/traces/trace-snapshot.js';

/** glibc `struct utmp` on 64-bit Linux (x86_64, aarch64): 384 bytes, 32-bit time fields. */
export const UTMP_SIZE = 384;
const USER_PROCESS = 7;
const BOOT_TIME = 2;

function cstr(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

/**
 * Parse wtmp/btmp records (newest last in the file). Only login and boot records are kept;
 * `failed` marks records from btmp. At most `max` newest records are returned.
 */
export function parseWtmp(buf: Buffer, opts: { failed?: boolean; max?: number } = {}): LoginRecord[] {
  const out: LoginRecord[] = [];
  const max = opts.max ?? 200;
  const count = Math.floor(buf.length / UTMP_SIZE);
  for (let i = count - 1; i >= 0 && out.length < max; i--) {
    const off = i * UTMP_SIZE;
    const type = buf.readInt32LE(off);
    if (type !== USER_PROCESS && type !== BOOT_TIME) continue;
    const tty = cstr(buf, off + 8, 32);
    const user = cstr(buf, off + 44, 32);
    const host = cstr(buf, off + 76, 256);
    const sec = buf.readInt32LE(off + 340);
    const usec = buf.readInt32LE(off + 344);
    out.push({ user, tty, host, timeMs: sec * 1000 + Math.floor(usec / 1000), kind: type === BOOT_TIME ? 'boot' : opts.failed ? 'failed' : 'user' });
  }
  return out.reverse();
}

/** Build one record (tests and fixtures). */
export function encodeUtmp(rec: { type: number; pid?: number; tty: string; user: string; host: string; timeMs: number }): Buffer {
  const b = Buffer.alloc(UTMP_SIZE);
  b.writeInt32LE(rec.type, 0);
  b.writeInt32LE(rec.pid ?? 1, 4);
  b.write(rec.tty.slice(0, 31), 8, 'utf8');
  b.write(rec.user.slice(0, 31), 44, 'utf8');
  b.write(rec.host.slice(0, 255), 76, 'utf8');
  b.writeInt32LE(Math.floor(rec.timeMs / 1000), 340);
  b.writeInt32LE((rec.timeMs % 1000) * 1000, 344);
  return b;
}
