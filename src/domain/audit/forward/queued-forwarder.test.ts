import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../audit-types.js';
import { PermanentDeliveryError, QueuedForwarder } from './queued-forwarder.js';

const rec = (i: number) => ({ id: String(i) }) as AuditRecord;

/** A forwarder whose "target" is an array; `failures` decides what the next attempts do. */
class ArrayForwarder extends QueuedForwarder {
  got: string[][] = [];
  attempts = 0;
  constructor(
    public plan: Array<'ok' | 'retry' | 'reject'>,
    maxQueue = 100,
    batchSize = 10,
    public readonly warnings: string[] = [],
  ) {
    super('webhook', 'test://array', { error: () => undefined, warn: (_o, m) => void warnings.push(m) }, { maxQueue, batchSize, baseBackoffMs: 5, maxBackoffMs: 20 });
  }
  protected async deliver(batch: AuditRecord[]): Promise<void> {
    this.attempts++;
    await new Promise((r) => setTimeout(r, 1));
    const step = this.plan.shift() ?? 'ok';
    if (step === 'retry') throw new Error('down');
    if (step === 'reject') throw new PermanentDeliveryError('HTTP 400');
    this.got.push(batch.map((r) => r.id));
  }
  protected async shutdown(): Promise<void> {}
}

async function settle(f: ArrayForwarder, until: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !until(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(until()).toBe(true);
}

describe('QueuedForwarder', () => {
  it('delivers in order, in batches, including records enqueued while a batch is in flight', async () => {
    const f = new ArrayForwarder([]);
    for (let i = 0; i < 25; i++) f.enqueue([rec(i)]);
    await settle(f, () => f.stats().sent === 25);
    expect(f.got.flat()).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(f.got[0]).toHaveLength(1); // the first record starts the loop at once
    f.enqueue([rec(99)]);
    await settle(f, () => f.stats().sent === 26);
    expect(f.stats()).toMatchObject({ failures: 0, dropped: 0, queued: 0 });
  });

  it('retries a failed batch with backoff and then succeeds with the same records', async () => {
    const f = new ArrayForwarder(['retry', 'retry', 'ok']);
    f.enqueue([rec(1), rec(2)]);
    await settle(f, () => f.stats().sent === 2);
    expect(f.attempts).toBe(3);
    expect(f.got).toEqual([['1', '2']]);
    expect(f.stats()).toMatchObject({ failures: 2, dropped: 0, lastError: 'down' });
    expect(f.warnings).toContain('audit webhook forwarding recovered');
  });

  it('drops the oldest records beyond maxQueue (counted, warned once) and a rejected batch', async () => {
    const f = new ArrayForwarder(['reject'], 5, 2);
    f.enqueue([rec(0), rec(1)]); // in flight, then rejected
    f.enqueue([rec(2), rec(3), rec(4), rec(5), rec(6), rec(7), rec(8)]); // 7 queued > 5: 2, 3 dropped
    expect(f.stats().dropped).toBe(2);
    await settle(f, () => f.stats().queued === 0);
    expect(f.got.flat()).toEqual(['4', '5', '6', '7', '8']);
    expect(f.stats()).toMatchObject({ dropped: 4, failures: 1, lastError: 'HTTP 400' });
    expect(f.warnings.filter((w) => w.includes('queue full'))).toHaveLength(1);
  });

  it('close() does not wait out a backoff when the target stays down', async () => {
    const f = new ArrayForwarder(Array(100).fill('retry'));
    f.enqueue([rec(1)]);
    await settle(f, () => f.attempts >= 2);
    const t0 = Date.now();
    await f.close(10_000);
    expect(Date.now() - t0).toBeLessThan(5000); // well under the 10 s grace
    f.enqueue([rec(2)]);
    expect(f.stats().queued).toBe(1);
  });
});
