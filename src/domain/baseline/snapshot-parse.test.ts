import { describe, expect, it } from 'vitest';
import { parseBaselineSnapshot } from './snapshot-parse.js';

const good = { policyId: 'vigil_redis', policyName: 'Redis', checkId: 920003, title: 't', category: 'unauthorized_access', level: 'high', result: 'failed', reason: 'r', evidence: [], fix: 'f', autoFix: false };

describe('parseBaselineSnapshot', () => {
  it('keeps valid results and drops malformed ones', () => {
    const s = parseBaselineSnapshot({ results: [good, { ...good, checkId: -1 }, { ...good, result: 'maybe' }, { ...good, policyId: '' }, 'x', null] });
    expect(s?.results).toHaveLength(1);
    expect(s?.results[0]).toMatchObject({ policyId: 'vigil_redis', checkId: 920003, result: 'failed' });
  });

  it('bounds hostile input: result count, string lengths, evidence and targets', () => {
    const huge = 'x'.repeat(100_000);
    const s = parseBaselineSnapshot({
      results: Array.from({ length: 6000 }, (_v, i) => ({ ...good, checkId: i + 1, reason: huge, evidence: Array.from({ length: 100 }, () => ({ rule: huge, outcome: 'found', reason: huge })), targets: Array.from({ length: 100 }, () => '1.2.3.4:5') })),
    });
    expect(s?.results).toHaveLength(5000);
    const r = s?.results[0];
    expect(r?.reason.length).toBe(4096);
    expect(r?.evidence).toHaveLength(20);
    expect(r?.evidence[0]?.rule.length).toBe(512);
    expect(r?.targets).toHaveLength(50);
  });

  it('falls back to safe category and level, and reads the scope of a limited scan', () => {
    const s = parseBaselineSnapshot({ results: [{ ...good, category: 'evil', level: 'critical' }], scope: { policyIds: ['a', 7], checkIds: [1, 'x', -2] } });
    expect(s?.results[0]).toMatchObject({ category: 'config_red_line', level: 'medium' });
    expect(s?.scope).toEqual({ policyIds: ['a'], checkIds: [1] });
  });

  it('rejects documents that are not baseline snapshots', () => {
    expect(parseBaselineSnapshot(null)).toBeNull();
    expect(parseBaselineSnapshot({ results: 'no' })).toBeNull();
    expect(parseBaselineSnapshot([1, 2])).toBeNull();
  });
});
