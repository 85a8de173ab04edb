import type { AuthEvent } from './auth-event.js';
import { parseIp } from './ip.js';
import { sshdRules, stripSshdPrefix, type SshdMode, type SshdRule } from './sshd-rules.js';
import type { SyslogRecord } from './syslog-line.js';

/**
 * Connection state of one sshd session (keyed by host + pid), the equivalent of fail2ban's
 * multi-line failure id cache.
 */
interface ConnState {
  host?: string;
  user?: string;
  users: Set<string>;
  /** Lines already counted towards the next failure. */
  matches: number;
  /** Lines seen as helpers (nofail) that count once a real failure arrives. */
  nofailMatches: number;
  nofail: boolean;
  gained: boolean;
  /** A failure was seen before its source address was known. */
  pending: boolean;
  lastMs: number;
}

export interface SshdFilterOptions {
  mode?: SshdMode;
  /** Connections remembered at once (oldest dropped first). Default 10 000. */
  maxConnections?: number;
  /** A connection not seen for this long is forgotten. Default 5 minutes (as fail2ban). */
  connectionTtlMs?: number;
  /** Longest line kept in events. Default 1024. */
  maxLineInEvent?: number;
}

interface Match {
  rule: SshdRule;
  groups: Record<string, string | undefined>;
}

/** Rules by the first character their messages can start with, in rule order (first match wins). */
function indexRules(rules: SshdRule[]): Map<number, SshdRule[]> {
  const index = new Map<number, SshdRule[]>();
  for (const rule of rules) {
    for (const code of new Set(rule.starts.map((s) => s.charCodeAt(0)))) {
      const list = index.get(code) ?? [];
      list.push(rule);
      index.set(code, list);
    }
  }
  return index;
}

function matchRules(index: Map<number, SshdRule[]>, content: string): Match | null {
  const candidates = index.get(content.charCodeAt(0));
  if (!candidates) return null;
  for (const rule of candidates) {
    let possible = false;
    for (const s of rule.starts) if (content.startsWith(s)) possible = true;
    if (!possible) continue;
    for (const p of rule.patterns) {
      const m = p.exec(content);
      if (m) return { rule, groups: m.groups ?? {} };
    }
  }
  return null;
}

/**
 * Streaming sshd failure filter. Feed records in log order; each call returns the failures and
 * successes the record completes. Memory is bounded by `maxConnections`.
 */
export class SshdFailureFilter {
  private readonly rules: Map<number, SshdRule[]>;
  private readonly conns = new Map<string, ConnState>();
  private readonly maxConns: number;
  private readonly ttl: number;
  private readonly maxLine: number;

  constructor(options: SshdFilterOptions = {}) {
    this.rules = indexRules(sshdRules(options.mode ?? 'normal'));
    this.maxConns = options.maxConnections ?? 10_000;
    this.ttl = options.connectionTtlMs ?? 300_000;
    this.maxLine = options.maxLineInEvent ?? 1024;
  }

  static isSshd(program: string): boolean {
    return program === 'sshd' || program === 'sshd-session' || program === 'sshd-auth';
  }

  get connections(): number {
    return this.conns.size;
  }

  feed(rec: SyslogRecord, line: string): AuthEvent[] {
    if (!SshdFailureFilter.isSshd(rec.program)) return [];
    const hit = matchRules(this.rules, stripSshdPrefix(rec.message));
    if (!hit) return [];
    const { rule, groups } = hit;
    const host = groups.ip4 ?? groups.ip6 ?? groups.dns;
    const user = groups.user ? groups.user : groups.altuser ? groups.altuser : undefined;
    const nofail = typeof rule.nofail === 'function' ? rule.nofail(groups) : rule.nofail === true;
    const connId = `${rec.host ?? ''} ${rec.program}[${rec.pid ?? ''}]`;
    this.expire(rec.timeMs);

    let flags = 0; // 1 nofail, 2 forget, 4 earlier line was a helper, 8 gained
    if (rule.gained) flags |= 8 | 1;
    else if (nofail) flags |= 1;
    if (rule.forget) flags |= 2;

    let state = this.conns.get(connId);
    if (state) {
      if (user) state.users.add(user);
      if (state.nofail || state.gained) flags |= 4;
      state.nofail = false;
      state.gained = false;
      if (flags & 8) state.pending = false;
      if ((flags & 4) === 0 && !state.pending) state.matches = 0;
      if (host !== undefined) state.host = host;
      if (user !== undefined) state.user = user;
      state.nofail = (flags & 1) !== 0;
      state.gained = (flags & 8) !== 0;
      state.lastMs = rec.timeMs;
      if (flags & 2) this.conns.delete(connId);
      else this.remember(connId, state);
    } else {
      state = {
        users: new Set(user ? [user] : []),
        matches: 0,
        nofailMatches: 0,
        nofail: (flags & 1) !== 0,
        gained: (flags & 8) !== 0,
        pending: false,
        lastMs: rec.timeMs,
        ...(host !== undefined ? { host } : {}),
        ...(user !== undefined ? { user } : {}),
      };
      if ((flags & 2) === 0) this.remember(connId, state);
    }
    // Several user names on one connection, or a failure waiting for its address: never "forgiven".
    if (state.pending || state.users.size > 1) {
      state.nofail = false;
      state.gained = false;
      flags &= ~(8 | 1);
    }
    state.pending = false;
    if ((flags & 1) === 0) {
      state.matches += state.nofailMatches + ((flags & 8) === 0 ? 1 : 0);
      state.nofailMatches = 0;
    } else if ((flags & 3) === 1) {
      state.nofailMatches++;
    }

    const events: AuthEvent[] = [];
    const bounded = line.length > this.maxLine ? line.slice(0, this.maxLine) : line;
    if (!state.nofail) {
      if (state.host === undefined) {
        // Counted once a later line of this connection names the source (dropped if it ended here).
        state.pending = true;
      } else {
        events.push(this.event('failure', state.host, state.user, state.users, Math.max(1, state.matches), rec.timeMs, rule.id, bounded));
      }
    }
    if (rule.gained && host !== undefined) {
      const ev = this.event('success', host, user, state.users, 1, rec.timeMs, rule.id, bounded);
      if (groups.method) ev.method = groups.method;
      events.push(ev);
    }
    return events;
  }

  private event(kind: AuthEvent['kind'], source: string, user: string | undefined, users: Set<string>, attempts: number, timeMs: number, rule: string, line: string): AuthEvent {
    const ip = parseIp(source);
    return {
      kind,
      service: 'sshd',
      source,
      ...(ip ? { ip: ip.text } : {}),
      ...(user !== undefined ? { user } : {}),
      ...(users.size > 1 ? { users: [...users] } : {}),
      attempts,
      timeMs,
      rule,
      line,
    };
  }

  private remember(id: string, state: ConnState): void {
    this.conns.delete(id);
    this.conns.set(id, state);
    while (this.conns.size > this.maxConns) {
      const oldest = this.conns.keys().next().value;
      if (oldest === undefined) break;
      this.conns.delete(oldest);
    }
  }

  private expire(nowMs: number): void {
    // Map iteration is insertion order, refreshed on remember(): stop at the first live entry.
    for (const [id, s] of this.conns) {
      if (nowMs - s.lastMs <= this.ttl) break;
      this.conns.delete(id);
    }
  }
}
