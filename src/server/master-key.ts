import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The 32-byte key that seals secrets at rest. VIGIL_MASTER_KEY (base64) wins; otherwise
 * `<home>/master.key` (0600) is read, or created on first start. Back it up with the database:
 * without it stored AccessKey secrets cannot be opened.
 */
export function loadMasterKey(home: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.VIGIL_MASTER_KEY) {
    const key = Buffer.from(env.VIGIL_MASTER_KEY, 'base64');
    if (key.length !== 32) throw new Error('VIGIL_MASTER_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = join(home, 'master.key');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) throw new Error(`${file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
