import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-queue-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('EventQueue', () => {
  it('keeps unacknowledged events across a restart and never reuses a sequence number', () => {
    const dir = tmp();
    const q = new EventQueue(dir);
    for (let i = 0; i < 5; i++) q.push('test', { i });
    q.ack(2);
    const again = new EventQueue(dir);
    expect(again.batch().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(again.push('test', { i: 5 }).seq).toBe(6);
    again.ack(6);
    expect(again.pending).toBe(0);
    expect(new EventQueue(dir).push('test', null).seq).toBe(7);
  });

  it('drops the oldest events past the count and byte limits and counts them', () => {
    const dir = tmp();
    const q = new EventQueue(dir, { maxEvents: 10, maxBytes: 1_000_000 });
    for (let i = 0; i < 25; i++) q.push('test', { i });
    expect(q.pending).toBeLessThanOrEqual(10);
    expect(q.pending + q.dropped).toBe(25);
    const kept = q.batch().map((e) => e.seq);
    expect(kept).toEqual(Array.from({ length: q.pending }, (_, i) => 26 - q.pending + i));
    const reloaded = new EventQueue(dir, { maxEvents: 10, maxBytes: 1_000_000 });
    expect(reloaded.dropped).toBe(q.dropped);
    expect(reloaded.batch().map((e) => e.seq)).toEqual(kept);

    const small = new EventQueue(tmp(), { maxEvents: 1000, maxBytes: 2_000 });
    for (let i = 0; i < 100; i++) small.push('test', { pad: 'x'.repeat(100) });
    expect(small.pendingBytes).toBeLessThanOrEqual(2_000);
    expect(small.dropped).toBe(100 - small.pending);
  });

  it('batches by count and size, oldest first', () => {
    const q = new EventQueue(tmp());
    for (let i = 0; i < 30; i++) q.push('test', { pad: 'y'.repeat(200) });
    expect(q.batch(7).length).toBe(7);
    const bySize = q.batch(500, 1_000);
    expect(bySize.length).toBeGreaterThan(0);
    expect(bySize.length).toBeLessThan(6);
    expect(bySize.map((e) => e.seq)).toEqual(bySize.map((_, i) => i + 1));
  });
});
