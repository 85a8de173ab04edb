import { mkdirSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import { ALERT_EVENT_KIND, type AlertEventData } from '../domain/alerts/alert-types.js';
import {
  BRUTEFORCE_BLOCK_EVENT,
  BRUTEFORCE_CONFIG_TASK,
  BRUTEFORCE_LIST_TASK,
  BRUTEFORCE_UNBLOCK_EVENT,
  BRUTEFORCE_UNBLOCK_TASK,
  parseAgentConfig,
  type AgentBruteForceConfig,
  type BlockEventData,
  type UnblockEventData,
} from '../domain/bruteforce/bruteforce-types.js';
import type { AuthEvent } from '../engines/bruteforce/auth-event.js';
import { AuthLogParser } from '../engines/bruteforce/auth-log-parser.js';
import { BruteForceDetector, type BruteForceFinding } from '../engines/bruteforce/detector.js';
import { IpAllowlist, parseIp } from '../engines/bruteforce/ip.js';
import type { TimeContext } from '../engines/bruteforce/syslog-line.js';
import { LoginBaselines, type AbnormalLoginFinding } from '../engines/login/abnormal-login.js';
import { Blocker, type BlockerOptions } from '../respond/block/index.js';
import { AuthLogSources, authLogFilesFromEnv, type AuthLogFile } from './authlog-sources.js';
import type { EventQueue } from './event-queue.js';
import { hostFacts } from './host-facts.js';
import { readJson, writeFileAtomic } from './home.js';
import type { AgentLink } from './link.js';
import { registerTask } from './task-handlers.js';

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface BruteForceOptions {
  link: Pick<AgentLink, 'flush'>;
  queue: Pick<EventQueue, 'push'>;
  log: Log;
  home: string;
  isPaused: () => boolean;
  /** The server URL: its address is never blocked (the agent must not cut itself off). */
  serverUrl?: string;
  files?: AuthLogFile[];
  env?: NodeJS.ProcessEnv;
  /** Fixed year/zone for year-less timestamps (replays of old logs); default: the host clock, refreshed. */
  time?: TimeContext;
  /** Sees every parsed auth event with its stream (metrics, replay tests). */
  onAuthEvent?: (stream: string, ev: AuthEvent) => void;
}

interface LedgerEntry {
  ip: string;
  untilMs: number;
  ruleId: string;
}

const DEFAULT_ALLOWLIST = ['127.0.0.0/8', '::1'];
const EMPTY_CONFIG: AgentBruteForceConfig = { version: 0, rules: [], login: { commonIps: [], commonTimes: [], commonAccounts: [] } };

function csvEnv(v: string | undefined): string[] | null {
  if (v === undefined) return null;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Blocker settings from the agent's environment (also used by tests to isolate their nft table). */
export function blockerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): BlockerOptions {
  const backend = env.VIGIL_BLOCK_BACKEND === 'iptables' || env.VIGIL_BLOCK_BACKEND === 'nftables' ? env.VIGIL_BLOCK_BACKEND : undefined;
  return {
    allowLoopback: env.VIGIL_BLOCK_ALLOW_LOOPBACK === '1',
    ...(env.VIGIL_NFT_TABLE ? { nftTable: env.VIGIL_NFT_TABLE } : {}),
    ...(backend ? { backend } : {}),
  };
}

function thresholdAlert(f: BruteForceFinding, ruleName: string, blocked: BlockEventData | null): AlertEventData {
  const ip = f.ip ?? f.source;
  const what = blocked && !blocked.error ? `blocked for ${blocked.blockSeconds} s (${blocked.backend})` : blocked?.error ? `block failed: ${blocked.error}` : 'not blocked (allowlisted or a host name)';
  return {
    ruleId: f.ruleId,
    name: blocked && !blocked.error ? 'Brute-force attack blocked' : 'Brute-force attack',
    level: f.level,
    aggKey: ip,
    details: {
      peer: { proto: 'tcp', remoteAddress: ip, remotePort: 0, localPort: 0 },
      evidence: `${f.failures} failed logins (${f.services.join(', ')}) in ${f.windowSeconds} s from ${f.source}, users ${f.users.join(', ') || '-'}; rule ${ruleName}: ${what}. Last lines: ${f.evidence.slice(-3).join(' | ')}`,
    },
  };
}

function successAlert(f: BruteForceFinding): AlertEventData {
  const ip = f.ip ?? f.source;
  return {
    ruleId: f.ruleId,
    name: 'Successful login after brute force',
    level: 'serious',
    aggKey: `${f.successUser ?? ''}|${ip}`,
    details: {
      peer: { proto: 'tcp', remoteAddress: ip, remotePort: 0, localPort: 0 },
      evidence: `${f.successUser ?? 'an account'} logged in from ${f.source} after ${f.failures} failed logins in ${f.windowSeconds} s (users tried: ${f.users.join(', ') || '-'}). ${f.evidence.slice(-2).join(' | ')}`,
    },
  };
}

const LOGIN_NAMES: Record<AbnormalLoginFinding['ruleId'], string> = {
  'login.new-source': 'Abnormal login: new source address',
  'login.unusual-time': 'Abnormal login: unusual time',
  'login.not-allowlisted': 'Abnormal login: not from a usual address',
  'login.unusual-account': 'Abnormal login: unusual account',
};

function loginAlert(f: AbnormalLoginFinding): AlertEventData {
  const ip = parseIp(f.source)?.text;
  return {
    ruleId: f.ruleId,
    name: LOGIN_NAMES[f.ruleId],
    level: f.level,
    aggKey: `${f.user}|${f.source}`,
    details: { ...(ip ? { peer: { proto: 'tcp', remoteAddress: ip, remotePort: 0, localPort: 0 } } : {}), evidence: f.evidence },
  };
}

/**
 * Brute-force defence and abnormal-login detection on the agent: auth logs (files or
 * the journal) → parser → detector; a rule hit blocks the source with nftables (iptables fallback)
 * for the rule's duration, recorded in a ledger so blocks are lifted on time, also across restarts.
 * Rules and login settings arrive from the server as `bruteforce.config` tasks and are kept on disk.
 */
export class BruteForceFeature {
  private readonly dir: string;
  private config: AgentBruteForceConfig;
  private detector: BruteForceDetector | undefined;
  private logins!: LoginBaselines;
  private readonly parsers = new Map<string, AuthLogParser>();
  private readonly time: TimeContext;
  private timeRefreshedAt = 0;
  private readonly baseAllow: string[];
  private readonly serverIps: string[] = [];
  private ledger: LedgerEntry[];
  private blocker: Promise<Blocker> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private sources: AuthLogSources | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private loginsDirty = false;

  constructor(private readonly o: BruteForceOptions) {
    this.dir = join(o.home, 'bruteforce');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const env = o.env ?? process.env;
    this.baseAllow = csvEnv(env.VIGIL_BRUTEFORCE_ALLOWLIST) ?? [...DEFAULT_ALLOWLIST, ...hostFacts().ips];
    const bad = new IpAllowlist(this.baseAllow).invalid;
    if (bad.length > 0) {
      o.log('warn', 'VIGIL_BRUTEFORCE_ALLOWLIST has invalid entries; they are ignored', { invalid: bad });
      this.baseAllow = this.baseAllow.filter((a) => !bad.includes(a));
    }
    this.time = o.time ?? { year: new Date().getUTCFullYear(), utcOffsetMinutes: -new Date().getTimezoneOffset(), notAfterMs: Date.now() };
    if (o.time) this.timeRefreshedAt = Number.POSITIVE_INFINITY;
    this.ledger = readJson<LedgerEntry[]>(this.file('blocks.json')) ?? [];
    let cfg = EMPTY_CONFIG;
    try {
      const saved = readJson<unknown>(this.file('config.json'));
      if (saved) cfg = parseAgentConfig(saved);
    } catch (err) {
      o.log('warn', 'saved brute-force config is invalid; waiting for the server', { error: (err as Error).message });
    }
    this.config = cfg;
    this.rebuild();
  }

  private file(name: string): string {
    return join(this.dir, name);
  }

  private getBlocker(): Promise<Blocker> {
    this.blocker ??= Blocker.create(blockerOptionsFromEnv(this.o.env ?? process.env));
    return this.blocker;
  }

  /** Detector and baselines for the current config; the allowlist always holds the server's address. */
  private rebuild(): void {
    const allow = [...this.baseAllow, ...this.serverIps, ...this.config.rules.flatMap((r) => r.allowlist ?? [])];
    const valid = allow.filter((a) => new IpAllowlist([a]).invalid.length === 0);
    const detectorConfig = {
      rules: this.config.rules.map((r) => ({ id: r.id, failures: r.failures, windowSeconds: r.windowSeconds, blockSeconds: r.blockSeconds, ...(r.services ? { services: r.services } : {}) })),
      allowlist: valid,
    };
    // Reconfigured in place: failures seen so far still count towards the new rules.
    if (this.detector) this.detector.reconfigure(detectorConfig);
    else this.detector = new BruteForceDetector(detectorConfig);
    const prior = this.logins?.exportBaselines() ?? readJson<unknown>(this.file('logins.json'));
    this.logins = new LoginBaselines({
      utcOffsetMinutes: this.time.utcOffsetMinutes,
      commonIps: this.config.login.commonIps.filter((a) => new IpAllowlist([a]).invalid.length === 0),
      commonTimes: this.config.login.commonTimes,
      commonAccounts: this.config.login.commonAccounts,
    });
    this.logins.importBaselines(prior);
  }

  start(): void {
    registerTask(BRUTEFORCE_CONFIG_TASK, { protection: false, run: async (params) => this.setConfig(parseAgentConfig(params)) });
    registerTask(BRUTEFORCE_UNBLOCK_TASK, {
      protection: false,
      run: async (params) => {
        const ip = (params as { ip?: unknown } | null)?.ip;
        if (typeof ip !== 'string') throw new Error('bruteforce.unblock needs an ip');
        return this.enqueue(() => this.unblock(ip, 'manual'));
      },
    });
    registerTask(BRUTEFORCE_LIST_TASK, {
      protection: false,
      run: async () => {
        const b = await this.getBlocker();
        return { backend: b.backend.name, ledger: this.ledger, firewall: await b.list(), following: this.sources?.following ?? [] };
      },
    });
    void this.resolveServer();
    // Blocks that lapsed while the agent was down are lifted (and reported) before anything else.
    void this.enqueue(() => this.sweep('restart'));
    this.sources = new AuthLogSources({
      files: this.o.files ?? authLogFilesFromEnv(this.o.env),
      offsetsFile: this.file('offsets.json'),
      journal: (this.o.env ?? process.env).VIGIL_AUTHLOG_JOURNAL !== '0',
      onLine: (stream, line) => this.onLine(stream, line),
      log: this.o.log,
    });
    this.sources.start();
    this.sweeper = setInterval(() => {
      void this.enqueue(() => this.sweep('expired'));
      if (this.loginsDirty) this.saveLogins();
    }, 1_000);
    this.sweeper.unref();
    this.o.log('info', 'brute-force defence started', { following: this.sources.following, rules: this.config.rules.length });
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.sources?.stop();
    await this.chain;
    if (this.loginsDirty) this.saveLogins();
  }

  private async resolveServer(): Promise<void> {
    if (!this.o.serverUrl) return;
    try {
      const host = new URL(this.o.serverUrl).hostname.replace(/^\[|\]$/g, '');
      const ips = parseIp(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
      this.serverIps.push(...ips);
      this.rebuild();
    } catch (err) {
      this.o.log('warn', 'server address not resolved; it is not on the brute-force allowlist', { error: (err as Error).message });
    }
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch((err: unknown) => this.o.log('warn', 'brute-force response failed', { error: err instanceof Error ? err.message : String(err) }));
    return run;
  }

  setConfig(cfg: AgentBruteForceConfig): { version: number; rules: number; applied: boolean } {
    if (cfg.version < this.config.version) return { version: this.config.version, rules: this.config.rules.length, applied: false };
    // Validate before replacing: a bad config keeps the previous one running.
    const previous = this.config;
    this.config = cfg;
    try {
      this.rebuild();
    } catch (err) {
      this.config = previous;
      this.rebuild();
      throw err;
    }
    writeFileAtomic(this.file('config.json'), JSON.stringify(cfg));
    return { version: cfg.version, rules: cfg.rules.length, applied: true };
  }

  /** One log line from a stream (exposed for tests that replay a corpus through the same path). */
  onLine(stream: string, line: string): void {
    if (this.o.isPaused()) return;
    const now = Date.now();
    if (now > this.timeRefreshedAt + 60_000) {
      this.time.year = new Date(now).getUTCFullYear();
      this.time.notAfterMs = now;
      this.timeRefreshedAt = now;
    }
    let parser = this.parsers.get(stream);
    if (!parser) this.parsers.set(stream, (parser = new AuthLogParser({ time: this.time })));
    for (const ev of parser.feed(line)) {
      this.o.onAuthEvent?.(stream, ev);
      for (const f of this.detector?.observe(ev) ?? []) this.onFinding(f);
      if (ev.kind === 'success' && ev.user) {
        for (const lf of this.logins.observe({ user: ev.user, source: ev.source, timeMs: ev.timeMs, service: ev.service })) this.push(ALERT_EVENT_KIND, loginAlert(lf));
        this.loginsDirty = true;
      }
    }
  }

  private push(kind: string, data: unknown): void {
    this.o.queue.push(kind, data);
    this.o.link.flush();
  }

  private onFinding(f: BruteForceFinding): void {
    if (f.ruleId === 'bruteforce.success-after-failures') {
      this.push(ALERT_EVENT_KIND, successAlert(f));
      return;
    }
    const rule = this.config.rules.find((r) => r.id === f.bruteForceRuleId);
    const ruleName = rule?.name ?? f.bruteForceRuleId ?? '';
    const block = f.block;
    if (!block) {
      this.push(ALERT_EVENT_KIND, thresholdAlert(f, ruleName, null));
      return;
    }
    void this.enqueue(async () => {
      const data: BlockEventData = {
        ip: block.ip,
        ruleId: f.bruteForceRuleId ?? '',
        ruleName,
        failures: f.failures,
        windowSeconds: f.windowSeconds,
        blockSeconds: block.durationSeconds,
        expiresAtMs: Date.now() + block.durationSeconds * 1000,
        backend: '',
        users: f.users,
        services: f.services,
      };
      try {
        const b = await this.getBlocker();
        const r = await b.block(block.ip, block.durationSeconds);
        data.backend = r.backend;
        data.expiresAtMs = r.expiresAtMs ?? data.expiresAtMs;
        this.ledger = [...this.ledger.filter((e) => e.ip !== r.ip), { ip: r.ip, untilMs: data.expiresAtMs, ruleId: data.ruleId }];
        this.saveLedger();
        this.o.log('info', 'brute-force source blocked', { ip: r.ip, seconds: block.durationSeconds, backend: r.backend });
      } catch (err) {
        data.error = err instanceof Error ? err.message : String(err);
        this.o.log('warn', 'brute-force block failed', { ip: block.ip, error: data.error });
      }
      this.push(BRUTEFORCE_BLOCK_EVENT, data);
      this.push(ALERT_EVENT_KIND, thresholdAlert(f, ruleName, data));
    });
  }

  private saveLedger(): void {
    writeFileAtomic(this.file('blocks.json'), JSON.stringify(this.ledger));
  }

  private saveLogins(): void {
    this.loginsDirty = false;
    try {
      writeFileAtomic(this.file('logins.json'), JSON.stringify(this.logins.exportBaselines()));
    } catch (err) {
      this.o.log('warn', 'login baselines not saved', { error: (err as Error).message });
    }
  }

  private async unblock(ip: string, reason: UnblockEventData['reason']): Promise<{ ip: string; removed: boolean }> {
    const b = await this.getBlocker();
    const canonical = parseIp(ip)?.text;
    if (!canonical) throw new Error(`not an IP address: ${JSON.stringify(ip.slice(0, 64))}`);
    const removed = await b.unblock(canonical);
    // An administrator's unblock is a pardon: only fresh failures block the source again.
    if (reason === 'manual') this.detector?.forget(canonical);
    this.ledger = this.ledger.filter((e) => e.ip !== canonical);
    this.saveLedger();
    const data: UnblockEventData = { ip: canonical, reason };
    this.push(BRUTEFORCE_UNBLOCK_EVENT, data);
    return { ip: canonical, removed };
  }

  /** Lifts ledger entries whose time is up (nftables has dropped them already; iptables needs it). */
  private async sweep(reason: 'expired' | 'restart'): Promise<void> {
    const now = Date.now();
    const due = this.ledger.filter((e) => e.untilMs <= now);
    if (due.length === 0 && reason === 'expired') return;
    const b = await this.getBlocker();
    await b.sweep();
    for (const e of due) {
      await this.unblock(e.ip, reason).catch((err: unknown) => this.o.log('warn', 'unblock failed', { ip: e.ip, error: err instanceof Error ? err.message : String(err) }));
    }
  }
}

export function startBruteForce(o: BruteForceOptions): BruteForceFeature {
  const f = new BruteForceFeature(o);
  f.start();
  return f;
}
