/**
 * Replays fail2ban's annotated sshd log (../shared/data/authlog, see its README section) through the
 * parser in log order and checks every expectation of the selected mode: `match:true` lines produce
 * a failure for the expected host, `match:false` lines produce none.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuthEvent } from './auth-event.js';
import { AuthLogParser } from './auth-log-parser.js';
import type { SshdMode } from './sshd-rules.js';

const DATA = process.env.VIGIL_SHARED_DATA ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

interface Expectation {
  lineNo: number;
  line: string;
  match: boolean;
  host?: string;
  time?: string;
  user?: string;
  users?: string[];
  attempts?: number;
  modes: string[];
}

const logLines = readFileSync(`${DATA}/authlog/sshd.log`, 'utf8').split('\n');
const cases: Expectation[] = JSON.parse(readFileSync(`${DATA}/authlog/sshd-expectations.json`, 'utf8')) as Expectation[];

function replay(mode: SshdMode): Map<number, AuthEvent[]> {
  // The corpus years are fail2ban's test clock; only month/day/time are compared.
  const parser = new AuthLogParser({ mode, time: { year: 2005, utcOffsetMinutes: 0 } });
  const out = new Map<number, AuthEvent[]>();
  logLines.forEach((line, i) => {
    if (line.startsWith('#') || line.trim() === '') return;
    out.set(i + 1, parser.feed(line));
  });
  return out;
}

function wallOf(ev: AuthEvent, line: string): string {
  // Lines with an explicit zone are compared in fail2ban's test zone (Europe/Berlin, +02:00 in these months).
  const zoned = /^(?:<\d+>\d )?\d{4}-\d{2}-\d{2}T/.test(line);
  const d = new Date(ev.timeMs + (zoned ? 2 * 3_600_000 : 0));
  return d.toISOString().slice(5, 19);
}

for (const mode of ['aggressive', 'normal'] as const) {
  describe(`sshd corpus, ${mode} mode`, () => {
    const results = replay(mode);
    const selected = cases.filter((c) => c.modes.includes(mode));

    it('has the README counts for this mode', () => {
      expect(cases).toHaveLength(155);
      expect(selected.length).toBe(mode === 'aggressive' ? 134 : 104);
      // Every expectation points at a real log line.
      for (const c of selected) expect(logLines[c.lineNo - 1]).toBe(c.line);
    });

    it('counts every match:true line for the expected host, and no match:false line', () => {
      const wrong: string[] = [];
      for (const c of selected) {
        const failures = (results.get(c.lineNo) ?? []).filter((e) => e.kind === 'failure');
        if (!c.match) {
          if (failures.length > 0) wrong.push(`${c.lineNo} counted but match:false: ${c.line}`);
          continue;
        }
        if (failures.length !== 1) {
          wrong.push(`${c.lineNo} expected one failure, got ${failures.length}: ${c.line}`);
          continue;
        }
        const f = failures[0] as AuthEvent;
        if (c.host !== undefined && c.host !== null && f.source !== c.host) wrong.push(`${c.lineNo} host ${f.source} != ${c.host}`);
        if (c.attempts !== undefined && f.attempts !== c.attempts) wrong.push(`${c.lineNo} attempts ${f.attempts} != ${c.attempts}`);
        if (c.time !== undefined && wallOf(f, c.line) !== c.time.slice(5)) wrong.push(`${c.lineNo} time ${wallOf(f, c.line)} != ${c.time}`);
        if (c.users !== undefined) expect([...(f.users ?? [])].sort()).toEqual([...c.users].sort());
        if (c.user !== undefined && c.user !== '' && f.user !== c.user) wrong.push(`${c.lineNo} user ${String(f.user)} != ${c.user}`);
      }
      expect(wrong).toEqual([]);
    });
  });
}

describe('sshd corpus, facts derived from the README', () => {
  const results = replay('aggressive');
  const all = [...results.values()].flat();

  it('never takes an address injected into a user name, ident or auth-info', () => {
    // "inject…" cases: the injected addresses are 1.2.3.4, 10.10.1.x and 192.0.2.1 in the ident line.
    const injected = cases.filter((c) => /inject/i.test(JSON.stringify(c)) && c.match);
    expect(injected.length).toBeGreaterThanOrEqual(6);
    for (const c of injected) {
      const f = (results.get(c.lineNo) ?? []).find((e) => e.kind === 'failure');
      expect(f?.source).toBe(c.host);
    }
  });

  it('reports accepted logins as successes with their source', () => {
    const ok = all.filter((e) => e.kind === 'success').map((e) => `${e.user}@${e.source}`);
    expect(ok).toEqual(expect.arrayContaining(['git@192.0.2.1', 'rda@192.0.2.113', 'known@192.0.2.114', 'known@192.0.2.116']));
  });

  it('keeps host names as sources but gives them no ip', () => {
    const named = all.filter((e) => e.source === 'example.com');
    expect(named.length).toBeGreaterThan(0);
    for (const e of named) expect(e.ip).toBeUndefined();
  });
});
