/**
 * Anomalous AccessKey use, pure: audit calls in, findings out. Per AccessKey it keeps the
 * source IPs and actions seen so far (a bounded profile) and a window of denied calls:
 *  - a call from a source IP the key never used (after the key's learning period),
 *  - an action the key never called before (after the learning period),
 *  - a burst of denied calls (at any time: a key probing for permissions).
 * The caller seeds a key's profile from its history (the audit trail) the first time it sees the key.
 */

export interface AkCall {
  accountId: string;
  accessKeyId: string;
  userName: string;
  sourceIp: string;
  action: string;
  time: number;
  /** The RAM decision denied the call (ImplicitDeny / ExplicitDeny). */
  denied: boolean;
}

/** What the audit trail knew about a key before the calls being observed. */
export interface AkHistory {
  firstSeen: number;
  calls: number;
  ips: string[];
  actions: string[];
}

export type AkAnomalyKind = 'new-source-ip' | 'new-action' | 'denied-burst';

export interface AkAnomaly {
  kind: AkAnomalyKind;
  accountId: string;
  accessKeyId: string;
  userName: string;
  sourceIp: string;
  /** The new action, or the actions of the denied burst. */
  actions: string[];
  time: number;
  /** Known IPs (new-source-ip) or the number of denied calls in the window (denied-burst). */
  known: string[];
  deniedCount: number;
}

export interface AkAnomalyConfig {
  /** New-IP / new-action findings start once a key has made this many calls... */
  learnCalls: number;
  /** ...and was first seen at least this long ago. */
  learnMs: number;
  /** Denied calls within `deniedWindowMs` that make a burst. */
  deniedBurst: number;
  deniedWindowMs: number;
  /** Bounds: keys profiled at once (least recently used dropped), IPs and actions kept per key. */
  maxKeys: number;
  maxPerKey: number;
}

export const DEFAULT_AK_ANOMALY: AkAnomalyConfig = {
  learnCalls: 20,
  learnMs: 3_600_000,
  deniedBurst: 10,
  deniedWindowMs: 60_000,
  maxKeys: 10_000,
  maxPerKey: 1_000,
};

interface Profile {
  firstSeen: number;
  calls: number;
  ips: Set<string>;
  actions: Set<string>;
  denied: Array<{ time: number; action: string }>;
}

export class AkAnomalyDetector {
  private readonly profiles = new Map<string, Profile>();
  readonly config: AkAnomalyConfig;

  constructor(config: Partial<AkAnomalyConfig> = {}) {
    this.config = { ...DEFAULT_AK_ANOMALY, ...config };
    for (const [k, v] of Object.entries(this.config)) if (!Number.isFinite(v) || v < 0) throw new Error(`akAnomaly.${k} must be a non-negative number`);
  }

  /** True when the key has a profile in memory (else the caller seeds it from history first). */
  knows(accessKeyId: string): boolean {
    return this.profiles.has(accessKeyId);
  }

  seed(accessKeyId: string, h: AkHistory): void {
    const cap = this.config.maxPerKey;
    this.put(accessKeyId, { firstSeen: h.firstSeen, calls: h.calls, ips: new Set(h.ips.slice(0, cap)), actions: new Set(h.actions.slice(0, cap)), denied: [] });
  }

  /** Observes one authenticated call; returns what is anomalous about it (usually nothing). */
  observe(c: AkCall): AkAnomaly[] {
    const cfg = this.config;
    let p = this.profiles.get(c.accessKeyId);
    if (p) {
      // Most recently used last, so eviction drops the key idle the longest.
      this.profiles.delete(c.accessKeyId);
      this.profiles.set(c.accessKeyId, p);
    } else {
      p = { firstSeen: c.time, calls: 0, ips: new Set(), actions: new Set(), denied: [] };
      this.put(c.accessKeyId, p);
    }
    // A key's very first call has nothing to compare with: never anomalous.
    const learnt = p.calls >= Math.max(1, cfg.learnCalls) && c.time - p.firstSeen >= cfg.learnMs;
    const out: AkAnomaly[] = [];
    const base = { accountId: c.accountId, accessKeyId: c.accessKeyId, userName: c.userName, sourceIp: c.sourceIp, time: c.time, deniedCount: 0 };
    if (!p.ips.has(c.sourceIp)) {
      if (learnt) out.push({ ...base, kind: 'new-source-ip', actions: [c.action], known: [...p.ips].slice(0, 20) });
      if (p.ips.size < cfg.maxPerKey) p.ips.add(c.sourceIp);
    }
    if (!p.actions.has(c.action)) {
      if (learnt) out.push({ ...base, kind: 'new-action', actions: [c.action], known: [] });
      if (p.actions.size < cfg.maxPerKey) p.actions.add(c.action);
    }
    p.calls++;
    if (c.denied) {
      p.denied = p.denied.filter((d) => c.time - d.time < cfg.deniedWindowMs);
      p.denied.push({ time: c.time, action: c.action });
      if (p.denied.length >= cfg.deniedBurst) {
        out.push({ ...base, kind: 'denied-burst', actions: [...new Set(p.denied.map((d) => d.action))].slice(0, 20), known: [], deniedCount: p.denied.length });
        // One finding per burst: the window starts again.
        p.denied = [];
      }
    }
    return out;
  }

  private put(key: string, p: Profile): void {
    this.profiles.delete(key);
    this.profiles.set(key, p);
    while (this.profiles.size > this.config.maxKeys) {
      const oldest = this.profiles.keys().next().value;
      if (oldest === undefined) break;
      this.profiles.delete(oldest);
    }
  }
}
