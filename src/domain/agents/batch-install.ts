import { randomUUID } from 'node:crypto';
import { VigilError } from '../errors.js';
import { runSshCommand, type SshOutcome, type SshRunResult, type SshTarget } from '../../host/ssh/ssh-run.js';
import type { Store } from '../../store/db.js';
import { BatchTaskStore } from './batch-task-store.js';

/**
 * Batch install over SSH (SPEC R-3.3): runs the console's install one-liner on many hosts with a
 * parallelism limit. Credentials live only in memory, inside the pending job of each host, and are
 * dropped as soon as that host starts; tasks and per-host results (without credentials) are written
 * to the database as they change (BatchTaskStore), so they survive a restart — hosts a restart cut
 * short are shown as `interrupted`.
 */
export type HostState = 'pending' | 'running' | 'succeeded' | 'failed';
export type HostResult = SshOutcome | 'script_failed' | 'interrupted' | '';

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

/** Finished tasks kept in memory (the database keeps them longer). */
const KEEP_MS = 3_600_000;
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
  /** Per task: its writes in order (a later state never lands before an earlier one). */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly recovered: Promise<void>;

  constructor(
    private readonly runner: SshRunner = runSshCommand,
    private readonly timeoutMs = 300_000,
    private readonly store: BatchTaskStore | null = null,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.recovered = store ? store.recover(Date.now()).then(() => undefined, onError) : Promise.resolve();
  }

  async create(accountId: string, input: { serverUrl: string; code: string; downloader: 'curl' | 'wget'; parallelism: number; hosts: BatchHostInput[] }, now = Date.now()): Promise<BatchTaskView> {
    await this.recovered;
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
    // The task exists for the console before any host starts; a failed write refuses the task.
    await this.store?.save(task);
    // Credentials stay in this array only; each slot is cleared when its host starts.
    const pending: Array<BatchHostInput | undefined> = [...input.hosts];
    void this.run(task, pending, input.serverUrl);
    return this.view(task);
  }

  async get(accountId: string, taskId: string): Promise<BatchTaskView> {
    await this.recovered;
    const live = this.tasks.get(taskId);
    const t = live && live.accountId === accountId ? live : await this.store?.get(accountId, taskId);
    if (!t) throw new VigilError('BatchInstallTaskNotFound', `Batch install task ${taskId} does not exist (finished tasks are kept for 7 days).`, 404);
    return this.view(t);
  }

  async list(accountId: string): Promise<BatchTaskView[]> {
    await this.recovered;
    const byId = new Map<string, Task>();
    for (const t of (await this.store?.list(accountId)) ?? []) byId.set(t.taskId, t);
    // Running tasks: memory is ahead of the database.
    for (const t of this.tasks.values()) if (t.accountId === accountId) byId.set(t.taskId, t);
    return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt).map((t) => this.view(t));
  }

  /** Writes the task's current state after its earlier writes. */
  private persist(task: Task): Promise<void> {
    if (!this.store) return Promise.resolve();
    const store = this.store;
    const snapshot = { ...task, hosts: task.hosts.map((h) => ({ ...h })) };
    const next = (this.writes.get(task.taskId) ?? Promise.resolve()).then(() => store.save(snapshot)).catch(this.onError);
    this.writes.set(task.taskId, next);
    return next;
  }

  /** Resolves when every host of the task is done (tests and CLI). */
  async wait(taskId: string, pollMs = 100): Promise<void> {
    for (;;) {
      const t = this.tasks.get(taskId);
      if (!t) return;
      if (t.finishedAt) {
        await this.writes.get(taskId);
        return;
      }
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
        void this.persist(task);
        await this.runOne(h, input, serverUrl, task);
        void this.persist(task);
      }
    };
    await Promise.all(Array.from({ length: Math.min(task.parallelism, pending.length) }, () => worker()));
    task.finishedAt = Date.now();
    await this.persist(task);
    this.writes.delete(task.taskId);
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

/** One service per server (per Services object), created on first use, its tasks in the server's store. */
const perServices = new WeakMap<object, BatchInstallService>();
export function batchInstallFor(services: { store: Store }): BatchInstallService {
  let s = perServices.get(services);
  if (!s) {
    s = new BatchInstallService(runSshCommand, 300_000, new BatchTaskStore(services.store.db));
    perServices.set(services, s);
  }
  return s;
}
