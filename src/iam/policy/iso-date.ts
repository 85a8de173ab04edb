/**
 * ISO 8601 dates for the Date* operators and `acs:CurrentTime`, parsed without Date.parse:
 * Date.parse reads a time without a zone as the server's local time, which would make a policy
 * mean different things on different servers. Accepted: `YYYY-MM-DD` (UTC midnight) and
 * `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z` or `±hh:mm`/`±hhmm`. A time without a zone
 * is rejected.
 */

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export type IsoDateResult = { ok: true; ms: number } | { ok: false; reason: string };

const NOT_ISO: IsoDateResult = { ok: false, reason: 'is not an ISO 8601 date (e.g. "2026-01-31T08:00:00Z")' };

/** Value of `count` decimal digits at `at`, or -1. Hand-written: this runs on every cached decision. */
function digits(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function parseIsoDate(text: string): IsoDateResult {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[4] !== '-' || text[7] !== '-') return NOT_ISO;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: 'is not a calendar date' };
  }
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (text.length === 10) return { ok: true, ms };
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (text[10] !== 'T' || hour < 0 || text[13] !== ':' || minute < 0) return NOT_ISO;
  let pos = 16;
  let second = 0;
  let fraction = 0;
  if (text[pos] === ':') {
    second = digits(text, pos + 1, 2);
    if (second < 0) return NOT_ISO;
    pos += 3;
    if (text[pos] === '.') {
      let n = 0;
      let scale = 100;
      pos++;
      while (pos < text.length && text.charCodeAt(pos) >= 0x30 && text.charCodeAt(pos) <= 0x39) {
        fraction += (text.charCodeAt(pos) - 0x30) * scale;
        scale /= 10;
        pos++;
        n++;
      }
      if (n < 1 || n > 9) return NOT_ISO;
      fraction = Math.floor(fraction + 1e-9);
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'has an invalid time of day' };
  ms += ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
  if (pos === text.length) return { ok: false, reason: 'has a time but no time zone (add "Z" or "+08:00")' };
  const zone = text[pos];
  if (zone === 'Z') return pos + 1 === text.length ? { ok: true, ms } : NOT_ISO;
  if (zone !== '+' && zone !== '-') return NOT_ISO;
  const oh = digits(text, pos + 1, 2);
  const colon = text[pos + 3] === ':' ? 1 : 0;
  const om = digits(text, pos + 3 + colon, 2);
  if (oh < 0 || om < 0 || pos + 5 + colon !== text.length) return NOT_ISO;
  if (oh > 23 || om > 59) return { ok: false, reason: 'has an invalid time-zone offset' };
  ms -= (zone === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  return { ok: true, ms };
}

/** Epoch milliseconds of a context value, or NaN when it is not a date. */
export function contextTimeMs(value: string | number | boolean): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string') return Number.NaN;
  const r = parseIsoDate(value);
  return r.ok ? r.ms : Number.NaN;
}
