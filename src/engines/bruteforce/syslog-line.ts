/**
 * Split a log line into timestamp, host, program, pid and message. Understands BSD syslog
 * (`Mar  3 00:17:22 host sshd[12]: …`, host and pid optional, `[sshd]` style, Solaris `[ID n fac]`
 * tags), ISO-8601 prefixed syslog (rsyslog high-precision) and RFC 5424 (`<38>1 ts host app procid …`).
 */

export interface WallTime {
  year?: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface SyslogRecord {
  /** Milliseconds since the epoch. BSD timestamps have no year/zone: see TimeContext. */
  timeMs: number;
  /** The clock time as written in the line (zone of the writer). */
  wall: WallTime;
  host?: string;
  program: string;
  pid?: number;
  message: string;
}

export interface TimeContext {
  /** Year for timestamps without one (BSD syslog). */
  year: number;
  /** Offset of the log writer's local time from UTC, minutes (e.g. +480 for UTC+8). */
  utcOffsetMinutes: number;
  /** When set, a year-less timestamp more than a day after this instant is put in the previous year. */
  notAfterMs?: number;
}

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

const PROGRAM = String.raw`(?:(?<prog>[\w.\-/]+)(?:\[(?<pid>\d+)\])?:|\[(?<bprog>[\w.\-/]+)(?:\[(?<bpid>\d+)\])?\]:?)`;
const BSD_RE = new RegExp(
  String.raw`^\s*(?<mon>[A-Z][a-z]{2})\s+(?<day>\d{1,2}) (?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.\d+)?\s+(?:(?<host>[^\s\[\]]+)\s+)??${PROGRAM}\s*(?:\[ID \d+ \S+\]\s*)?(?<msg>.*)$`,
);
const ISO_TS = String.raw`(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[T ](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:[.,]\d+)?(?<z>Z|[+-]\d{2}:?\d{2})?`;
const ISO_RE = new RegExp(String.raw`^\s*${ISO_TS}\s+(?:(?<host>[^\s\[\]]+)\s+)??${PROGRAM}\s*(?:\[ID \d+ \S+\]\s*)?(?<msg>.*)$`);
const RFC5424_RE = new RegExp(
  String.raw`^<\d{1,3}>\d{1,2} ${ISO_TS} (?<host>\S+) (?<app>\S+) (?<procid>\S+) \S+ (?:-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: (?<msg>.*))?$`,
);

function zoneMinutes(z: string | undefined): number | null {
  if (z === undefined) return null;
  if (z === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

function toMs(w: WallTime, year: number, offsetMinutes: number): number {
  return Date.UTC(year, w.month - 1, w.day, w.hour, w.minute, w.second) - offsetMinutes * 60_000;
}

function num(v: string | undefined): number {
  return Number(v ?? 'NaN');
}

function isProgChar(c: number): boolean {
  // [\w.\-/]
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 47;
}

function digits(line: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** `prog:` or `prog[pid]:` spanning [from, to); null when it is not one. */
function programToken(line: string, from: number, to: number): { program: string; pid?: number } | null {
  if (to - from < 2 || line.charCodeAt(to - 1) !== 58) return null;
  let i = from;
  while (i < to - 1 && isProgChar(line.charCodeAt(i))) i++;
  if (i === from) return null;
  const program = line.slice(from, i);
  if (i === to - 1) return { program };
  if (line.charCodeAt(i) !== 91 || line.charCodeAt(to - 2) !== 93 || to - 2 - (i + 1) < 1) return null;
  const pid = digits(line, i + 1, to - 2 - (i + 1));
  return pid < 0 ? null : { program, pid };
}

/**
 * The common BSD shape `Mmm dd hh:mm:ss [host ]prog[pid]: msg` without a regex (the hot path of a
 * busy auth.log). Anything unusual returns undefined and goes to the full regexes.
 */
function parseBsdFast(line: string, ctx: TimeContext): SyslogRecord | undefined {
  if (line.length < 17 || line.charCodeAt(3) !== 32) return undefined;
  const month = MONTHS[line.slice(0, 3)];
  if (month === undefined) return undefined;
  let i = 4;
  if (line.charCodeAt(i) === 32) i++;
  const dayLen = line.charCodeAt(i + 1) === 32 ? 1 : 2;
  const day = digits(line, i, dayLen);
  i += dayLen;
  if (day < 0 || line.charCodeAt(i) !== 32 || line.charCodeAt(i + 3) !== 58 || line.charCodeAt(i + 6) !== 58) return undefined;
  const hour = digits(line, i + 1, 2);
  const minute = digits(line, i + 4, 2);
  const second = digits(line, i + 7, 2);
  i += 9;
  if (hour < 0 || minute < 0 || second < 0 || line.charCodeAt(i) !== 32) return undefined;
  i++;
  const sp1 = line.indexOf(' ', i);
  if (sp1 <= i) return undefined;
  let host: string | undefined;
  let prog = programToken(line, i, sp1);
  let after = sp1;
  if (!prog) {
    for (let k = i; k < sp1; k++) {
      const c = line.charCodeAt(k);
      if (c === 91 || c === 93 || c === 9) return undefined;
    }
    host = line.slice(i, sp1);
    const from = sp1 + 1;
    const sp2 = line.indexOf(' ', from);
    const end = sp2 < 0 ? line.length : sp2;
    prog = programToken(line, from, end);
    if (!prog) return undefined;
    after = end;
  }
  while (after < line.length && line.charCodeAt(after) === 32) after++;
  if (line.startsWith('[ID ', after)) return undefined;
  const wall: WallTime = { month, day, hour, minute, second };
  let timeMs = toMs(wall, ctx.year, ctx.utcOffsetMinutes);
  if (ctx.notAfterMs !== undefined && timeMs > ctx.notAfterMs + 86_400_000) timeMs = toMs(wall, ctx.year - 1, ctx.utcOffsetMinutes);
  return {
    timeMs,
    wall,
    ...(host !== undefined ? { host } : {}),
    program: prog.program,
    ...(prog.pid !== undefined ? { pid: prog.pid } : {}),
    message: line.slice(after),
  };
}

/** Parse one log line; null when it has no recognisable syslog header. */
export function parseSyslogLine(line: string, ctx: TimeContext): SyslogRecord | null {
  return parseBsdFast(line, ctx) ?? parseSyslogLineRegex(line, ctx);
}

/** The regex-only parser (the reference the fast path is tested against). */
export function parseSyslogLineRegex(line: string, ctx: TimeContext): SyslogRecord | null {
  let m = BSD_RE.exec(line);
  if (m?.groups) {
    const g = m.groups;
    const month = MONTHS[g.mon ?? ''];
    if (month === undefined) return null;
    const wall: WallTime = { month, day: num(g.day), hour: num(g.h), minute: num(g.mi), second: num(g.s) };
    let timeMs = toMs(wall, ctx.year, ctx.utcOffsetMinutes);
    if (ctx.notAfterMs !== undefined && timeMs > ctx.notAfterMs + 86_400_000) timeMs = toMs(wall, ctx.year - 1, ctx.utcOffsetMinutes);
    return withProgram(g, wall, timeMs);
  }
  m = ISO_RE.exec(line) ?? null;
  const rfc = m ? null : RFC5424_RE.exec(line);
  const hit = m ?? rfc;
  if (!hit?.groups) return null;
  const g = hit.groups;
  const wall: WallTime = { year: num(g.y), month: num(g.mo), day: num(g.d), hour: num(g.h), minute: num(g.mi), second: num(g.s) };
  const zone = zoneMinutes(g.z);
  const timeMs = toMs(wall, wall.year ?? ctx.year, zone ?? ctx.utcOffsetMinutes);
  if (rfc) {
    const pid = /^\d+$/.test(g.procid ?? '') ? Number(g.procid) : undefined;
    return {
      timeMs,
      wall,
      ...(g.host !== '-' && g.host !== undefined ? { host: g.host } : {}),
      program: g.app ?? '-',
      ...(pid !== undefined ? { pid } : {}),
      message: g.msg ?? '',
    };
  }
  return withProgram(g, wall, timeMs);
}

function withProgram(g: Record<string, string | undefined>, wall: WallTime, timeMs: number): SyslogRecord {
  const program = g.prog ?? g.bprog ?? '';
  const pidText = g.pid ?? g.bpid;
  return {
    timeMs,
    wall,
    ...(g.host !== undefined ? { host: g.host } : {}),
    program,
    ...(pidText !== undefined ? { pid: Number(pidText) } : {}),
    message: g.msg ?? '',
  };
}
