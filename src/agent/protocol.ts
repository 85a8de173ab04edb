import { createHmac } from 'node:crypto';

/**
 * The agent link (DESIGN.md "Agent link protocol"): JSON messages over one WebSocket. Every message
 * carries an `id`; the receiver answers `ack` (events: with the highest sequence it stored).
 * Shared by the agent bundle and the server, so it imports nothing but node:crypto.
 */
export const LINK_PROTOCOL_VERSION = 1;
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Default window (s) for signed timestamps: API calls (as Alibaba Cloud's POP) and agent links. */
export const DEFAULT_TIMESTAMP_WINDOW_SEC = 900;

export const LINK_HEADERS = {
  agentId: 'x-vigil-agent-id',
  timestamp: 'x-vigil-timestamp',
  nonce: 'x-vigil-nonce',
  signature: 'x-vigil-signature',
} as const;

export interface HostFacts {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  ips: string[];
  machineId?: string;
}

export interface AgentEvent {
  /** Per-agent sequence, strictly increasing, survives restarts: the server keeps the highest it stored. */
  seq: number;
  kind: string;
  time: number;
  data: unknown;
}

export interface LinkConfig {
  version: number;
  heartbeatSec: number;
  paused: boolean;
}

export type UpMessage =
  | { type: 'hello'; id: string; agentVersion: string; protocol: number; hostFacts: HostFacts; queue: { pending: number; dropped: number } }
  | { type: 'heartbeat'; id: string; time: number; queue: { pending: number; dropped: number }; rssBytes: number }
  /** `hash`: the sender's content hash of a full snapshot (the base its next delta names). */
  | { type: 'snapshot'; id: string; kind: string; full: boolean; data: unknown; hash?: string }
  | { type: 'events'; id: string; events: AgentEvent[] }
  | { type: 'result'; id: string; taskId: string; ok: boolean; data?: unknown; error?: string }
  | { type: 'ack'; id: string };

export type DownMessage =
  | { type: 'ack'; id: string; upTo?: number; lastEventSeq?: number; serverTime: number }
  | { type: 'task'; id: string; kind: string; params: unknown }
  | { type: 'config'; id: string; config: LinkConfig }
  | { type: 'error'; id: string; code: string; message: string };

/** HMAC-SHA256(agentSecret, agentId \n timestamp \n nonce), hex. */
export function linkSignature(secret: string, agentId: string, timestamp: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${agentId}\n${timestamp}\n${nonce}`).digest('hex');
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one frame; null when it is not a JSON object with a string `type` and `id`. */
export function parseFrame(raw: string): (Record<string, unknown> & { type: string; id: string }) | null {
  if (raw.length > MAX_MESSAGE_BYTES) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(v) || typeof v.type !== 'string' || typeof v.id !== 'string' || v.id.length > 128) return null;
  return v as Record<string, unknown> & { type: string; id: string };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
