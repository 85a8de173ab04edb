import { describe, expect, it } from 'vitest';
import { NotifyQueue } from './notify-queue.js';
import { SendError } from './senders.js';

function job(fails: (n: number) => Error | null) {
  const r = { attempts: 0, outcome: null as null | { ok: boolean; error: string; attempts: number } };
  return {
    r,
    job: {
      attempt: async () => {
        r.attempts++;
        const e = fails(r.attempts);
        if (e) throw e;
      },
      done: (ok: boolean, error: string, attempts: number) => (r.outcome = { ok, error, attempts }),
    },
  };
}

describe('NotifyQueue', () => {
  it('retries retryable failures with backoff until success', async () => {
    const q = new NotifyQueue({ baseDelayMs: 5 });
    const a = job((n) => (n < 3 ? new SendError('HTTP 500', true) : null));
    q.push(a.job);
    await q.idle();
    expect(a.r.outcome).toEqual({ ok: true, error: '', attempts: 3 });
  });

  it('gives up after maxAttempts and does not retry permanent failures', async () => {
    const q = new NotifyQueue({ baseDelayMs: 1, maxAttempts: 4 });
    const always = job(() => new SendError('HTTP 503', true));
    const perm = job(() => new SendError('HTTP 400', false));
    q.push(always.job);
    q.push(perm.job);
    await q.idle();
    expect(always.r.outcome).toEqual({ ok: false, error: 'HTTP 503', attempts: 4 });
    expect(perm.r.outcome).toEqual({ ok: false, error: 'HTTP 400', attempts: 1 });
  });

  it('is bounded: the oldest waiting job is dropped, push never blocks', async () => {
    const q = new NotifyQueue({ maxQueued: 2, concurrency: 1 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const first = { attempt: () => gate, done: () => undefined };
    const jobs = [job(() => null), job(() => null), job(() => null)];
    q.push(first);
    for (const j of jobs) q.push(j.job);
    expect(q.dropped).toBe(1);
    expect(jobs[0]?.r.outcome).toEqual({ ok: false, error: 'dropped: notification queue full', attempts: 0 });
    release();
    await q.idle();
    expect(jobs.map((j) => j.r.outcome?.ok)).toEqual([false, true, true]);
  });
});
