import { afterEach, describe, expect, it } from 'vitest';
import { ExecTrigger } from './exec-trigger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const triggers: ExecTrigger[] = [];
afterEach(() => {
  for (const t of triggers.splice(0)) t.stop();
});

/** `running`: pid → is it (now) a shell or relay tool; absent = gone. */
function make(running: Map<number, boolean>, maxWindow?: number) {
  const fired: number[] = [];
  const t = new ExecTrigger({ delayMs: 20, worth: (pid) => running.get(pid) === true, fire: () => fired.push(Date.now()), ...(maxWindow ? { maxWindow } : {}) });
  triggers.push(t);
  return { t, fired };
}

describe('exec-triggered scans', () => {
  it('scans once for a burst of execs while the shell still runs', async () => {
    const running = new Map([
      [10, true],
      [11, true],
      [12, false],
    ]);
    const { t, fired } = make(running);
    t.onExec(10);
    t.onExec(11);
    t.onExec(12);
    await sleep(60);
    expect(fired).toHaveLength(1);
    expect(t.stats).toEqual({ triggers: 1, skipped: 0 });
  });

  it('skips the scan when the shell is gone and what else ran in the window is no shell (sleep, gcc)', async () => {
    const running = new Map([[10, true]]);
    const { t, fired } = make(running);
    t.onExec(10); // `sh -c 'true'` …
    running.delete(10); // … gone before the scan is due
    running.set(11, false); // a `sleep` the loop started meanwhile, still running
    t.onExec(11);
    await sleep(60);
    expect(fired).toHaveLength(0);
    expect(t.stats).toEqual({ triggers: 1, skipped: 1 });
    // The next shell opens a new window.
    running.set(20, true);
    t.onExec(20);
    await sleep(60);
    expect(fired).toHaveLength(1);
    expect(t.stats).toEqual({ triggers: 2, skipped: 1 });
  });

  it('scans when the trigger is gone but a shell that joined its window runs', async () => {
    const running = new Map([[10, true]]);
    const { t, fired } = make(running);
    t.onExec(10);
    running.delete(10);
    running.set(11, true); // e.g. `sh -c 'nc … | sh'` left its pipeline behind
    t.onExec(11);
    await sleep(60);
    expect(fired).toHaveLength(1);
  });

  it('judges the process as it is when the scan is due: a shell that exec\'d a relay tool still counts, one that exec\'d sleep does not', async () => {
    const running = new Map([[10, true]]);
    const { t, fired } = make(running);
    t.onExec(10);
    running.set(10, false); // `sh -c 'exec sleep 60'`
    await sleep(60);
    expect(fired).toHaveLength(0);
    t.onExec(10);
    expect(t.stats.triggers).toBe(1); // sleep opens no window
    running.set(30, true);
    t.onExec(30); // `sh -c 'exec nc -e /bin/sh …'`: nc is a relay tool
    await sleep(60);
    expect(fired).toHaveLength(1);
  });

  it('a window that overflows always scans', async () => {
    const running = new Map([[1, true]]);
    const { t, fired } = make(running, 4);
    t.onExec(1);
    running.delete(1);
    for (const pid of [2, 3, 4, 5]) t.onExec(pid);
    await sleep(60);
    expect(fired).toHaveLength(1);
    expect(t.stats).toEqual({ triggers: 1, skipped: 0 });
  });

  it('stop() cancels a pending scan', async () => {
    const { t, fired } = make(new Map([[10, true]]));
    t.onExec(10);
    t.stop();
    await sleep(60);
    expect(fired).toHaveLength(0);
  });
});
