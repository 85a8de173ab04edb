import type { AuditRecord } from '../audit-types.js';
import type { AuditLogger } from '../audit-trail.js';

/** Health of one forwarding target, as `DescribeAuditForwarding` shows it. */
export interface ForwarderStats {
  kind: 'syslog' | 'webhook';
  /** Where records go, without credentials (no userinfo, no query string). */
  target: string;
  sent: number;
  failures: number;
  dropped: number;
  queued: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
}

export interface AuditForwarder {
  /** Never blocks and never throws: records are queued and sent in the background. */
  enqueue(records: readonly AuditRecord[]): void;
  stats(): ForwarderStats;
  /** Tries to send what is queued for up to `graceMs`, then stops (the rest stays counted as queued). */
  close(graceMs?: number): Promise<void>;
}

/** A failure that retrying will not fix (e.g. HTTP 4xx): the batch is dropped and counted. */
export class PermanentDeliveryError extends Error {}

export interface QueueOptions {
  maxQueue: number;
  batchSize: number;
  /** First retry delay; doubles each failure up to `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * A bounded in-memory queue drained by one background loop. When full the oldest records are
 * dropped (counted, warned) so the request path never waits; a failed batch is retried with
 * exponential backoff until it succeeds, fails permanently, or the forwarder closes.
 */
export abstract class QueuedForwarder implements AuditForwarder {
  private queue: AuditRecord[] = [];
  private inflight: AuditRecord[] = [];
  private running: Promise<void> | null = null;
  /** Cleared in the same synchronous step that sees the queue empty, so no enqueue is stranded. */
  private pumping = false;
  private closed = false;
  /** Set by close(): one more attempt without waiting out a backoff, then stop on failure. */
  private closing = false;
  private wake: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private readonly s: ForwarderStats;

  constructor(
    kind: ForwarderStats['kind'],
    target: string,
    protected readonly log: AuditLogger,
    private readonly q: QueueOptions,
  ) {
    this.s = { kind, target, sent: 0, failures: 0, dropped: 0, queued: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null };
  }

  protected abstract deliver(batch: AuditRecord[]): Promise<void>;
  protected abstract shutdown(): Promise<void>;

  enqueue(records: readonly AuditRecord[]): void {
    if (this.closed || records.length === 0) return;
    this.queue.push(...records);
    const over = this.queue.length - this.q.maxQueue;
    if (over > 0) {
      this.queue.splice(0, over);
      const before = this.s.dropped;
      this.s.dropped += over;
      // Warn on the first drop and then once per 1000 dropped, not once per record.
      if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.s.dropped / 1000)) {
        this.log.warn({ target: this.s.target, dropped: this.s.dropped, maxQueue: this.q.maxQueue }, `audit ${this.s.kind} forwarding queue full; oldest records dropped`);
      }
    }
    if (!this.pumping) {
      this.pumping = true;
      this.running = this.pump();
    }
  }

  stats(): ForwarderStats {
    return { ...this.s, queued: this.queue.length + this.inflight.length };
  }

  async close(graceMs = 2000): Promise<void> {
    let grace: NodeJS.Timeout | undefined;
    this.closing = true;
    this.wakeUp();
    if (this.pumping && this.running) await Promise.race([this.running, new Promise<void>((r) => (grace = setTimeout(r, graceMs)))]);
    clearTimeout(grace);
    this.stop();
    // Aborts a delivery still in flight (sockets destroyed, requests aborted) so the loop ends.
    await this.shutdown().catch(() => undefined);
  }

  private stop(): void {
    this.closed = true;
    this.wakeUp();
  }

  private wakeUp(): void {
    if (this.wake) {
      clearTimeout(this.wake.timer);
      this.wake.resolve();
      this.wake = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = { timer, resolve };
    });
  }

  private async pump(): Promise<void> {
    try {
      await this.drain();
    } catch (err) {
      // A bug here must not become an unhandled rejection that ends the server.
      this.log.error({ err, target: this.s.target }, `audit ${this.s.kind} forwarder stopped unexpectedly`);
    } finally {
      this.pumping = false;
    }
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      if (this.inflight.length === 0) {
        if (this.queue.length === 0) return;
        this.inflight = this.queue.splice(0, this.q.batchSize);
      }
      try {
        await this.deliver(this.inflight);
        this.s.sent += this.inflight.length;
        this.s.lastSuccessAt = Date.now();
        if (attempt > 0) this.log.warn({ target: this.s.target, attempts: attempt + 1 }, `audit ${this.s.kind} forwarding recovered`);
        this.inflight = [];
        attempt = 0;
      } catch (err) {
        this.s.failures++;
        this.s.lastFailureAt = Date.now();
        this.s.lastError = (err as Error).message.slice(0, 300);
        if (err instanceof PermanentDeliveryError) {
          this.s.dropped += this.inflight.length;
          this.log.warn({ target: this.s.target, count: this.inflight.length, error: this.s.lastError }, `audit ${this.s.kind} forwarding rejected a batch; dropped`);
          this.inflight = [];
          attempt = 0;
          continue;
        }
        if (this.closing) return;
        if (attempt === 0 || attempt % 10 === 0) {
          this.log.warn({ target: this.s.target, attempt: attempt + 1, error: this.s.lastError }, `audit ${this.s.kind} forwarding failed; retrying`);
        }
        const delay = Math.min(this.q.maxBackoffMs, this.q.baseBackoffMs * 2 ** Math.min(attempt, 20));
        attempt++;
        await this.sleep(delay * (0.8 + Math.random() * 0.4));
      }
    }
  }
}
