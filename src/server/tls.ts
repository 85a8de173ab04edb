import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from './config.js';
import type { TlsMaterial } from './app.js';

/**
 * TLS from configured cert/key files, or a self-signed certificate kept under `<home>/tls/` for a
 * quick start over HTTPS (clients must trust it explicitly; its SHA-256 fingerprint is printed).
 */
export async function loadTls(config: Config): Promise<{ tls: TlsMaterial; fingerprint?: string } | null> {
  if (config.tls.certFile && config.tls.keyFile) {
    try {
      return { tls: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } };
    } catch (err) {
      throw new Error(`TLS: cannot read certificate or key: ${(err as Error).message}`);
    }
  }
  if (!config.tls.selfSigned) return null;
  const dir = join(config.home, 'tls');
  const certFile = join(dir, 'self-signed.crt');
  const keyFile = join(dir, 'self-signed.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const now = new Date();
    const pems = await generate([{ name: 'commonName', value: config.host }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: now,
      notAfterDate: new Date(now.getTime() + 825 * 86_400_000),
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2 as const, value: 'localhost' },
            { type: 7 as const, ip: '127.0.0.1' },
            ...(config.host !== '127.0.0.1' && /^[\d.]+$/.test(config.host) ? [{ type: 7 as const, ip: config.host }] : []),
          ],
        },
      ],
    });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
    return { tls: { cert: pems.cert, key: pems.private }, fingerprint: pems.fingerprint };
  }
  return { tls: { cert: readFileSync(certFile), key: readFileSync(keyFile) } };
}
