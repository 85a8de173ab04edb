import { createHash } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';

/** How one SSH command run ended; `ok` means the command ran (its exit code may still be non-zero). */
export type SshOutcome = 'ok' | 'connect_failed' | 'auth_failed' | 'host_key_mismatch' | 'timeout';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** Expected host key, `SHA256:<base64>` as `ssh-keygen -lf` prints it; absent = trust on first use. */
  hostKeySha256?: string;
}

export interface SshRunResult {
  outcome: SshOutcome;
  exitCode: number | null;
  /** Last bytes of stdout+stderr, for the operator. */
  outputTail: string;
  /** The key the host presented, `SHA256:<base64>`. */
  hostKeySha256: string;
  error: string;
}

const TAIL_BYTES = 4096;

export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Runs `command` on the target over SSH and collects exit code and an output tail. `stdin` (e.g. a sudo
 * password) is written to the command's stdin and never echoed back into the result. Secrets in
 * `target` live only in this call's closure.
 */
export function runSshCommand(target: SshTarget, command: string, opts: { stdin?: string; timeoutMs: number; readyTimeoutMs?: number }): Promise<SshRunResult> {
  return new Promise((resolve) => {
    const conn = new Client();
    let presented = '';
    let keyRejected = false;
    let ready = false;
    let tail = Buffer.alloc(0);
    let done = false;
    const finish = (r: Omit<SshRunResult, 'hostKeySha256' | 'outputTail'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      conn.end();
      let text = tail.toString('utf8');
      if (opts.stdin) text = text.split(opts.stdin).join('***');
      resolve({ ...r, hostKeySha256: presented, outputTail: text });
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout', exitCode: null, error: `no result within ${Math.round(opts.timeoutMs / 1000)} s` }), opts.timeoutMs);
    const append = (b: Buffer) => {
      tail = Buffer.concat([tail, b]);
      if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
    };
    conn.on('ready', () => {
      ready = true;
      conn.exec(command, (err, stream) => {
        if (err) return finish({ outcome: 'connect_failed', exitCode: null, error: `cannot start the command: ${err.message}` });
        let code: number | null = null;
        stream.on('data', append);
        stream.stderr.on('data', append);
        stream.on('exit', (c: number | null) => (code = c));
        stream.on('close', () => finish({ outcome: 'ok', exitCode: code, error: code === 0 ? '' : `install command exited with ${code ?? 'a signal'}` }));
        if (opts.stdin) stream.write(`${opts.stdin}\n`);
        stream.end();
      });
    });
    conn.on('error', (err: Error & { level?: string; code?: string }) => {
      if (keyRejected) return finish({ outcome: 'host_key_mismatch', exitCode: null, error: `host key ${presented} does not match the expected ${target.hostKeySha256 ?? ''}` });
      if (err.level === 'client-authentication') return finish({ outcome: 'auth_failed', exitCode: null, error: 'authentication failed (user, password or key rejected)' });
      if (!ready && err.level === 'client-timeout') return finish({ outcome: 'connect_failed', exitCode: null, error: 'timed out connecting' });
      finish({ outcome: 'connect_failed', exitCode: null, error: err.code ? `${err.code}: ${err.message}` : err.message });
    });
    conn.on('close', () => finish({ outcome: 'connect_failed', exitCode: null, error: 'connection closed before the command finished' }));
    const cfg: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      readyTimeout: opts.readyTimeoutMs ?? 15_000,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        if (target.hostKeySha256 && target.hostKeySha256 !== presented) {
          keyRejected = true;
          return false;
        }
        return true;
      },
    };
    if (target.password !== undefined) cfg.password = target.password;
    if (target.privateKey !== undefined) cfg.privateKey = target.privateKey;
    if (target.passphrase !== undefined) cfg.passphrase = target.passphrase;
    try {
      conn.connect(cfg);
    } catch (err) {
      // ssh2 throws synchronously for an unparsable private key.
      finish({ outcome: 'auth_failed', exitCode: null, error: `cannot use the private key: ${(err as Error).message}` });
    }
  });
}
