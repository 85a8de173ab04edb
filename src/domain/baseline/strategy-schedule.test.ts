import { describe, expect, it } from 'vitest';
import { dueStrategies, nextRunAt, parseClock, parseStrategyPush, type StrategySchedule } from './strategy-schedule.js';

const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const s = (over: Partial<StrategySchedule> = {}): StrategySchedule => ({ id: 1, name: 'n', policyIds: [], cycleDays: 1, startTime: '02:00:00', endTime: '06:00:00', ...over });

describe('strategy schedule', () => {
  it('parses clocks and rejects nonsense', () => {
    expect(parseClock('06:30:15')).toBe((6 * 3600 + 30 * 60 + 15) * 1000);
    expect(parseClock('24:00:00')).toBe(24 * 3600 * 1000);
    expect(parseClock('25:00')).toBeNull();
    expect(parseClock('ab')).toBeNull();
  });

  it('never run: inside the window now, else the next window start', () => {
    expect(nextRunAt(s(), undefined, at(2026, 3, 10, 3))).toBe(at(2026, 3, 10, 3));
    expect(nextRunAt(s(), undefined, at(2026, 3, 10, 1))).toBe(at(2026, 3, 10, 2));
    expect(nextRunAt(s(), undefined, at(2026, 3, 10, 7))).toBe(at(2026, 3, 11, 2));
  });

  it('a 3-day cycle waits three days (less the slack) and then the window', () => {
    const last = at(2026, 3, 10, 2, 5);
    expect(nextRunAt(s({ cycleDays: 3 }), last, at(2026, 3, 10, 4))).toBe(at(2026, 3, 13, 2));
    // a daily run at 02:05 does not drift to 02:05+: the next day's window start is fine
    expect(nextRunAt(s(), last, at(2026, 3, 10, 12))).toBe(at(2026, 3, 11, 2));
  });

  it('windows across midnight', () => {
    const w = s({ startTime: '22:00:00', endTime: '02:00:00' });
    expect(nextRunAt(w, undefined, at(2026, 3, 10, 23))).toBe(at(2026, 3, 10, 23));
    expect(nextRunAt(w, undefined, at(2026, 3, 11, 1))).toBe(at(2026, 3, 11, 1));
    expect(nextRunAt(w, undefined, at(2026, 3, 11, 12))).toBe(at(2026, 3, 11, 22));
  });

  it('due strategies follow their last runs', () => {
    const a = s({ id: 1 });
    const b = s({ id: 2, cycleDays: 7 });
    const now = at(2026, 3, 10, 3);
    expect(dueStrategies([a, b], { '1': at(2026, 3, 9, 2), '2': at(2026, 3, 9, 2) }, now).map((x) => x.id)).toEqual([1]);
  });

  it('validates pushes', () => {
    expect(parseStrategyPush({ version: 3, strategies: [{ id: 1, name: 'x', policyIds: ['p', 7], cycleDays: 0, startTime: '00:00:00', endTime: '06:00:00' }] })).toEqual({
      version: 3,
      strategies: [{ id: 1, name: 'x', policyIds: ['p'], cycleDays: 1, startTime: '00:00:00', endTime: '06:00:00' }],
    });
    expect(() => parseStrategyPush({ version: 1, strategies: [{ id: 1, name: 'x', cycleDays: 1, startTime: '99:00', endTime: '06:00' }] })).toThrow(/time window/);
    expect(() => parseStrategyPush('x')).toThrow();
  });
});
