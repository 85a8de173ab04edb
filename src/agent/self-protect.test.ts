import { chmodSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareFileState, previousRunAlert, readFileState, startFileGuard, type FileChange } from './self-protect.js';

const dirs: string[] = [];
const guards: Array<{ stop(): void }> = [];
afterEach(() => {
  for (const g of guards.splice(0)) g.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-selfprotect-'));
  dirs.push(d);
  return d;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('guarded file states', () => {
  it('content, mode, owner and existence count; a new mtime alone does not', () => {
    const d = temp();
    const f = join(d, 'vigil-agent.mjs');
    writeFileSync(f, 'console.log(1)', { mode: 0o644 });
    const a = readFileState(f);
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    const touched = readFileState(f, a);
    expect(compareFileState(f, a, touched)).toBeNull();
    writeFileSync(f, 'console.log(2)');
    const changed = readFileState(f, touched);
    expect(compareFileState(f, touched, changed)).toMatchObject({ change: 'content', evidence: expect.stringMatching(/was modified \(sha256 [0-9a-f]{16}… → [0-9a-f]{16}…\)/) });
    chmodSync(f, 0o777);
    const loose = readFileState(f, changed);
    expect(compareFileState(f, changed, loose)).toMatchObject({ change: 'mode', evidence: `${f} mode changed 0644 → 0777` });
    rmSync(f);
    expect(compareFileState(f, loose, readFileState(f))).toMatchObject({ change: 'deleted' });
    expect(compareFileState(f, { exists: false }, { exists: false })).toBeNull();
  });
});

describe('file guard (inotify on the directories)', () => {
  it('reports an in-place edit, a replacement by rename and a deletion, once each, without waiting for the periodic check', async () => {
    const d = temp();
    const bundle = join(d, 'vigil-agent.mjs');
    const cred = join(d, 'agent.json');
    writeFileSync(bundle, 'bundle v1');
    writeFileSync(cred, '{"agentSecret":"x"}', { mode: 0o600 });
    const changes: FileChange[] = [];
    guards.push(startFileGuard({ files: [bundle, cred], onChange: (c) => changes.push(c), intervalMs: 3_600_000 }));

    writeFileSync(join(d, 'status.json'), '{}'); // another file of the directory: nothing
    writeFileSync(bundle, 'bundle v1 + backdoor');
    await sleep(400);
    expect(changes.map((c) => [c.path, c.change])).toEqual([[bundle, 'content']]);

    writeFileSync(join(d, '.agent.json.tmp'), '{"agentSecret":"attacker"}');
    renameSync(join(d, '.agent.json.tmp'), cred);
    await sleep(400);
    expect(changes.map((c) => [c.path, c.change])).toEqual([
      [bundle, 'content'],
      [cred, 'content'],
    ]);
    rmSync(bundle);
    await sleep(400);
    expect(changes.at(-1)).toMatchObject({ path: bundle, change: 'deleted' });
    expect(changes).toHaveLength(3);
  });

  it('the periodic check finds what no event reported (check() runs it at once)', () => {
    const d = temp();
    const f = join(d, 'vigil-agent.service');
    writeFileSync(f, '[Service]\nExecStart=/usr/bin/node agent');
    const changes: FileChange[] = [];
    const g = startFileGuard({ files: [f], onChange: (c) => changes.push(c), intervalMs: 3_600_000 });
    guards.push(g);
    writeFileSync(f, '[Service]\nExecStart=/bin/true');
    g.check();
    expect(changes).toHaveLength(1);
    g.check();
    expect(changes).toHaveLength(1);
  });
});

describe('file guard across runs and stops', () => {
  it('compares with the states the previous run recorded: a change while no agent ran is reported at start', () => {
    const d = temp();
    const f = join(d, 'vigil-agent.mjs');
    writeFileSync(f, 'v1');
    let recorded: Record<string, ReturnType<typeof readFileState>> = {};
    const first = startFileGuard({ files: [f], onChange: () => undefined, onStates: (s) => (recorded = s), intervalMs: 3_600_000 });
    first.stop();
    writeFileSync(f, 'v2 (replaced while stopped)');
    const changes: FileChange[] = [];
    guards.push(startFileGuard({ files: [f], recorded, onChange: (c) => changes.push(c), onStates: (s) => (recorded = s), intervalMs: 3_600_000 }));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.evidence).toMatch(/was modified .* while no agent was running$/);
    // The new state is recorded: the run after that has nothing to report.
    const again: FileChange[] = [];
    guards.push(startFileGuard({ files: [f], recorded, onChange: (c) => again.push(c), intervalMs: 3_600_000 }));
    expect(again).toEqual([]);
  });

  it('stop() still checks a change seen just before it (replace, then stop at once)', async () => {
    const d = temp();
    const f = join(d, 'vigil-agent.mjs');
    writeFileSync(f, 'v1');
    const changes: FileChange[] = [];
    const g = startFileGuard({ files: [f], onChange: (c) => changes.push(c), intervalMs: 3_600_000 });
    writeFileSync(join(d, '.tmp'), 'v2');
    renameSync(join(d, '.tmp'), f);
    await sleep(20); // the inotify event arrives; its 100 ms settling delay has not passed
    g.stop();
    expect(changes.map((c) => c.change)).toEqual(['content']);
  });
});

describe('how the previous run ended', () => {
  const prev = { pid: 4242, startedAt: Date.parse('2026-12-05T06:00:00Z'), clean: false };
  it('names the signal the supervisor saw, or a crash, or an unknown end; nothing after a clean stop', () => {
    expect(previousRunAlert(prev, { pid: 4242, code: null, signal: 'SIGKILL', at: 0 }, false)).toMatchObject({
      ruleId: 'agent.killed',
      level: 'suspicious',
      details: { pid: 4242, evidence: expect.stringContaining('was killed by SIGKILL') },
    });
    expect(previousRunAlert(prev, { pid: 4242, code: 1, signal: null, at: 0 }, false)).toMatchObject({ level: 'remind', details: { evidence: expect.stringContaining('exited with code 1') } });
    // systemd keeps no record for us; a record of another pid is not about this run.
    expect(previousRunAlert(prev, { pid: 1, code: null, signal: 'SIGKILL', at: 0 }, false)?.details.evidence).toMatch(/ended without a clean stop/);
    expect(previousRunAlert(prev, null, false)?.details.evidence).toMatch(/ended without a clean stop/);
    expect(previousRunAlert({ ...prev, clean: true }, null, false)).toBeNull();
    expect(previousRunAlert(null, null, false)).toBeNull();
    expect(previousRunAlert(prev, null, true)).toBeNull();
  });
});
