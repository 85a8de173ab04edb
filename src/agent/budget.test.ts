import { describe, expect, it } from 'vitest';
import { isShedding, processSampler, startBudgetWatch, type BudgetSample } from './budget.js';

describe('budget self-watch', () => {
  it('reports one "over" per episode, sheds while over, and recovers after consecutive good samples', () => {
    const samples: BudgetSample[] = [
      { rssBytes: 10 << 20, cpuPercent: 1 },
      { rssBytes: 300 << 20, cpuPercent: 1 }, // over memory
      { rssBytes: 10 << 20, cpuPercent: 90 }, // over CPU: same episode
      { rssBytes: 10 << 20, cpuPercent: 1 },
      { rssBytes: 10 << 20, cpuPercent: 1 },
      { rssBytes: 10 << 20, cpuPercent: 1 },
    ];
    const reports: string[] = [];
    const shed: boolean[] = [];
    let i = 0;
    const w = startBudgetWatch({ limits: { cpuPercent: 20, memoryMb: 256 }, recoverAfter: 3, intervalMs: 3_600_000, sample: () => samples[i++] as BudgetSample, report: (s) => reports.push(s) });
    for (let k = 0; k < samples.length; k++) {
      w.tick();
      shed.push(isShedding());
    }
    w.stop();
    expect(reports).toEqual(['over', 'recovered']);
    expect(shed).toEqual([false, true, true, true, true, false]);
    expect(isShedding()).toBe(false);
  });

  it('measures this process: CPU percent of one core over the interval (busy > idle), and RSS', async () => {
    const sample = processSampler();
    await new Promise((r) => setTimeout(r, 300));
    const idle = sample();
    const end = Date.now() + 300;
    while (Date.now() < end) Math.sqrt(Math.random());
    const busy = sample();
    // The machine is shared: the busy share is below 100 % under load, but far above idle.
    expect(busy.cpuPercent).toBeGreaterThan(idle.cpuPercent + 10);
    expect(idle.cpuPercent).toBeLessThan(20);
    expect(busy.rssBytes).toBeGreaterThan(10 << 20);
  });
});
