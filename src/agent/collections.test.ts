import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, collectHere } from './collections.js';
import { findRulesDir } from './rules-dir.js';

// This agent program started again from source, as main.ts computes `self` under tsx.
const SELF = [process.execPath, '--import', 'tsx', join(import.meta.dirname, 'main.ts')];
const debian = { policyDirs: [findRulesDir('baseline') as string], weakpassDir: null, params: { policyIds: ['vigil_debian_essentials'] } };

describe('collections in a child process', () => {
  it('returns the child\'s inventory of this host, the same as one collected here', async () => {
    const [child, here] = await Promise.all([collect(SELF, 'inventory', {}), collectHere('inventory', {})]);
    expect(child.processes.some((p) => p.pid === process.pid)).toBe(true);
    expect(child.hostname).toBe(here.hostname);
    expect(child.software.length).toBe(here.software.length);
    expect(child.accounts.map((a) => a.name)).toEqual(here.accounts.map((a) => a.name));
  }, 120_000);

  it('children keep executable hashes in a file: the next child answers from it instead of re-reading binaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-collect-'));
    try {
      const hashCacheFile = join(dir, 'exe-hashes.json');
      const first = await collect(SELF, 'inventory', { hashCacheFile });
      const mine = first.processes.find((p) => p.pid === process.pid);
      expect(mine?.sha256).toMatch(/^[0-9a-f]{64}$/);
      const saved = JSON.parse(readFileSync(hashCacheFile, 'utf8')) as { entries: Array<[string, string]> };
      expect(saved.entries.length).toBeGreaterThan(0);
      // Put a different (well-formed) digest under node's key: the second child reports it, so it
      // did not hash the binary again.
      const marked = 'f'.repeat(64);
      saved.entries = saved.entries.map(([k, d]) => [k, d === mine?.sha256 ? marked : d]);
      writeFileSync(hashCacheFile, JSON.stringify(saved));
      const second = await collect(SELF, 'inventory', { hashCacheFile });
      expect(second.processes.find((p) => p.pid === process.pid)?.sha256).toBe(marked);
      // A broken file is reported and replaced by fresh hashes.
      writeFileSync(hashCacheFile, '{"entries": [');
      const third = await collect(SELF, 'inventory', { hashCacheFile });
      expect(third.warnings.join('\n')).toMatch(/executable hash cache: .*not JSON, ignored/);
      expect(third.processes.find((p) => p.pid === process.pid)?.sha256).toBe(mine?.sha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('runs a baseline scan in the child with the parameters passed on stdin', async () => {
    const snap = await collect(SELF, 'baseline', debian);
    expect(snap.scope).toEqual({ policyIds: ['vigil_debian_essentials'] });
    expect(snap.policies.map((p) => p.policyId)).toEqual(['vigil_debian_essentials']);
    expect(snap.results.length).toBeGreaterThan(0);
    expect(snap.results.every((r) => r.policyId === 'vigil_debian_essentials')).toBe(true);
  }, 120_000);

  it('rejects with the child\'s error, or with its exit status when it gives no answer', async () => {
    await expect(collect(SELF, 'baseline', { policyDirs: ['/nonexistent-vigil-policies'], weakpassDir: null, params: {} })).rejects.toThrow(/no baseline policy could be loaded/);
    await expect(collect([process.execPath, '-e', 'process.exit(3)'], 'inventory', {})).rejects.toThrow(/without a result \(exit 3\)/);
  }, 120_000);

  it('runs in this process when the agent has no way to start itself', async () => {
    const snap = await collect(undefined, 'baseline', debian);
    expect(snap.policies.map((p) => p.policyId)).toEqual(['vigil_debian_essentials']);
  }, 120_000);
});
