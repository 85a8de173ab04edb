export interface QueueOptions {
  /** Jobs waiting at most; the oldest is dropped beyond this (default 1000). */
  maxQueued?: number;
  /** Deliveries in flight at once (default 2). */
  concurrency?: number;
  /** Attempts per job including the first (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at 5 minutes (default 2 s). */
  baseDelayMs?: number;
}

export interface Job {
  /** Runs one attempt; throw `{ retry: false }`-shaped errors for permanent failures. */
  attempt(): Promise<void>;
  /** Called once with the final outcome. */
  done(ok: boolean, error: string, attempts: number): void;
}

interface Entry {
  job: Job;
  attempts: number;
  notBefore: number;
}

/**
 * A bounded, in-memory delivery queue with retry and exponential backoff (with jitter). `push` never
 * waits and never throws, so the alert pipeline is never held up by a slow or dead receiver.
 */
export class NotifyQueue {
  private readonly waiting: Entry[] = [];
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  dropped = 0;
  private readonly o: Required<QueueOptions>;

  constructor(o: QueueOptions = {}) {
    this.o = { maxQueued: o.maxQueued ?? 1000, concurrency: o.concurrency ?? 2, maxAttempts: o.maxAttempts ?? 5, baseDelayMs: o.baseDelayMs ?? 2000 };
  }

  get size(): number {
    return this.waiting.length + this.active;
  }

  push(job: Job): void {
    if (this.stopped) return;
    if (this.waiting.length >= this.o.maxQueued) {
      const old = this.waiting.shift();
      this.dropped++;
      old?.job.done(false, 'dropped: notification queue full', old.attempts);
    }
    this.waiting.push({ job, attempts: 0, notBefore: 0 });
    this.pump();
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const e of this.waiting.splice(0)) e.job.done(false, 'server stopping', e.attempts);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.size === 0) for (const r of this.idleWaiters.splice(0)) r();
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    while (this.active < this.o.concurrency) {
      const i = this.waiting.findIndex((e) => e.notBefore <= now);
      if (i < 0) break;
      const [e] = this.waiting.splice(i, 1);
      if (e) this.run(e);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waiting.length > 0 && this.active < this.o.concurrency) {
      const next = Math.min(...this.waiting.map((e) => e.notBefore));
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - now));
      this.timer.unref();
    }
  }

  private run(e: Entry): void {
    this.active++;
    e.attempts++;
    e.job.attempt().then(
      () => this.finish(e, true, ''),
      (err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        const retry = !(typeof err === 'object' && err !== null && (err as { retry?: unknown }).retry === false);
        if (retry && e.attempts < this.o.maxAttempts && !this.stopped) {
          const delay = Math.min(300_000, this.o.baseDelayMs * 2 ** (e.attempts - 1));
          e.notBefore = Date.now() + delay * (0.8 + Math.random() * 0.4);
          this.active--;
          this.waiting.push(e);
          this.pump();
          return;
        }
        this.finish(e, false, msg);
      },
    );
  }

  private finish(e: Entry, ok: boolean, error: string): void {
    this.active--;
    try {
      e.job.done(ok, error, e.attempts);
    } catch {
      // outcome bookkeeping must not stop the queue
    }
    this.pump();
    this.checkIdle();
  }
}
