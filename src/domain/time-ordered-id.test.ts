import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './time-ordered-id.js';

describe('timeOrderedUuid', () => {
  it('is a version-7 RFC 9562 UUID carrying the millisecond time', () => {
    const id = timeOrderedUuid(0x0123456789ab);
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => timeOrderedUuid(1_700_000_000_000 + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 10; i < ids.length; i += 10) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
  });
});
