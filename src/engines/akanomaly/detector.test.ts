import { describe, expect, it } from 'vitest';
import { AkAnomalyDetector, type AkCall } from './detector.js';

const T0 = 1_700_000_000_000;
function call(over: Partial<AkCall> = {}): AkCall {
  return { accountId: 'a1', accessKeyId: 'LTAIkey1', userName: 'dev', sourceIp: '10.0.0.1', action: 'DescribeSuspEvents', time: T0, denied: false, ...over };
}

describe('AkAnomalyDetector', () => {
  it('learns a key silently, then flags a new source IP and a new action once each', () => {
    const d = new AkAnomalyDetector({ learnCalls: 3, learnMs: 1000 });
    for (let i = 0; i < 3; i++) expect(d.observe(call({ time: T0 + i, sourceIp: `10.0.0.${i + 1}` }))).toEqual([]);
    // Enough calls but too young: still learning.
    expect(d.observe(call({ time: T0 + 10, sourceIp: '10.0.0.9' }))).toEqual([]);
    const later = T0 + 5000;
    expect(d.observe(call({ time: later }))).toEqual([]);
    const ip = d.observe(call({ time: later, sourceIp: '203.0.113.7' }));
    expect(ip.map((a) => a.kind)).toEqual(['new-source-ip']);
    expect(ip[0]?.known).toContain('10.0.0.1');
    expect(d.observe(call({ time: later + 1, sourceIp: '203.0.113.7' }))).toEqual([]);
    const act = d.observe(call({ time: later + 2, action: 'DeleteUser' }));
    expect(act.map((a) => [a.kind, a.actions[0]])).toEqual([['new-action', 'DeleteUser']]);
    expect(d.observe(call({ time: later + 3, action: 'DeleteUser' }))).toEqual([]);
  });

  it('keys are separate: another key\'s IPs are not this key\'s', () => {
    const d = new AkAnomalyDetector({ learnCalls: 0, learnMs: 0 });
    d.observe(call());
    expect(d.observe(call({ accessKeyId: 'LTAIkey2', sourceIp: '10.0.0.1' }))).toEqual([]);
    expect(d.observe(call({ accessKeyId: 'LTAIkey2', sourceIp: '10.0.0.2' })).map((a) => a.kind)).toEqual(['new-source-ip']);
  });

  it('a seeded history counts as known and as learnt', () => {
    const d = new AkAnomalyDetector({ learnCalls: 10, learnMs: 1000 });
    d.seed('LTAIkey1', { firstSeen: T0 - 86_400_000, calls: 500, ips: ['10.0.0.1'], actions: ['DescribeSuspEvents'] });
    expect(d.knows('LTAIkey1')).toBe(true);
    expect(d.observe(call())).toEqual([]);
    expect(d.observe(call({ sourceIp: '10.0.0.2', action: 'ListUsers' })).map((a) => a.kind)).toEqual(['new-source-ip', 'new-action']);
  });

  it('flags a burst of denied calls within the window, even while learning, once per burst', () => {
    const d = new AkAnomalyDetector({ deniedBurst: 5, deniedWindowMs: 10_000 });
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) kinds.push(...d.observe(call({ time: T0 + i, denied: true, action: `Act${i}` })).map((a) => a.kind));
    expect(kinds).toEqual([]);
    const burst = d.observe(call({ time: T0 + 4, denied: true, action: 'CreateUser' }));
    expect(burst.map((a) => a.kind)).toEqual(['denied-burst']);
    expect(burst[0]?.deniedCount).toBe(5);
    expect(burst[0]?.actions).toContain('Act0');
    expect(d.observe(call({ time: T0 + 5, denied: true }))).toEqual([]);
  });

  it('denied calls spread wider than the window are no burst', () => {
    const d = new AkAnomalyDetector({ deniedBurst: 3, deniedWindowMs: 1000 });
    const all = [0, 2000, 4000, 6000].flatMap((dt) => d.observe(call({ time: T0 + dt, denied: true })));
    expect(all).toEqual([]);
  });

  it('stays bounded: least recently used keys are dropped, per-key sets are capped', () => {
    const d = new AkAnomalyDetector({ maxKeys: 2, maxPerKey: 2, learnCalls: 0, learnMs: 0 });
    d.observe(call({ accessKeyId: 'k1' }));
    d.observe(call({ accessKeyId: 'k2' }));
    d.observe(call({ accessKeyId: 'k1' }));
    d.observe(call({ accessKeyId: 'k3' }));
    expect([d.knows('k1'), d.knows('k2'), d.knows('k3')]).toEqual([true, false, true]);
    for (const ip of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) d.observe(call({ accessKeyId: 'k1', sourceIp: ip }));
    // The set is full: an IP beyond the cap keeps being reported rather than silently learnt.
    expect(d.observe(call({ accessKeyId: 'k1', sourceIp: '10.0.0.4' })).map((a) => a.kind)).toEqual(['new-source-ip']);
  });

  it('rejects a bad config with a clear error', () => {
    expect(() => new AkAnomalyDetector({ deniedBurst: -1 })).toThrow(/deniedBurst/);
  });
});
