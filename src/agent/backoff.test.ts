import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { linkSignature, parseFrame } from './protocol.js';

describe('Backoff', () => {
  it('doubles up to the cap, stays within [d/2, d], and resets', () => {
    const lo = new Backoff(1_000, 8_000, () => 0);
    const hi = new Backoff(1_000, 8_000, () => 1);
    expect([1, 2, 3, 4, 5].map(() => lo.next())).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    expect([1, 2, 3, 4, 5].map(() => hi.next())).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    hi.reset();
    expect(hi.next()).toBe(1_000);
    expect(new Backoff(1_000, 60_000, () => 0.5).max()).toBe(45_000);
  });
});

describe('link protocol', () => {
  it('signs id, timestamp and nonce so that changing any one changes the signature', () => {
    const base = linkSignature('secret', 'id', '1700000000000', 'nonce-aaaaaaaaaaaa');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(linkSignature('secret2', 'id', '1700000000000', 'nonce-aaaaaaaaaaaa')).not.toBe(base);
    expect(linkSignature('secret', 'id2', '1700000000000', 'nonce-aaaaaaaaaaaa')).not.toBe(base);
    expect(linkSignature('secret', 'id', '1700000000001', 'nonce-aaaaaaaaaaaa')).not.toBe(base);
    expect(linkSignature('secret', 'id', '1700000000000', 'nonce-aaaaaaaaaaab')).not.toBe(base);
  });

  it('accepts only JSON objects with string type and id', () => {
    expect(parseFrame('{"type":"heartbeat","id":"1"}')).toEqual({ type: 'heartbeat', id: '1' });
    for (const bad of ['', 'null', '[]', '{"type":1,"id":"1"}', '{"type":"x"}', `{"type":"x","id":"${'a'.repeat(200)}"}`, '{bad']) expect(parseFrame(bad)).toBeNull();
  });
});
