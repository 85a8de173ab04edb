import { describe, expect, it } from 'vitest';
import { compilePolicies, timeBucket } from './compile.js';
import { evaluate } from './evaluate.js';
import { LruCache } from './lru.js';
import type { AccessRequest, AttachedPolicy, PolicyStatement } from './types.js';

const T = Date.parse('2026-03-01T00:00:00Z');

function policies(...statements: PolicyStatement[]): AttachedPolicy[] {
  return [{ name: 'p', type: 'Custom', document: { Version: '1', Statement: statements } }];
}

function request(context: AccessRequest['context'], actions = ['yundun-sas:DescribeVulList']): AccessRequest {
  return { actions, resource: 'acs:yundun-sas::1:*', context };
}

describe('time buckets', () => {
  it('place an instant by how many thresholds lie before it and whether it hits one', () => {
    const instants = [10, 20, 30];
    expect([5, 10, 15, 20, 25, 30, 35].map((t) => timeBucket(instants, t))).toEqual(['0', '0e', '1', '1e', '2', '2e', '3']);
    expect(timeBucket(instants, Number.NaN)).toBe('x');
    expect(timeBucket([], 42)).toBe('0');
  });
});

describe('decision cache', () => {
  const dated = policies(
    { Effect: 'Allow', Action: ['yundun-sas:Describe*'], Resource: ['*'], Condition: { DateLessThan: { 'acs:CurrentTime': ['2026-03-01T00:00:00Z'] } } },
    { Effect: 'Allow', Action: ['yundun-sas:Describe*'], Resource: ['*'], Condition: { DateEquals: { 'acs:CurrentTime': ['2027-01-01T00:00:00Z'] } } },
  );

  it('keeps hitting while the time moves inside one bucket, and decides afresh across a threshold', () => {
    const ev = compilePolicies(dated);
    const at = (ms: number) => ev.evaluate(request({ 'acs:CurrentTime': new Date(ms).toISOString() })).decision;
    expect(at(T - 60_000)).toBe('Allow');
    for (let i = 1; i <= 50; i++) expect(at(T - 60_000 + i * 1000)).toBe('Allow');
    expect(ev.stats).toMatchObject({ misses: 1, hits: 50 });
    expect(at(T)).toBe('ImplicitDeny');
    expect(at(T + 1)).toBe('ImplicitDeny');
    expect(ev.stats.misses).toBe(3); // T itself is its own bucket (it equals a threshold)
    expect(at(T + 5000)).toBe('ImplicitDeny');
    expect(ev.stats.misses).toBe(3);
    const exact = Date.parse('2027-01-01T00:00:00Z');
    expect(at(exact - 1)).toBe('ImplicitDeny');
    expect(at(exact)).toBe('Allow');
    expect(at(exact + 1)).toBe('ImplicitDeny');
    expect(ev.evaluate(request({ 'acs:CurrentTime': exact })).decision).toBe('Allow'); // epoch ms work too
  });

  it('ignores context keys no condition references', () => {
    const ev = compilePolicies(dated);
    for (let i = 0; i < 20; i++) ev.evaluate(request({ 'acs:CurrentTime': T - 1, 'acs:SourceIp': `10.0.0.${i}`, 'acs:UserAgent': `agent ${i}` }));
    expect(ev.stats).toMatchObject({ misses: 1, hits: 19 });
  });

  it('keeps the value type in the key where it matters (date key also compared as a string)', () => {
    const mixed = policies(
      { Effect: 'Allow', Action: ['*'], Resource: ['*'], Condition: { DateGreaterThan: { 'acs:CurrentTime': ['2000-01-01'] } } },
      { Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { StringEquals: { 'acs:CurrentTime': ['1'] } } },
    );
    const ev = compilePolicies(mixed);
    for (const t of [1, '1', 2, '2']) {
      const r = request({ 'acs:CurrentTime': t });
      expect(ev.evaluate(r)).toEqual(evaluate(r, mixed));
    }
  });

  it('is bounded and can be switched off', () => {
    const ev = compilePolicies(policies({ Effect: 'Allow', Action: ['*'], Resource: ['*'], Condition: { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8'] } } }), { cacheSize: 16 });
    for (let i = 0; i < 1000; i++) ev.evaluate(request({ 'acs:SourceIp': `10.0.${i >> 8}.${i & 255}` }));
    expect(ev.stats.entries).toBeLessThanOrEqual(16);
    const off = compilePolicies(dated, { cacheSize: 0 });
    off.evaluate(request({ 'acs:CurrentTime': T }));
    off.evaluate(request({ 'acs:CurrentTime': T }));
    expect(off.stats).toEqual({ hits: 0, misses: 0, entries: 0 });
  });

  it('hands out frozen results, so a caller cannot poison the cache', () => {
    const ev = compilePolicies(dated);
    const d = ev.evaluate(request({ 'acs:CurrentTime': T - 1 }));
    expect(() => d.matched.push(d.matched[0] as never)).toThrow(TypeError);
    expect(ev.evaluate(request({ 'acs:CurrentTime': T - 2 })).matched).toHaveLength(1);
  });
});

describe('LruCache', () => {
  it('never holds more than its capacity and keeps what is read often', () => {
    const c = new LruCache<number>(10);
    c.set('hot', 0);
    for (let i = 0; i < 1000; i++) {
      c.set(`k${i}`, i);
      expect(c.get('hot')).toBe(0);
      expect(c.size).toBeLessThanOrEqual(10);
    }
    expect(c.get('k0')).toBeUndefined();
    expect(c.get('k999')).toBe(999);
  });

  it('overwrites in place and clears', () => {
    const c = new LruCache<string>(4);
    c.set('a', '1');
    c.set('a', '2');
    expect(c.get('a')).toBe('2');
    c.clear();
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });
});
