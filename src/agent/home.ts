import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The agent's state directory: --home, else $VIGIL_AGENT_HOME, else $VIGIL_HOME, else /etc/vigil. */
export function agentHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.VIGIL_AGENT_HOME ?? env.VIGIL_HOME ?? '/etc/vigil');
}

export interface Credentials {
  server: string;
  agentId: string;
  agentSecret: string;
  /** PEM file to trust for the server's certificate (self-signed servers). */
  caFile?: string;
  proxy?: string;
  enrolledAt: number;
}

/** Image mode: where to enroll at first start, written by `install --image`. */
export interface PendingEnrollment {
  server: string;
  code: string;
  caFile?: string;
  proxy?: string;
}

export const paths = (home: string) => ({
  credentials: join(home, 'agent.json'),
  pending: join(home, 'pending-enroll.json'),
  status: join(home, 'status.json'),
  queueDir: join(home, 'queue'),
  inbox: join(home, 'inbox'),
  results: join(home, 'task-results.json'),
  pid: join(home, 'agent.pid'),
  log: join(home, 'agent.log'),
  /** Self-protection: this run's state, the supervisor's record of the last exit, its stop notice. */
  runState: join(home, 'run-state.json'),
  lastExit: join(home, 'last-exit.json'),
  stopIntent: join(home, 'stop-intent.json'),
  /** Written by install.sh before it replaces the program of a running agent: `{sha256, at}`. */
  programUpdate: join(home, 'program-update.json'),
  /** The guarded files' states (sha256, mode, owner) as last seen, compared at the next start. */
  guardState: join(home, 'guard-state.json'),
  /** Executable sha256 cache of the inventory collection children. */
  exeHashes: join(home, 'exe-hashes.json'),
});

export function ensureHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
}

/** Writes a file atomically (tmp + rename) with the given mode. */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

export function readJson<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function saveCredentials(home: string, c: Credentials): void {
  ensureHome(home);
  writeFileAtomic(paths(home).credentials, JSON.stringify(c, null, 2) + '\n', 0o600);
}

/** Reads the credential; refuses one others can read (it is the host's only secret). */
export function loadCredentials(home: string): Credentials | null {
  const file = paths(home).credentials;
  if (!existsSync(file)) return null;
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new Error(`${file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  const c = readJson<Partial<Credentials>>(file);
  if (!c || typeof c.server !== 'string' || typeof c.agentId !== 'string' || typeof c.agentSecret !== 'string') throw new Error(`${file} is not a Vigil agent credential`);
  return c as Credentials;
}

export function caFrom(file: string | undefined): Buffer | undefined {
  return file ? readFileSync(file) : undefined;
}
