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
}

export type AbnormalLoginRule = 'login.new-source' | 'login.unusual-time' | 'login.not-allowlisted';

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

/**
 * Per-account login baselines (usual sources and hours) and judgement of new logins against them.
 * Pure: history and time come in as events.
 */
export class LoginBaselines {
  private readonly accounts = new Map<string, AccountBaseline>();
  private readonly allow = new Map<string, IpAllowlist>();

  constructor(private readonly config: LoginBaselineConfig = {}) {
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

  /** Evaluate, then learn: the streaming use on an agent. */
  observe(ev: LoginEvent): AbnormalLoginFinding[] {
    const findings = this.evaluate(ev);
    this.learn(ev);
    return findings;
  }
}
