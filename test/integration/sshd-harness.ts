import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, rmrf, tempDir } from './agent-harness.js';

export interface TestSshd {
  port: number;
  /** Private key (OpenSSH format) that root may log in with. */
  clientKey: string;
  /** A key the server does not know. */
  wrongKey: string;
  /** `SHA256:…` of the server's host key, as ssh-keygen prints it. */
  hostKeySha256: string;
  log: () => string;
  stop: () => Promise<void>;
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
}

/**
 * Debian's sshd on a spare loopback port with a temp config: root may log in with the test's key only
 * (no passwords), and `environment=` options of the authorized key set the variables the installer reads.
 */
export async function startSshd(env: Record<string, string>): Promise<TestSshd> {
  const dir = tempDir('vigil-sshd-');
  chmodSync(dir, 0o700);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (const k of ['host_key', 'client_key', 'wrong_key']) keygen(join(dir, k));
  const envOpts = Object.entries(env).map(([k, v]) => `environment="${k}=${v}"`).join(',');
  writeFileSync(join(dir, 'authorized_keys'), `${envOpts} ${readFileSync(join(dir, 'client_key.pub'), 'utf8')}`, { mode: 0o600 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitUserEnvironment yes',
    'UsePAM no',
    'StrictModes no',
    'LogLevel VERBOSE',
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`, { mode: 0o600 });
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const fp = execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return {
    port,
    clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    wrongKey: readFileSync(join(dir, 'wrong_key'), 'utf8'),
    hostKeySha256: fp,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmrf(dir);
    },
  };
}
