import { randomUUID } from 'node:crypto';
import { VigilError } from '../errors.js';
import { runSshCommand, type SshOutcome, type SshRunResult, type SshTarget } from '../../host/ssh/ssh-run.js';

/**
 * Batch install over SSH (SPEC R-3.3): runs the console's install one-liner on many hosts with a
 * parallelism limit. Credentials live only in memory, inside the pending job of each host, and are
 * dropped as soon as that host is done; tasks themselves (without credentials) are kept in memory for
 * a while so the console can show the per-host results.
 */
export type HostState = 'pending' | 'running' | 'succeeded' | 'failed';
export type HostResult = SshOutcome | 'script_failed' | '';

export interface BatchHostInput {
  host: string;
  port: number;
  user: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  hostKeySha256?: string;
}

export interface BatchHostView {
  host: string;
  port: number;
  user: string;
  state: HostState;
  /** '' while pending/running; `ok` when the installer exited 0. */
  result: HostResult;
  exitCode: number | null;
  message: string;
  outputTail: string;
  hostKeySha256: string;
  startedAt: number;
  finishedAt: number;
}

export interface BatchTaskView {
  taskId: string;
  code: string;
  downloader: 'curl' | 'wget';
  parallelism: number;
  createdAt: number;
  finishedAt: number;
  hosts: BatchHostView[];
}

interface Task extends BatchTaskView {
  accountId: string;
}

export type SshRunner = (target: SshTarget, command: string, opts: { stdin?: string; timeoutMs: number }) => Promise<SshRunResult>;

const KEEP_MS = 24 * 3_600_000;
const MAX_TASKS = 200;

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The same one-liner the console shows, adapted to the login user: root runs it directly, others via sudo. */
export function installCommandFor(serverUrl: string, code: string, downloader: 'curl' | 'wget', user: string, sudoPassword: boolean): string {
  const url = `${serverUrl.replace(/\/+$/, '')}/agent/install.sh?code=${encodeURIComponent(code)}`;
  const fetch = downloader === 'curl' ? `curl -fsSL ${quote(url)}` : `wget -qO- ${quote(url)}`;
  const line = `${fetch} | bash`;
  if (user === 'root') return line;
  // Without a tty sudo reads its password from stdin (-S) or must not need one (-n).
  return sudoPassword ? `sudo -S -p '' bash -c ${quote(line)}` : `sudo -n bash -c ${quote(line)}`;
}

export class BatchInstallService {
  private readonly tasks = new Map<string, Task>();

  constructor(private readonly runner: SshRunner = runSshCommand, private readonly timeoutMs = 300_000) {}

  create(accountId: string, input: { serverUrl: string; code: string; downloader: 'curl' | 'wget'; parallelism: number; hosts: BatchHostInput[] }, now = Date.now()): BatchTaskView {
    this.prune(now);
    if (input.hosts.length === 0) throw new VigilError('InvalidParameter', 'Hosts names no host.', 400);
    const task: Task = {
      accountId,
      taskId: randomUUID(),
      code: input.code,
      downloader: input.downloader,
      parallelism: input.parallelism,
      createdAt: now,
      finishedAt: 0,
      hosts: input.hosts.map((h) => ({ host: h.host, port: h.port, user: h.user, state: 'pending', result: '', exitCode: null, message: '', outputTail: '', hostKeySha256: '', startedAt: 0, finishedAt: 0 })),
    };
    this.tasks.set(task.taskId, task);
    // Credentials stay in this array only; each slot is cleared when its host starts.
    const pending: Array<BatchHostInput | undefined> = [...input.hosts];
    void this.run(task, pending, input.serverUrl);
    return this.view(task);
  }

  get(accountId: string, taskId: string): BatchTaskView {
    const t = this.tasks.get(taskId);
    if (!t || t.accountId !== accountId) throw new VigilError('BatchInstallTaskNotFound', `Batch install task ${taskId} does not exist (tasks are kept for 24 hours).`, 404);
    return this.view(t);
  }

  list(accountId: string): BatchTaskView[] {
    return [...this.tasks.values()].filter((t) => t.accountId === accountId).sort((a, b) => b.createdAt - a.createdAt).map((t) => this.view(t));
  }

  /** Resolves when every host of the task is done (tests and CLI). */
  async wait(taskId: string, pollMs = 100): Promise<void> {
    for (;;) {
      const t = this.tasks.get(taskId);
      if (!t || t.finishedAt) return;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private view(t: Task): BatchTaskView {
    const { accountId: _a, ...rest } = t;
    return { ...rest, hosts: t.hosts.map((h) => ({ ...h })) };
  }

  private async run(task: Task, pending: Array<BatchHostInput | undefined>, serverUrl: string): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= pending.length) return;
        const input = pending[i];
        pending[i] = undefined;
        const h = task.hosts[i];
        if (!input || !h) continue;
        h.state = 'running';
        h.startedAt = Date.now();
        await this.runOne(h, input, serverUrl, task);
      }
    };
    await Promise.all(Array.from({ length: Math.min(task.parallelism, pending.length) }, () => worker()));
    task.finishedAt = Date.now();
  }

  private async runOne(h: BatchHostView, input: BatchHostInput, serverUrl: string, task: Task): Promise<void> {
    const sudoPassword = input.user !== 'root' && input.password !== undefined;
    const command = installCommandFor(serverUrl, task.code, task.downloader, input.user, sudoPassword);
    const target: SshTarget = { host: input.host, port: input.port, username: input.user };
    if (input.password !== undefined) target.password = input.password;
    if (input.privateKey !== undefined) target.privateKey = input.privateKey;
    if (input.passphrase !== undefined) target.passphrase = input.passphrase;
    if (input.hostKeySha256 !== undefined) target.hostKeySha256 = input.hostKeySha256;
    let r: SshRunResult;
    try {
      r = await this.runner(target, command, { ...(sudoPassword && input.password ? { stdin: input.password } : {}), timeoutMs: this.timeoutMs });
    } catch (err) {
      r = { outcome: 'connect_failed', exitCode: null, outputTail: '', hostKeySha256: '', error: err instanceof Error ? err.message : String(err) };
    }
    h.hostKeySha256 = r.hostKeySha256;
    h.outputTail = r.outputTail;
    h.exitCode = r.exitCode;
    h.finishedAt = Date.now();
    if (r.outcome === 'ok' && r.exitCode === 0) {
      h.state = 'succeeded';
      h.result = 'ok';
      h.message = 'installed';
    } else {
      h.state = 'failed';
      h.result = r.outcome === 'ok' ? 'script_failed' : r.outcome;
      h.message = r.error;
    }
  }

  private prune(now: number): void {
    for (const [id, t] of this.tasks) if (t.finishedAt && now - t.finishedAt > KEEP_MS) this.tasks.delete(id);
    if (this.tasks.size >= MAX_TASKS) {
      const oldest = [...this.tasks.values()].filter((t) => t.finishedAt).sort((a, b) => a.createdAt - b.createdAt)[0];
      if (oldest) this.tasks.delete(oldest.taskId);
      else throw new VigilError('Throttling', 'Too many batch install tasks are running; wait for some to finish.', 429);
    }
  }
}

/** One service per server (per Services object), created on first use. */
const perServices = new WeakMap<object, BatchInstallService>();
export function batchInstallFor(services: object): BatchInstallService {
  let s = perServices.get(services);
  if (!s) {
    s = new BatchInstallService();
    perServices.set(services, s);
  }
  return s;
}
