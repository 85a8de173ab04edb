/**
 * PasswordHasher backed by the system's libxcrypt (`libcrypt.so.1`), called through koffi (a
 * prebuilt FFI; no compiler needed). Using the system library means every scheme the host can
 * write to /etc/shadow (yescrypt, gost-yescrypt, scrypt, sha512/256crypt, md5crypt, bcrypt, DES)
 * is verified exactly as PAM would.
 *
 * `crypt_rn(phrase, setting, data, size)` is reentrant and returns NULL on failure; calls run on
 * koffi's worker threads (`.async`) so a slow yescrypt does not block the event loop. Each call
 * gets its own zeroed `struct crypt_data` buffer.
 */
import { timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type { PasswordHasher } from '../../engines/weakpass/shadow-check.js';

export type { PasswordHasher } from '../../engines/weakpass/shadow-check.js';

/** sizeof(struct crypt_data) in libxcrypt. */
const CRYPT_DATA_SIZE = 32768;

interface AsyncFn {
  (...args: unknown[]): unknown;
  async: (...args: unknown[]) => void;
}

interface KoffiLib {
  func: (decl: string) => AsyncFn;
}

interface Koffi {
  load: (path: string) => KoffiLib;
}

export interface XcryptHasher extends PasswordHasher {
  /** crypt(3) of `password` with `setting` (a full hash or a `$id$salt` prefix); null on failure. */
  hash(password: string, setting: string): Promise<string | null>;
}

let cached: AsyncFn | undefined;
const keepAlive = new Set<Buffer>();

function cryptRn(): AsyncFn {
  if (cached) return cached;
  // koffi ships CommonJS; loaded lazily so hosts without libcrypt only fail when asked.
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const lib = koffi.load('libcrypt.so.1');
  cached = lib.func('const char *crypt_rn(const char *phrase, const char *setting, void *data, int size)');
  return cached;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createXcryptHasher(): XcryptHasher {
  const fn = cryptRn();
  const hash = (password: string, setting: string): Promise<string | null> =>
    new Promise((resolve, reject) => {
      if (password.includes('\0') || setting.includes('\0')) {
        resolve(null);
        return;
      }
      const data = Buffer.alloc(CRYPT_DATA_SIZE);
      keepAlive.add(data);
      fn.async(password, setting, data, CRYPT_DATA_SIZE, (err: unknown, res: unknown) => {
        // Keep the crypt_data buffer reachable until the worker thread is done with it.
        keepAlive.delete(data);
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(typeof res === 'string' && !res.startsWith('*') ? res : null);
      });
    });
  return {
    hash,
    async verify(password, storedHash) {
      const out = await hash(password, storedHash);
      return out !== null && safeEqual(out, storedHash);
    },
  };
}
