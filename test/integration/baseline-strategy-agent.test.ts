import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';

// End to end through `vigil server --local-agent` (needs `npm run build`): a strategy made with
// ModifyStrategy + ModifyStrategyTarget reaches the agent as a `baseline.strategy` push, is kept in
// the agent home, and the agent's scheduler runs the strategy's policy inside its window — nothing
// else re-scans (the default full check is daily), so the flipped verdict proves the strategy ran.
// DeleteStrategy pushes an empty set.
let work: string;
let flag: string;
let srv: LocalAgentServer;
let sas: ReturnType<typeof popClient>;
const call = async <T>(action: string, params: Record<string, unknown> = {}): Promise<T> => (await sas.request(action, params, { method: 'POST' })) as T;

type Warnings = { CheckWarnings: Array<{ CheckId: number; Status: number; Reason: string }> };

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === name) return p;
    if (statSync(p).isDirectory()) {
      const f = findFile(p, name);
      if (f) return f;
    }
  }
  return undefined;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigil-strat-'));
  flag = join(work, 'flag.conf');
  writeFileSync(flag, 'state bad\n');
  mkdirSync(join(work, 'rules'));
  writeFileSync(
    join(work, 'rules', 'strategy.yml'),
    `policy:\n  id: vigil_test_strategy\n  name: "TEST ONLY strategy policy"\n  vigil: { category: config_red_line, level: low }\nchecks:\n  - id: 1\n    title: "TEST flag is good"\n    condition: all\n    rules:\n      - 'f:${flag} -> r:^state good$'\n`,
  );
  srv = await startLocalAgentServer({ VIGIL_BASELINE_POLICY_DIRS: join(work, 'rules') });
  const key = srv.createKey();
  sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
}, 90_000);

afterAll(async () => {
  await srv?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('baseline strategy pushed to a real agent', () => {
  it('the agent runs the strategy policy on schedule and forgets the strategy when it is deleted', async () => {
    const riskId = await until('first full baseline scan', async () => {
      const s = await call<{ WarningSummarys: Array<{ RiskId: number; RiskName: string }> }>('DescribeCheckWarningSummary');
      return s.WarningSummarys.find((r) => r.RiskName === 'TEST ONLY strategy policy')?.RiskId;
    }, 180_000);
    const machines = await call<{ WarningMachines: Array<{ Uuid: string }> }>('DescribeWarningMachines', { RiskId: riskId });
    const uuid = machines.WarningMachines[0]?.Uuid ?? '';
    expect(uuid).not.toBe('');
    writeFileSync(flag, 'state good\n');

    const { Result } = await call<{ Result: { StrategyId: number } }>('ModifyStrategy', { Name: 'all day test', CustomType: 'custom', CycleDays: '1', StartTime: '00:00:00', EndTime: '24:00:00', TargetType: 'uuid', RiskSubTypeName: 'vigil_test_strategy' });
    await call('ModifyStrategyTarget', { Type: 'hc_strategy', Config: String(Result.StrategyId), Target: JSON.stringify([{ target: uuid, targetType: 'uuid', flag: 'add' }]) });
    expect((await call<{ Strategies: Array<{ EcsCount: number }> }>('DescribeStrategy')).Strategies[0]?.EcsCount).toBe(1);

    const passed = await until('strategy scan result', async () => {
      const w = await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: riskId, RiskStatus: 3 });
      return w.CheckWarnings.find((x) => x.CheckId === 1);
    }, 120_000);
    expect(passed.Status).toBe(3);
    const stateFile = await until('strategy state on the agent', async () => findFile(srv.home, 'baseline-strategies.json'));
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { strategies: Array<{ id: number; policyIds: string[] }>; lastRuns: Record<string, number> };
    expect(state.strategies).toEqual([expect.objectContaining({ id: Result.StrategyId, policyIds: ['vigil_test_strategy'] })]);
    expect(state.lastRuns[String(Result.StrategyId)]).toBeGreaterThan(0);

    await call('DeleteStrategy', { Id: String(Result.StrategyId) });
    await until('empty strategy push', async () => {
      const s = JSON.parse(readFileSync(stateFile, 'utf8')) as { strategies: unknown[] };
      return s.strategies.length === 0 ? true : undefined;
    });
  }, 400_000);
});
