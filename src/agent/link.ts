import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { Backoff } from './backoff.js';
import { dial, type DialOptions } from './dial.js';
import type { EventQueue } from './event-queue.js';
import type { Credentials } from './home.js';
import { LINK_HEADERS, LINK_PROTOCOL_VERSION, MAX_MESSAGE_BYTES, linkSignature, parseFrame, type HostFacts, type LinkConfig, type UpMessage } from './protocol.js';

export interface LinkState {
  connected: boolean;
  lastConnectedAt: number | null;
  lastHeartbeatAckAt: number | null;
  lastError: string | null;
  reconnects: number;
}

export interface LinkOptions {
  cred: Credentials;
  dial: DialOptions;
  queue: EventQueue;
  facts: () => HostFacts;
  agentVersion: string;
  /** Heartbeat until the server's config says otherwise. */
  heartbeatSec: number;
  maxBackoffMs: number;
  onTask: (task: { id: string; kind: string; params: unknown }) => void;
  onConfig: (config: LinkConfig) => void;
  log: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * The agent side of the link: one WebSocket, reconnecting with jittered backoff; sends hello,
 * heartbeats and queued events (one batch in flight, next after the ack) and receives tasks/config.
 */
export class AgentLink {
  readonly state: LinkState = { connected: false, lastConnectedAt: null, lastHeartbeatAckAt: null, lastError: null, reconnects: 0 };
  private ws: WebSocket | null = null;
  private stopped = false;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatSec: number;
  private lastHeard = 0;
  private inFlight: string | null = null;
  private ready = false;
  private helloId = '';

  constructor(private readonly o: LinkOptions) {
    this.backoff = new Backoff(1_000, o.maxBackoffMs);
    this.heartbeatSec = o.heartbeatSec;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.ws?.close(1000, 'agent stopping');
    this.ws = null;
  }

  setHeartbeat(sec: number): void {
    if (sec === this.heartbeatSec) return;
    this.heartbeatSec = sec;
    if (this.ready) this.startHeartbeat();
  }

  /** Sends a message if the link is up (events go through the queue instead). */
  send(msg: UpMessage): boolean {
    if (!this.ready || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Called when new events were queued. */
  flush(): void {
    if (!this.ready || this.inFlight) return;
    const events = this.o.queue.batch();
    if (events.length === 0) return;
    const id = randomUUID();
    this.inFlight = id;
    if (!this.send({ type: 'events', id, events })) this.inFlight = null;
  }

  private wsUrl(): string {
    const u = new URL(this.o.cred.server);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.pathname = '/agent/ws';
    u.search = '';
    return u.toString();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const url = this.wsUrl();
    let socket;
    try {
      socket = await dial(new URL(url), this.o.dial);
    } catch (err) {
      return this.retry(`cannot reach ${this.o.cred.server}: ${(err as Error).message}`);
    }
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const timestamp = String(Date.now());
    const nonce = randomBytes(18).toString('base64url');
    const ws = new WebSocket(url, {
      createConnection: () => socket,
      headers: {
        [LINK_HEADERS.agentId]: this.o.cred.agentId,
        [LINK_HEADERS.timestamp]: timestamp,
        [LINK_HEADERS.nonce]: nonce,
        [LINK_HEADERS.signature]: linkSignature(this.o.cred.agentSecret, this.o.cred.agentId, timestamp, nonce),
      },
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    });
    this.ws = ws;
    let rejected: string | null = null;
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
      res.on('end', () => {
        let reason = `HTTP ${res.statusCode}`;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Code?: string; Message?: string };
          reason = `${body.Code ?? reason}: ${body.Message ?? ''}`;
        } catch {
          // not JSON: keep the status line
        }
        rejected = reason;
        ws.terminate();
      });
    });
    ws.on('open', () => {
      this.lastHeard = Date.now();
      this.helloId = randomUUID();
      ws.send(
        JSON.stringify({
          type: 'hello',
          id: this.helloId,
          agentVersion: this.o.agentVersion,
          protocol: LINK_PROTOCOL_VERSION,
          hostFacts: this.o.facts(),
          queue: { pending: this.o.queue.pending, dropped: this.o.queue.dropped },
        } satisfies UpMessage),
      );
    });
    ws.on('message', (data) => {
      this.lastHeard = Date.now();
      const raw = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      try {
        this.onMessage(raw);
      } catch (err) {
        // A local failure (disk full, …) must not kill the agent: drop the link and start over.
        this.o.log('error', `handling a server message failed: ${(err as Error).message}`);
        ws.terminate();
      }
    });
    ws.on('error', (err) => {
      this.state.lastError = err.message;
    });
    ws.on('close', (code, reason) => {
      const wasReady = this.ready;
      this.ready = false;
      this.inFlight = null;
      this.state.connected = false;
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      if (rejected) {
        this.state.lastError = `server refused the link: ${rejected}`;
        this.o.log('error', this.state.lastError);
        // A rejected credential will not fix itself quickly: wait the longest backoff.
        this.scheduleRetry(/Credential|NotExist/.test(rejected) ? this.backoff.max() : this.backoff.next());
        return;
      }
      this.retry(`link closed (${code}${reason.length ? ` ${reason.toString()}` : ''})${wasReady ? '' : ' before hello'}`);
    });
  }

  private retry(why: string): void {
    this.state.lastError = why;
    this.o.log('warn', why);
    this.scheduleRetry(this.backoff.next());
  }

  private scheduleRetry(ms: number): void {
    if (this.stopped) return;
    this.state.reconnects++;
    this.o.log('info', `reconnecting in ${ms} ms`);
    this.retryTimer = setTimeout(() => void this.connect(), ms);
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const every = this.heartbeatSec * 1000;
    this.heartbeatTimer = setInterval(() => {
      // Nothing heard for 3 heartbeats: the path is dead even if TCP has not noticed.
      if (Date.now() - this.lastHeard > 3 * every + 5_000) {
        this.o.log('warn', 'server silent for 3 heartbeats; reconnecting');
        this.ws?.terminate();
        return;
      }
      this.send({ type: 'heartbeat', id: randomUUID(), time: Date.now(), queue: { pending: this.o.queue.pending, dropped: this.o.queue.dropped }, rssBytes: process.memoryUsage.rss() });
    }, every);
  }

  private onMessage(raw: string): void {
    const m = parseFrame(raw);
    if (!m) return;
    switch (m.type) {
      case 'ack': {
        if (m.id === this.helloId && !this.ready) {
          this.ready = true;
          this.state.connected = true;
          this.state.lastConnectedAt = Date.now();
          this.state.lastError = null;
          this.backoff.reset();
          if (typeof m.lastEventSeq === 'number') this.o.queue.ack(m.lastEventSeq);
          this.o.log('info', `connected to ${this.o.cred.server} as ${this.o.cred.agentId}`);
          this.startHeartbeat();
          this.flush();
          return;
        }
        this.state.lastHeartbeatAckAt = Date.now();
        if (m.id === this.inFlight) {
          this.inFlight = null;
          if (typeof m.upTo === 'number') this.o.queue.ack(m.upTo);
          this.flush();
        }
        return;
      }
      case 'task':
        if (typeof m.kind !== 'string') return;
        this.ws?.send(JSON.stringify({ type: 'ack', id: m.id }));
        this.o.onTask({ id: m.id, kind: m.kind, params: m.params });
        return;
      case 'config': {
        const c = m.config as Partial<LinkConfig> | undefined;
        if (c && typeof c.heartbeatSec === 'number' && c.heartbeatSec >= 1) {
          this.o.onConfig({ version: Number(c.version) || 0, heartbeatSec: c.heartbeatSec, paused: c.paused === true });
          this.ws?.send(JSON.stringify({ type: 'ack', id: m.id }));
        }
        return;
      }
      case 'error':
        this.o.log('warn', `server error: ${String(m.code)} ${String(m.message)}`);
        return;
      default:
        return;
    }
  }
}
