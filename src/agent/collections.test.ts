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
