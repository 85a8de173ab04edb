import type { AuthEvent, AuthService } from './auth-event.js';
import { IpAllowlist } from './ip.js';

/** "N failures in T seconds from one source → block for D seconds" (CreateAntiBruteForceRule). */
export interface BruteForceRule {
  id: string;
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
  /** Services the rule counts; all when absent. */
  services?: readonly AuthService[];
}

export interface BruteForceConfig {
  rules: readonly BruteForceRule[];
  /** IPs / CIDRs that are never blocked. */
  allowlist?: readonly string[];
  /** Success from a source with at least this many failures in the window before it (default 3 in 3600 s). */
  successAfterFailures?: { minFailures: number; windowSeconds: number };
  /** Whether allowlisted sources also skip the success-after-failures alert (default true). */
  allowlistSuppressesAlerts?: boolean;
  /** Sources tracked at once; the least recently seen is dropped beyond it (default 100 000). */
  maxSources?: number;
}

export interface BlockDecision {
  ip: string;
  durationSeconds: number;
  untilMs: number;
}

export interface BruteForceFinding {
  ruleId: 'bruteforce.threshold' | 'bruteforce.success-after-failures';
  level: 'serious' | 'suspicious';
  source: string;
  ip?: string;
  /** The user-configured rule that fired (threshold findings). */
  bruteForceRuleId?: string;
  failures: number;
  windowSeconds: number;
  firstMs: number;
  lastMs: number;
  services: AuthService[];
  /** User names tried (bounded). */
  users: string[];
  /** Present when the source is an IP and not allowlisted. */
  block?: BlockDecision;
  /** For success-after-failures: the account that got in. */
  successUser?: string;
  evidence: string[];
}

interface Failure {
  timeMs: number;
  attempts: number;
  service: AuthService;
  user?: string;
  line: string;
}

interface SourceState {
  failures: Failure[];
  /** Per brute-force rule id: blocked (or reported) until. */
  quietUntil: Map<string, number>;
}

const MAX_USERS = 20;
const MAX_EVIDENCE = 5;

export function validateRule(rule: BruteForceRule): string[] {
  const errors: string[] = [];
  if (!/^[\w.-]{1,64}$/.test(rule.id)) errors.push('id must be 1-64 word characters');
  if (!Number.isInteger(rule.failures) || rule.failures < 1 || rule.failures > 10_000) errors.push('failures must be an integer in 1..10000');
  if (!Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1 || rule.windowSeconds > 86_400 * 7) errors.push('windowSeconds must be in 1..604800');
  if (!Number.isInteger(rule.blockSeconds) || rule.blockSeconds < 1 || rule.blockSeconds > 86_400 * 365) errors.push('blockSeconds must be in 1..31536000');
  return errors;
}

/**
 * Streaming brute-force detector: sliding windows per source over the parsers' AuthEvents.
 * Pure: time comes from the events. Each threshold crossing yields one finding per rule and source,
 * then the source is quiet for that rule until its block expires.
 */
export class BruteForceDetector {
  private readonly sources = new Map<string, SourceState>();
  private allow!: IpAllowlist;
  private maxWindowMs!: number;
  private maxKept!: number;
  private config!: BruteForceConfig;

  constructor(config: BruteForceConfig) {
    this.reconfigure(config);
  }

  /**
   * New rules / allowlist, keeping what was observed (failures per source, running blocks), so a
   * rule change pushed from the server does not forget an attack in progress. Throws on bad config
   * and then keeps the previous one.
   */
  reconfigure(config: BruteForceConfig): void {
    for (const r of config.rules) {
      const errors = validateRule(r);
      if (errors.length > 0) throw new Error(`invalid brute-force rule ${r.id}: ${errors.join('; ')}`);
    }
    const allow = new IpAllowlist(config.allowlist ?? []);
    if (allow.invalid.length > 0) throw new Error(`invalid allowlist entries: ${allow.invalid.join(', ')}`);
    this.config = config;
    this.allow = allow;
    const saf = config.successAfterFailures ?? { minFailures: 3, windowSeconds: 3600 };
    this.maxWindowMs = Math.max(saf.windowSeconds, ...config.rules.map((r) => r.windowSeconds)) * 1000;
    // Enough failure records for the largest threshold; attempts weights make fewer records suffice.
    this.maxKept = Math.max(saf.minFailures, ...config.rules.map((r) => r.failures)) + 1;
  }

  /** Forgets a source (failures and running blocks), e.g. after an administrator unblocked it. */
  forget(source: string): void {
    this.sources.delete(source);
  }

  get trackedSources(): number {
    return this.sources.size;
  }

  observe(ev: AuthEvent): BruteForceFinding[] {
    const key = ev.ip ?? ev.source;
    const allowlisted = ev.ip !== undefined && this.allow.has(ev.ip);
    const state = this.touch(key);
    this.prune(state, ev.timeMs);
    if (ev.kind === 'success') return this.onSuccess(ev, state, allowlisted);

    state.failures.push({ timeMs: ev.timeMs, attempts: ev.attempts, service: ev.service, ...(ev.user !== undefined ? { user: ev.user } : {}), line: ev.line });
    if (state.failures.length > this.maxKept) state.failures.splice(0, state.failures.length - this.maxKept);

    const out: BruteForceFinding[] = [];
    for (const rule of this.config.rules) {
      if (rule.services && !rule.services.includes(ev.service)) continue;
      if ((state.quietUntil.get(rule.id) ?? -Infinity) > ev.timeMs) continue;
      const from = ev.timeMs - rule.windowSeconds * 1000;
      const inWindow = state.failures.filter((f) => f.timeMs > from && f.timeMs <= ev.timeMs && (!rule.services || rule.services.includes(f.service)));
      const count = inWindow.reduce((n, f) => n + f.attempts, 0);
      if (count < rule.failures) continue;
      const untilMs = ev.timeMs + rule.blockSeconds * 1000;
      state.quietUntil.set(rule.id, untilMs);
      const finding = this.finding('bruteforce.threshold', 'suspicious', ev, inWindow, rule.windowSeconds);
      finding.bruteForceRuleId = rule.id;
      if (ev.ip !== undefined && !allowlisted) finding.block = { ip: ev.ip, durationSeconds: rule.blockSeconds, untilMs };
      if (!allowlisted || !(this.config.allowlistSuppressesAlerts ?? true)) out.push(finding);
    }
    return out;
  }

  private onSuccess(ev: AuthEvent, state: SourceState, allowlisted: boolean): BruteForceFinding[] {
    const saf = this.config.successAfterFailures ?? { minFailures: 3, windowSeconds: 3600 };
    const from = ev.timeMs - saf.windowSeconds * 1000;
    const before = state.failures.filter((f) => f.timeMs > from && f.timeMs <= ev.timeMs);
    const count = before.reduce((n, f) => n + f.attempts, 0);
    // The failures are "used up" by this alert; a later success needs new failures.
    state.failures = [];
    if (count < saf.minFailures) return [];
    if (allowlisted && (this.config.allowlistSuppressesAlerts ?? true)) return [];
    const finding = this.finding('bruteforce.success-after-failures', 'serious', ev, before, saf.windowSeconds);
    if (ev.user !== undefined) finding.successUser = ev.user;
    finding.evidence.push(ev.line);
    return [finding];
  }

  private finding(ruleId: BruteForceFinding['ruleId'], level: BruteForceFinding['level'], ev: AuthEvent, failures: Failure[], windowSeconds: number): BruteForceFinding {
    const users = [...new Set(failures.map((f) => f.user).filter((u): u is string => u !== undefined))].slice(0, MAX_USERS);
    return {
      ruleId,
      level,
      source: ev.source,
      ...(ev.ip !== undefined ? { ip: ev.ip } : {}),
      failures: failures.reduce((n, f) => n + f.attempts, 0),
      windowSeconds,
      firstMs: failures[0]?.timeMs ?? ev.timeMs,
      lastMs: ev.timeMs,
      services: [...new Set(failures.map((f) => f.service))],
      users,
      evidence: failures.slice(-MAX_EVIDENCE).map((f) => f.line),
    };
  }

  private touch(key: string): SourceState {
    let s = this.sources.get(key);
    if (s) this.sources.delete(key);
    else s = { failures: [], quietUntil: new Map() };
    this.sources.set(key, s);
    const max = this.config.maxSources ?? 100_000;
    while (this.sources.size > max) {
      const oldest = this.sources.keys().next().value;
      if (oldest === undefined) break;
      this.sources.delete(oldest);
    }
    return s;
  }

  private prune(state: SourceState, nowMs: number): void {
    const from = nowMs - this.maxWindowMs;
    let i = 0;
    while (i < state.failures.length && (state.failures[i]?.timeMs ?? 0) <= from) i++;
    if (i > 0) state.failures.splice(0, i);
  }
}
