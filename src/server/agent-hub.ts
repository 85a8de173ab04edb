import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { LINK_PROTOCOL_VERSION, isObject, parseFrame, type AgentEvent, type DownMessage, type LinkConfig } from '../agent/protocol.js';
import { AgentRegistry, cleanHostFacts, type LinkSettings } from '../domain/agents/agent-registry.js';
import type { AgentTaskStore } from '../domain/agents/agent-tasks.js';
import { VigilError } from '../domain/errors.js';

export interface AgentSnapshot {
  agentId: string;
  accountId: string;
  kind: string;
  full: boolean;
  data: unknown;
  /** The agent's content hash of a full snapshot, when it sent one. */
  hash?: string;
}

export interface AgentEventBatch {
  agentId: string;
  accountId: string;
  events: AgentEvent[];
}

interface HubEvents {
  snapshot: [AgentSnapshot];
  events: [AgentEventBatch];
  online: [{ agentId: string; accountId: string }];
  offline: [{ agentId: string; accountId: string }];
}

interface Connection {
  ws: WebSocket;
  agentId: string;
  accountId: string;
  sourceIp: string;
  configVersion: number;
  /** Serialises message handling per agent so acks and sequence checks stay in order. */
  chain: Promise<void>;
}

interface Waiter {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface SendTaskOptions {
  /** How long the caller waits for the result (default 60 s). */
  timeoutMs?: number;
  /** How long the task stays deliverable to an offline agent (default = timeoutMs). */
  ttlMs?: number;
}

type Log = { warn(o: object, m: string): void; error(o: object, m: string): void };

/**
 * The server side of the agent link: live WebSockets by agent id, task delivery with results,
 * heartbeats and the offline sweep. Later features use `sendTask`/`enqueueTask` and listen for
 * `snapshot` and `events` (`hub.on('events', …)`).
 */
export class AgentHub extends EventEmitter<HubEvents> {
  private readonly conns = new Map<string, Connection>();
  private readonly waiters = new Map<string, Waiter>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    readonly registry: AgentRegistry,
    readonly tasks: AgentTaskStore,
    private readonly log: Log,
    private readonly sweepEveryMs = 1_000,
  ) {
    super();
  }

  start(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep().catch((err: unknown) => this.log.warn({ err }, 'agent sweep failed')), this.sweepEveryMs);
    this.sweeper.unref();
  }

  /** Closes every link (agents reconnect to whichever server comes back) and fails pending waits. */
  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const c of this.conns.values()) c.ws.terminate();
    this.conns.clear();
    for (const [id, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new VigilError('AgentHubStopped', 'The server is shutting down.', 503));
      this.waiters.delete(id);
    }
  }

  isConnected(agentId: string): boolean {
    return this.conns.has(agentId);
  }

  get connectedCount(): number {
    return this.conns.size;
  }

  /** Queues a task and waits for the agent's result; rejects on timeout or a failed task. */
  async sendTask(accountId: string, agentId: string, kind: string, params: unknown, opts: SendTaskOptions = {}): Promise<unknown> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const taskId = await this.enqueueTask(accountId, agentId, kind, params, opts.ttlMs ?? timeoutMs, false);
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(taskId);
        reject(new VigilError('AgentTaskTimeout', `Agent ${agentId} did not answer task ${kind} within ${timeoutMs} ms.`, 504));
      }, timeoutMs);
      this.waiters.set(taskId, { resolve, reject, timer });
    });
    this.deliver(agentId, { id: taskId, kind, params });
    return result;
  }

  /** Queues a task without waiting (delivered now or on reconnect until ttl); returns its id. */
  async enqueueTask(accountId: string, agentId: string, kind: string, params: unknown, ttlMs = 3_600_000, deliverNow = true): Promise<string> {
    const agent = await this.registry.status(accountId, agentId);
    if (!agent) throw new VigilError('InvalidUuid', `Unknown agent uuid: ${agentId}.`, 404);
    const id = await this.tasks.create(accountId, agentId, kind, params, ttlMs);
    if (deliverNow) this.deliver(agentId, { id, kind, params });
    return id;
  }

  /** PauseClient: store the flag and push the new config to the connected agents. */
  async setPaused(accountId: string, agentIds: string[], paused: boolean): Promise<void> {
    await this.registry.setPaused(accountId, agentIds, paused);
    for (const id of agentIds) {
      const c = this.conns.get(id);
      if (c) await this.pushConfig(c, paused);
    }
  }

  /** Changes heartbeat/offline window for an account and tells its connected agents. */
  async setLinkSettings(accountId: string, s: Partial<LinkSettings>): Promise<LinkSettings> {
    const next = await this.registry.setLinkSettings(accountId, s);
    for (const c of this.conns.values()) {
      if (c.accountId !== accountId) continue;
      const st = await this.registry.status(accountId, c.agentId);
      await this.pushConfig(c, st?.paused ?? false);
    }
    return next;
  }

  /** Takes over an authenticated WebSocket. A second link of the same agent replaces the first. */
  accept(ws: WebSocket, auth: { agentId: string; accountId: string; lastEventSeq: number }, sourceIp: string): void {
    const prior = this.conns.get(auth.agentId);
    if (prior) prior.ws.close(4000, 'replaced by a newer connection');
    const conn: Connection = { ws, agentId: auth.agentId, accountId: auth.accountId, sourceIp, configVersion: 0, chain: Promise.resolve() };
    this.conns.set(auth.agentId, conn);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const raw = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      conn.chain = conn.chain.then(() => this.onMessage(conn, raw)).catch((err: unknown) => this.log.warn({ err, agentId: conn.agentId }, 'agent message failed'));
    });
    ws.on('close', () => {
      if (this.conns.get(auth.agentId) !== conn) return;
      this.conns.delete(auth.agentId);
      void this.registry.markDisconnected(auth.agentId).catch(() => undefined);
    });
    ws.on('error', (err) => this.log.warn({ err, agentId: auth.agentId }, 'agent socket error'));
  }

  private send(c: Connection, msg: DownMessage): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(msg));
  }

  private deliver(agentId: string, task: { id: string; kind: string; params: unknown }): void {
    const c = this.conns.get(agentId);
    if (c) this.send(c, { type: 'task', id: task.id, kind: task.kind, params: task.params });
  }

  private async pushConfig(c: Connection, paused: boolean): Promise<void> {
    const s = await this.registry.linkSettings(c.accountId);
    c.configVersion++;
    const config: LinkConfig = { version: c.configVersion, heartbeatSec: s.heartbeatSec, paused };
    this.send(c, { type: 'config', id: randomUUID(), config });
  }

  private async onMessage(c: Connection, raw: string): Promise<void> {
    const m = parseFrame(raw);
    if (!m) {
      this.send(c, { type: 'error', id: randomUUID(), code: 'BadFrame', message: 'frames are JSON objects with string type and id' });
      return;
    }
    const now = Date.now();
    switch (m.type) {
      case 'hello': {
        const facts = cleanHostFacts(m.hostFacts);
        const version = typeof m.agentVersion === 'string' ? m.agentVersion : 'unknown';
        await this.registry.markHello(c.agentId, facts, version, c.sourceIp, now);
        const st = await this.registry.status(c.accountId, c.agentId);
        this.send(c, { type: 'ack', id: m.id, lastEventSeq: st?.lastEventSeq ?? 0, serverTime: now });
        await this.pushConfig(c, st?.paused ?? false);
        for (const t of await this.tasks.pending(c.agentId, now)) this.send(c, { type: 'task', id: t.id, kind: t.kind, params: t.params });
        this.emit('online', { agentId: c.agentId, accountId: c.accountId });
        if (m.protocol !== LINK_PROTOCOL_VERSION) this.log.warn({ agentId: c.agentId, protocol: m.protocol }, 'agent speaks another protocol version');
        return;
      }
      case 'heartbeat': {
        const q = isObject(m.queue) ? m.queue : {};
        await this.registry.markHeartbeat(c.agentId, typeof q.dropped === 'number' ? q.dropped : 0, now);
        this.send(c, { type: 'ack', id: m.id, serverTime: now });
        return;
      }
      case 'events': {
        const st = await this.registry.status(c.accountId, c.agentId);
        const last = st?.lastEventSeq ?? 0;
        const list = Array.isArray(m.events) ? m.events : [];
        const fresh: AgentEvent[] = [];
        let top = last;
        for (const e of list) {
          if (!isObject(e) || typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || typeof e.kind !== 'string') continue;
          if (e.seq <= top) continue; // already stored: a resend after a lost ack
          fresh.push({ seq: e.seq, kind: e.kind.slice(0, 128), time: typeof e.time === 'number' ? e.time : now, data: e.data });
          top = e.seq;
        }
        if (fresh.length > 0) {
          this.emit('events', { agentId: c.agentId, accountId: c.accountId, events: fresh });
          await this.registry.setLastEventSeq(c.agentId, top);
        }
        this.send(c, { type: 'ack', id: m.id, upTo: top, serverTime: now });
        return;
      }
      case 'snapshot': {
        if (typeof m.kind === 'string') {
          const hash = typeof m.hash === 'string' ? m.hash.slice(0, 64) : undefined;
          this.emit('snapshot', { agentId: c.agentId, accountId: c.accountId, kind: m.kind.slice(0, 64), full: m.full === true, data: m.data, ...(hash ? { hash } : {}) });
        }
        this.send(c, { type: 'ack', id: m.id, serverTime: now });
        return;
      }
      case 'result': {
        const taskId = typeof m.taskId === 'string' ? m.taskId : '';
        const ok = m.ok === true;
        const error = typeof m.error === 'string' ? m.error : undefined;
        await this.tasks.finish(c.agentId, taskId, ok, m.data, error, now);
        this.send(c, { type: 'ack', id: m.id, serverTime: now });
        const w = this.waiters.get(taskId);
        if (w) {
          this.waiters.delete(taskId);
          clearTimeout(w.timer);
          if (ok) w.resolve(m.data);
          else w.reject(new VigilError('AgentTaskFailed', error ?? 'the agent reported a failure', 502));
        }
        return;
      }
      case 'ack':
        await this.tasks.markDelivered(c.agentId, m.id, now);
        return;
      default:
        this.send(c, { type: 'error', id: m.id, code: 'UnknownType', message: `unknown message type ${m.type.slice(0, 32)}` });
    }
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    const flipped = await this.registry.sweepOffline(now);
    for (const id of flipped) {
      const c = this.conns.get(id);
      // A socket that stopped heartbeating is dead weight: close it, the agent will reconnect if alive.
      if (c) c.ws.terminate();
      this.emit('offline', { agentId: id, accountId: c?.accountId ?? '' });
    }
    for (const id of await this.tasks.expire(now)) {
      const w = this.waiters.get(id);
      if (w) {
        this.waiters.delete(id);
        clearTimeout(w.timer);
        w.reject(new VigilError('AgentTaskExpired', `Task ${id} expired before the agent answered.`, 504));
      }
    }
  }
}
