import { describe, expect, it } from 'vitest';
import { NonceStore } from './nonce-store.js';

describe('NonceStore', () => {
  it('refuses a replay within the TTL, forgets after, and reports capacity', () => {
    const s = new NonceStore(60, 900, 3);
    const t0 = 1_800_000_000_000;
    expect(s.use('AK', 'n1', t0)).toBe('ok');
    expect(s.use('AK', 'n1', t0 + 1000)).toBe('used');
    expect(s.use('AK2', 'n1', t0 + 1000)).toBe('ok');
    expect(s.use('AK', 'n2', t0 + 1000)).toBe('ok');
    expect(s.use('AK', 'n3', t0 + 1000)).toBe('full');
    // Kept at least 2 × window (1,800 s): still a replay just before, accepted once past it.
    expect(s.use('AK', 'n1', t0 + 1_799_000)).toBe('used');
    expect(s.use('AK', 'n1', t0 + 1_801_001)).toBe('ok');
    expect(s.size).toBe(1);
  });

  it('does not confuse the key/nonce boundary', () => {
    const s = new NonceStore(60, 60);
    expect(s.use('AK1', '23', 1_800_000_000_000)).toBe('ok');
    expect(s.use('AK12', '3', 1_800_000_000_000)).toBe('ok');
  });

  it('agrees with a plain map over 200,000 random uses while the table grows, expires and rebuilds', () => {
    const ttlSec = 30;
    const s = new NonceStore(ttlSec, 10, 1_000_000);
    const ref = new Map<string, number>();
    let now = 1_800_000_000_000;
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let replays = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      now += rnd(3); // ~1 ms per call: entries expire and slots are reused during the run
      const nonce = `n${rnd(60_000)}`;
      const key = `AK${rnd(3)}`;
      const k = `${key}/${nonce}`;
      const exp = ref.get(k);
      // The store rounds expiry up to the next second; the reference does the same.
      const expected = exp !== undefined && exp > now ? 'used' : 'ok';
      const got = s.use(key, nonce, now);
      if (got !== expected && mismatches.length < 5) mismatches.push(`#${i} ${k}: ${got} instead of ${expected}`);
      if (got === 'ok') ref.set(k, (Math.floor((now + ttlSec * 1000 - 1) / 1000) + 1) * 1000);
      else replays++;
    }
    expect(mismatches).toEqual([]);
    expect(replays).toBeGreaterThan(10_000);
    const live = [...ref.values()].filter((e) => e > now).length;
    expect(s.size).toBe(live);
  });
});
