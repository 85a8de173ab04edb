import { IpAllowlist, parseIp } from '../bruteforce/ip.js';

export interface LoginEvent {
  user: string;
  /** Source address (or host name as logged). */
  source: string;
  timeMs: number;
  service?: string;
}

export interface AccountBaseline {
  user: string;
  logins: number;
  /** Source → count. */
  sources: Map<string, number>;
  /** Logins per local hour 0..23. */
  hours: number[];
}

export interface LoginBaselineConfig {
  /** Local time of the hosts, minutes east of UTC (hours are learned and judged in it). Default 0. */
  utcOffsetMinutes?: number;
  /** Logins needed before "new source" / "unusual hour" judgements are made (default 5). */
  minHistory?: number;
  /** An hour counts as usual when it or a neighbouring hour (±`hourSlack`) was seen (default 1). */
  hourSlack?: number;
  /** Per account: the only allowed sources (IPs/CIDRs). Accounts absent here are not restricted. */
  allowlists?: Readonly<Record<string, readonly string[]>>;
  /** Sources stored per account at most (default 256; the rarest is dropped). */
  maxSourcesPerAccount?: number;
  /** Host-wide usual sources (Sas login_common_ip): any other source alerts. Empty = not restricted. */
  commonIps?: readonly string[];
  /** Host-wide usual login windows, `HH:MM[:SS]` local time, end may wrap past midnight (login_common_time). */
  commonTimes?: readonly { start: string; end: string }[];
  /** Host-wide usual accounts (login_common_account): other accounts alert. */
  commonAccounts?: readonly string[];
}

export type AbnormalLoginRule = 'login.new-source' | 'login.unusual-time' | 'login.not-allowlisted' | 'login.unusual-account';

export interface AbnormalLoginFinding {
  ruleId: AbnormalLoginRule;
  level: 'serious' | 'suspicious';
  user: string;
  source: string;
  timeMs: number;
  localHour: number;
  evidence: string;
}

function sourceKey(source: string): string {
  return parseIp(source)?.text ?? source.toLowerCase();
}

function localHour(timeMs: number, offsetMinutes: number): number {
  return new Date(timeMs + offsetMinutes * 60_000).getUTCHours();
}

/** Seconds of the day of `HH:MM[:SS]`; null when malformed. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return h < 24 && mi < 60 && s < 60 ? h * 3600 + mi * 60 + s : null;
}

function inWindow(sec: number, start: number, end: number): boolean {
  return start <= end ? sec >= start && sec <= end : sec >= start || sec <= end;
}

/**
 * Per-account login baselines (usual sources and hours) and judgement of new logins against them.
 * Pure: history and time come in as events.
 */
export class LoginBaselines {
  private readonly accounts = new Map<string, AccountBaseline>();
  private readonly allow = new Map<string, IpAllowlist>();
  private readonly commonIps: IpAllowlist | null;
  private readonly windows: { start: number; end: number; text: string }[];

  constructor(private readonly config: LoginBaselineConfig = {}) {
    const ips = config.commonIps ?? [];
    this.commonIps = ips.length > 0 ? new IpAllowlist(ips) : null;
    if (this.commonIps && this.commonIps.invalid.length > 0) throw new Error(`invalid common login IPs: ${this.commonIps.invalid.join(', ')}`);
    this.windows = (config.commonTimes ?? []).map((w) => {
      const start = parseClock(w.start);
      const end = parseClock(w.end);
      if (start === null || end === null) throw new Error(`invalid common login time ${w.start}-${w.end} (HH:MM[:SS])`);
      return { start, end, text: `${w.start}-${w.end}` };
    });
    for (const [user, list] of Object.entries(config.allowlists ?? {})) {
      const a = new IpAllowlist(list);
      if (a.invalid.length > 0) throw new Error(`invalid allowlist entries for ${user}: ${a.invalid.join(', ')}`);
      this.allow.set(user, a);
    }
  }

  baseline(user: string): AccountBaseline | undefined {
    return this.accounts.get(user);
  }

  learn(ev: LoginEvent): void {
    let b = this.accounts.get(ev.user);
    if (!b) this.accounts.set(ev.user, (b = { user: ev.user, logins: 0, sources: new Map(), hours: Array<number>(24).fill(0) }));
    b.logins++;
    const key = sourceKey(ev.source);
    b.sources.set(key, (b.sources.get(key) ?? 0) + 1);
    const max = this.config.maxSourcesPerAccount ?? 256;
    if (b.sources.size > max) {
      let rarest: string | null = null;
      let min = Infinity;
      for (const [s, n] of b.sources) if (s !== key && n < min) [rarest, min] = [s, n];
      if (rarest !== null) b.sources.delete(rarest);
    }
    const h = localHour(ev.timeMs, this.config.utcOffsetMinutes ?? 0);
    b.hours[h] = (b.hours[h] ?? 0) + 1;
  }

  learnAll(history: Iterable<LoginEvent>): void {
    for (const ev of history) this.learn(ev);
  }

  /** Judge a login against what was learned before it (does not learn it). */
  evaluate(ev: LoginEvent): AbnormalLoginFinding[] {
    const out: AbnormalLoginFinding[] = [];
    const hour = localHour(ev.timeMs, this.config.utcOffsetMinutes ?? 0);
    const base = { user: ev.user, source: ev.source, timeMs: ev.timeMs, localHour: hour };
    const allow = this.allow.get(ev.user);
    if (allow && !allow.has(ev.source)) {
      out.push({ ...base, ruleId: 'login.not-allowlisted', level: 'serious', evidence: `${ev.user} logged in from ${ev.source}, outside the account's allowlist (${allow.cidrs.map((c) => c.text).join(', ')})` });
    }
    if (this.commonIps && !this.commonIps.has(ev.source)) {
      out.push({ ...base, ruleId: 'login.not-allowlisted', level: 'serious', evidence: `${ev.user} logged in from ${ev.source}, not one of the host's usual login addresses (${this.commonIps.cidrs.map((c) => c.text).join(', ')})` });
    }
    const accounts = this.config.commonAccounts ?? [];
    if (accounts.length > 0 && !accounts.includes(ev.user)) {
      out.push({ ...base, ruleId: 'login.unusual-account', level: 'suspicious', evidence: `${ev.user} is not one of the host's usual login accounts (${accounts.join(', ')})` });
    }
    if (this.windows.length > 0) {
      const t = new Date(ev.timeMs + (this.config.utcOffsetMinutes ?? 0) * 60_000);
      const sec = t.getUTCHours() * 3600 + t.getUTCMinutes() * 60 + t.getUTCSeconds();
      if (!this.windows.some((w) => inWindow(sec, w.start, w.end))) {
        out.push({ ...base, ruleId: 'login.unusual-time', level: 'suspicious', evidence: `${ev.user} logged in at ${t.toISOString().slice(11, 19)}, outside the usual login times (${this.windows.map((w) => w.text).join(', ')})` });
        return out.concat(this.learned(ev, hour).filter((f) => f.ruleId !== 'login.unusual-time'));
      }
    }
    return out.concat(this.learned(ev, hour));
  }

  /** Judgements against the learned baseline (new source, unusual hour). */
  private learned(ev: LoginEvent, hour: number): AbnormalLoginFinding[] {
    const out: AbnormalLoginFinding[] = [];
    const base = { user: ev.user, source: ev.source, timeMs: ev.timeMs, localHour: hour };
    const b = this.accounts.get(ev.user);
    const minHistory = this.config.minHistory ?? 5;
    if (!b || b.logins < minHistory) return out;
    if (!b.sources.has(sourceKey(ev.source))) {
      out.push({ ...base, ruleId: 'login.new-source', level: 'suspicious', evidence: `${ev.user} has never logged in from ${ev.source} (${b.sources.size} known sources over ${b.logins} logins)` });
    }
    const slack = this.config.hourSlack ?? 1;
    let usual = false;
    for (let d = -slack; d <= slack; d++) if ((b.hours[(hour + d + 24) % 24] ?? 0) > 0) usual = true;
    if (!usual) {
      const seen = b.hours.flatMap((n, h) => (n > 0 ? [h] : []));
      out.push({ ...base, ruleId: 'login.unusual-time', level: 'suspicious', evidence: `${ev.user} logged in at ${String(hour).padStart(2, '0')}:xx; usual hours ${seen.join(',')}` });
    }
    return out;
  }

  /** The learned baselines as plain JSON (persisted by the agent across restarts). */
  exportBaselines(): { user: string; logins: number; sources: [string, number][]; hours: number[] }[] {
    return [...this.accounts.values()].map((b) => ({ user: b.user, logins: b.logins, sources: [...b.sources], hours: [...b.hours] }));
  }

  /** Restores what exportBaselines produced; malformed entries are skipped. */
  importBaselines(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const e of data.slice(0, 10_000)) {
      const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      if (typeof o.user !== 'string' || typeof o.logins !== 'number' || !Array.isArray(o.sources) || !Array.isArray(o.hours) || o.hours.length !== 24) continue;
      const sources = new Map<string, number>();
      for (const s of o.sources.slice(0, this.config.maxSourcesPerAccount ?? 256)) {
        if (Array.isArray(s) && typeof s[0] === 'string' && typeof s[1] === 'number') sources.set(s[0], s[1]);
      }
      this.accounts.set(o.user, { user: o.user, logins: o.logins, sources, hours: o.hours.map((n) => (typeof n === 'number' ? n : 0)) });
    }
  }

  /** Evaluate, then learn: the streaming use on an agent. */
  observe(ev: LoginEvent): AbnormalLoginFinding[] {
    const findings = this.evaluate(ev);
    this.learn(ev);
    return findings;
  }
}
