import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { enroll } from './enroll.js';
import { EventQueue, DEFAULT_QUEUE_LIMITS, type QueueLimits } from './event-queue.js';
import { caFrom, ensureHome, loadCredentials, paths, readJson, saveCredentials, writeFileAtomic, type Credentials, type PendingEnrollment } from './home.js';
import { hostFacts } from './host-facts.js';
import { AgentLink } from './link.js';
import type { LinkConfig } from './protocol.js';
import { runTask } from './task-handlers.js';
import { AGENT_VERSION } from './version.js';
import { startInventory } from './inventory-feature.js';
import { startDetection } from './detect-feature.js';
import { startWebshell } from './webshell-feature.js';
import { startBaseline } from './baseline-feature.js';
import { startVulnFix } from './vuln-fix-feature.js';
import { startReboot } from './reboot-feature.js';
import { startBruteForce } from './bruteforce-feature.js';
import { startTraces } from './traces-feature.js';
import { startAgentBudget, type AgentBudgetOptions } from './budget.js';
import { stopCollections } from './collections.js';
import { startSelfProtection } from './self-protect-feature.js';
import { ALERT_EVENT_KIND } from '../domain/alerts/alert-types.js';

export interface RunOptions {
  home: string;
  server?: string;
  code?: string;
  caFile?: string;
  proxy?: string;
  heartbeatSec?: number;
  maxBackoffMs?: number;
  /** Exit (for the supervisor to restart) when RSS exceeds this; self-watch. */
  maxRssMb?: number;
  queueLimits?: QueueLimits;
  /** resource budget: cgroup cap when possible, self-watch always. */
  budget?: AgentBudgetOptions;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  /**
   * How to start this agent program again ([node, flags, vigil-agent.mjs] or [node, bin/vigil.js,
   * 'agent']): inventory and baseline collections then run in short-lived child processes
   * (collections.ts). Without it (the server's local agent) they run in this process.
   */
  self?: readonly string[];
}

export interface RunningAgent {
  credentials: Credentials;
  queue: EventQueue;
  link: AgentLink;
  isPaused(): boolean;
  stop(): void;
  /** A stop signal: self-protection reports it unless the service manager sent it, then stop(). */
  shutdown(signal: NodeJS.Signals): Promise<void>;
}

const RESULT_CACHE = 500;
const STATUS_REFRESH_MS = 30_000;
const INBOX_POLL_MS = 10_000;

function defaultLog(level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra });
  if (level === 'info') console.log(line);
  else console.error(line);
}

/** Enrolls if needed (flags or image-mode pending file), then returns the credential. */
export async function ensureEnrolled(o: RunOptions): Promise<Credentials> {
  const existing = loadCredentials(o.home);
  if (existing) return existing;
  const pending = readJson<PendingEnrollment>(paths(o.home).pending);
  const server = o.server ?? pending?.server;
  const code = o.code ?? pending?.code;
  if (!server || !code) throw new Error(`not enrolled: no ${paths(o.home).credentials}; run with --server URL --code CODE (the install command from the console)`);
  const caFile = o.caFile ?? pending?.caFile;
  const proxy = o.proxy ?? pending?.proxy;
  const res = await enroll(server, code, { ...(caFile ? { ca: caFrom(caFile) } : {}), ...(proxy ? { proxy } : {}) });
  const cred: Credentials = { server: server.replace(/\/+$/, ''), agentId: res.agentId, agentSecret: res.agentSecret, enrolledAt: Date.now(), ...(caFile ? { caFile } : {}), ...(proxy ? { proxy } : {}) };
  saveCredentials(o.home, cred);
  if (pending) rmSync(paths(o.home).pending, { force: true });
  return cred;
}

/** The agent in the foreground: link, heartbeats, tasks, local event inbox, self-watch. */
export async function runAgent(o: RunOptions): Promise<RunningAgent> {
  const log = o.log ?? defaultLog;
  ensureHome(o.home);
  const cred = await ensureEnrolled(o);
  const p = paths(o.home);
  const queue = new EventQueue(p.queueDir, o.queueLimits ?? DEFAULT_QUEUE_LIMITS);
  let paused = false;
  let config: LinkConfig | null = null;
  const results = new Map<string, { ok: boolean; data?: unknown; error?: string }>(Object.entries(readJson<Record<string, { ok: boolean }>>(p.results) ?? {}));
  const caFile = o.caFile ?? cred.caFile;
  const proxy = o.proxy ?? cred.proxy;

  const status = () => ({
    agentId: cred.agentId,
    agentVersion: AGENT_VERSION,
    paused,
    heartbeatSec: config?.heartbeatSec ?? o.heartbeatSec ?? 60,
    connected: link.state.connected,
    lastConnectedAt: link.state.lastConnectedAt,
    lastError: link.state.lastError,
    reconnects: link.state.reconnects,
    queue: { pending: queue.pending, dropped: queue.dropped, bytes: queue.pendingBytes },
    rssBytes: process.memoryUsage.rss(),
    pid: process.pid,
    updatedAt: Date.now(),
  });

  const link: AgentLink = new AgentLink({
    cred,
    dial: { ...(caFile ? { ca: caFrom(caFile) } : {}), ...(proxy ? { proxy } : {}) },
    queue,
    facts: hostFacts,
    agentVersion: AGENT_VERSION,
    heartbeatSec: o.heartbeatSec ?? 60,
    maxBackoffMs: o.maxBackoffMs ?? 60_000,
    log,
    onConfig: (c) => {
      config = c;
      if (c.paused !== paused) log('info', c.paused ? 'protection paused by the server (PauseClient)' : 'protection resumed');
      paused = c.paused;
      link.setHeartbeat(c.heartbeatSec);
    },
    onTask: (t) => {
      const cached = results.get(t.id);
      const done = (r: { ok: boolean; data?: unknown; error?: string }) => {
        link.send({ type: 'result', id: `r-${t.id}`, taskId: t.id, ok: r.ok, ...(r.ok ? { data: r.data } : { error: r.error ?? 'failed' }) });
      };
      // A redelivered task (its result was lost with the connection) is answered, not run twice.
      if (cached) return done(cached);
      void runTask(t.kind, t.params, { paused, status }).then((r) => {
        results.set(t.id, r);
        while (results.size > RESULT_CACHE) results.delete(results.keys().next().value as string);
        writeFileAtomic(p.results, JSON.stringify(Object.fromEntries(results)));
        done(r);
      });
    },
  });

  // Local producers (detectors in other processes, `vigil agent emit`) drop JSON files here.
  mkdirSync(p.inbox, { recursive: true, mode: 0o700 });
  const drainInbox = () => {
    let names: string[];
    try {
      names = readdirSync(p.inbox).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return;
    }
    let added = 0;
    for (const name of names.slice(0, 1000)) {
      const file = join(p.inbox, name);
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        for (const e of Array.isArray(parsed) ? parsed : [parsed]) {
          const ev = e as { kind?: unknown; data?: unknown; time?: unknown };
          if (typeof ev.kind === 'string') {
            queue.push(ev.kind.slice(0, 128), ev.data ?? null, typeof ev.time === 'number' ? ev.time : Date.now());
            added++;
          }
        }
      } catch (err) {
        log('warn', `inbox file ${name} is not valid JSON; dropped`, { error: (err as Error).message });
      }
      rmSync(file, { force: true });
    }
    if (added > 0) link.flush();
  };

  // status.json is for `vigil agent status` and the supervisor tests: written when something in it
  // changes (checked every 2 s), else refreshed every STATUS_REFRESH_MS, not rewritten every 2 s.
  let lastStatus = '';
  let lastStatusAt = 0;
  const writeStatus = (force = false) => {
    const st = status();
    const { rssBytes: _rss, updatedAt: _at, ...content } = st;
    const key = JSON.stringify(content);
    if (!force && key === lastStatus && st.updatedAt - lastStatusAt < STATUS_REFRESH_MS) return;
    try {
      writeFileSync(p.status, JSON.stringify(st), { mode: 0o600 });
      lastStatus = key;
      lastStatusAt = st.updatedAt;
    } catch {
      // status is advisory
    }
  };

  const maxRss = (o.maxRssMb ?? 200) * 1024 * 1024;
  const timers = [
    // Inotify below delivers drops at once; this slow poll only backs it up (a lost event, no inotify).
    setInterval(drainInbox, INBOX_POLL_MS),
    setInterval(() => writeStatus(), 2_000),
    setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss <= maxRss) return;
      // never take the host down. Report, then exit for the supervisor to restart us small.
      queue.push('agent.selfwatch', { rssBytes: rss, limitBytes: maxRss, action: 'restart' });
      log('error', `agent RSS ${Math.round(rss / 1048576)} MB exceeds the ${Math.round(maxRss / 1048576)} MB limit; exiting to be restarted`);
      writeStatus(true);
      selfProtect.markStopped('memory limit restart');
      process.exit(75);
    }, 10_000),
  ];
  for (const t of timers) t.unref();
  let inboxWatch: FSWatcher | null = null;
  let inboxDue: NodeJS.Timeout | null = null;
  try {
    inboxWatch = watch(p.inbox, { persistent: false }, () => {
      // A burst of drops (and their temp files) is drained once.
      inboxDue ??= setTimeout(() => {
        inboxDue = null;
        drainInbox();
      }, 20);
    });
    inboxWatch.on('error', () => inboxWatch?.close());
  } catch {
    // no inotify: the poll alone
  }
  drainInbox();
  const budget = startAgentBudget(o.budget ?? {}, (kind, data) => {
    queue.push(kind, data);
    link.flush();
  }, log);
  link.start();
  const selfProtect = startSelfProtection({
    home: o.home,
    log,
    push: (a) => {
      queue.push(ALERT_EVENT_KIND, a);
      link.flush();
    },
    event: (kind, data) => queue.push(kind, data),
  });
  const inventory = startInventory(link, log, o.self ? { self: o.self, home: o.home } : {});
  const detection = startDetection({ link, queue, log, home: o.home, isPaused: () => paused });
  timers.push(...detection.timers);
  const webshell = startWebshell(link, queue, o.home, log);
  const baseline = startBaseline(link, log, o.home, o.self);
  startVulnFix();
  startReboot();
  startTraces();
  const bruteForce = startBruteForce({ link, queue, log, home: o.home, isPaused: () => paused, serverUrl: cred.server });
  writeStatus();

  const agent: RunningAgent = {
    credentials: cred,
    queue,
    link,
    isPaused: () => paused,
    async shutdown(signal) {
      const before = queue.pending;
      selfProtect.onSignal(signal);
      // A report just queued: give the link a moment to deliver it (else the next run sends it).
      for (let i = 0; i < 20 && queue.pending > before && link.state.connected; i++) await new Promise((r) => setTimeout(r, 50));
      agent.stop();
    },
    stop() {
      selfProtect.markStopped('stopped');
      selfProtect.stop();
      for (const t of timers) clearInterval(t);
      inboxWatch?.close();
      if (inboxDue) clearTimeout(inboxDue);
      detection.stop();
      budget.stop();
      inventory.stop();
      webshell.stop();
      baseline.stop();
      stopCollections();
      void bruteForce.stop();
      link.stop();
      writeStatus(true);
    },
  };
  return agent;
}

/** `vigil agent emit`: hands an event to the running agent through its inbox (atomic file drop). */
export function emitToInbox(home: string, kind: string, data: unknown): string {
  const dir = paths(home).inbox;
  if (!existsSync(home)) throw new Error(`no agent home at ${home}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, JSON.stringify({ kind, data, time: Date.now() }), { mode: 0o600 });
  writeFileAtomic(join(dir, name), readFileSync(tmp, 'utf8'));
  rmSync(tmp, { force: true });
  return name;
}
