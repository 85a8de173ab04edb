import { describe, expect, it } from 'vitest';
import { buildDictionary } from './dictionary.js';
import { checkShadow, type PasswordHasher } from './shadow-check.js';
import { parseShadow } from './shadow.js';

/** Deterministic stand-in for libxcrypt: the "hash" of p under setting $6$s is $6$s$<p>. Counts calls. */
function plainHasher(): PasswordHasher & { calls: number } {
  const h = {
    calls: 0,
    async verify(password: string, stored: string) {
      h.calls += 1;
      return stored === `$6$s$${password}` || stored === `$y$s$${password}`;
    },
  };
  return h;
}

const dict = buildDictionary({ commonList: '123456\npassword\nletmein\n', phraseList: '5201314\n', years: [2024] });

describe('checkShadow', () => {
  it('stops at the first hit and names the source, never the password', async () => {
    const hasher = plainHasher();
    const res = await checkShadow(parseShadow('ops:$6$s$letmein:1::::::\n'), { dictionary: dict, hasher, now: () => 0 });
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]).toMatchObject({ account: 'ops', kind: 'weak_password', candidateSource: 'common_list' });
    expect(res.findings[0]?.brokenRules).toEqual(['min_length', 'char_classes', 'not_in_dictionary']);
    expect(JSON.stringify(res)).not.toContain('letmein');
    expect(res.accounts[0]?.tried).toBe(hasher.calls);
  });

  it('respects the per-scheme candidate cap', async () => {
    const hasher = plainHasher();
    const res = await checkShadow(parseShadow('ops:$y$s$letmein:1::::::\n'), { dictionary: dict, hasher, now: () => 0, candidateCaps: { yescrypt: 5 } });
    expect(res.findings).toEqual([]);
    expect(res.accounts[0]).toMatchObject({ status: 'not_found', tried: 5, stoppedByBudget: true });
    expect(hasher.calls).toBe(5);
  });

  it('respects the time budget using the clock it is given', async () => {
    let t = 0;
    const hasher = plainHasher();
    const slow: PasswordHasher = { verify: async (p, s) => { t += 100; return hasher.verify(p, s); } };
    const res = await checkShadow(parseShadow('ops:$6$s$zzz-not-there:1::::::\n'), { dictionary: dict, hasher: slow, now: () => t, maxMillisPerAccount: 1000 });
    expect(res.accounts[0]).toMatchObject({ status: 'not_found', stoppedByBudget: true, tried: 11 });
  });

  it('reports empty passwords and leaves locked accounts alone', async () => {
    const res = await checkShadow(parseShadow('a::1::::::\nb:!:1::::::\nc:*:1::::::\n'), { dictionary: dict, hasher: plainHasher(), now: () => 0 });
    expect(res.findings.map((f) => [f.account, f.kind])).toEqual([['a', 'empty_password']]);
    expect(res.accounts.map((a) => a.status)).toEqual(['empty', 'locked', 'locked']);
  });
});
