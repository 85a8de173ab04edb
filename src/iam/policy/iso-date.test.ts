import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './iso-date.js';

function ms(text: string): number {
  const r = parseIsoDate(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.ms;
}

describe('ISO 8601 dates', () => {
  it('agrees with Date#toISOString for any instant in years 0000–9999', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(ms(d.toISOString())).toBe(d.getTime());
      }),
      { numRuns: 2000 },
    );
  });

  it('reads offsets, fractions and plain dates', () => {
    expect(ms('2019-07-16T12:00:00+08:00')).toBe(Date.UTC(2019, 6, 16, 4));
    expect(ms('2019-07-16T12:00:00+0800')).toBe(Date.UTC(2019, 6, 16, 4));
    expect(ms('2019-07-16T12:00:00-05:30')).toBe(Date.UTC(2019, 6, 16, 17, 30));
    expect(ms('2019-07-16T12:00Z')).toBe(Date.UTC(2019, 6, 16, 12));
    expect(ms('2019-07-16T12:00:00.5Z')).toBe(Date.UTC(2019, 6, 16, 12, 0, 0, 500));
    expect(ms('2019-07-16T12:00:00.123456789Z')).toBe(Date.UTC(2019, 6, 16, 12, 0, 0, 123));
    expect(ms('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('rejects what is not a zoned ISO date, with a reason', () => {
    const cases: [string, RegExp][] = [
      ['2019-07-16T12:00:00', /no time zone/],
      ['2023-02-29', /calendar date/],
      ['2019-13-01', /calendar date/],
      ['2019-07-16T24:00:00Z', /time of day/],
      ['2019-07-16T12:00:00+25:00', /offset/],
      ['16/07/2019', /not an ISO 8601 date/],
      ['2019-07-16T12:00:00ZZ', /not an ISO 8601 date/],
      ['2019-07-16T12:00:00.Z', /not an ISO 8601 date/],
      ['tomorrow', /not an ISO 8601 date/],
    ];
    for (const [text, reason] of cases) {
      const r = parseIsoDate(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });
});
