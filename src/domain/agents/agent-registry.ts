import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { randomToken, safeEqual, type SecretBox } from '../../iam/crypto.js';
import { linkSignature, UUID_RE, type HostFacts } from '../../agent/protocol.js';
import { VigilError } from '../errors.js';
import type { UsableCode } from './install-code-service.js';

export interface LinkSettings {
  /** Interval the agents are told to send heartbeats at. */
  heartbeatSec: number;
  /** No heartbeat for this long → offline (default 3 × heartbeat). */
  offlineWindowSec: number;
}

export const DEFAULT_LINK_SETTINGS: LinkSettings = { heartbeatSec: 60, offlineWindowSec: 180 };
const SETTINGS_KEY = 'agent.link';

export interface AgentStatusView {
  agentId: string;
  accountId: string;
  hostname: string;
  status: 'online' | 'offline';
  paused: boolean;
  connected: boolean;
  lastHeartbeatAt: number | null;
  lastEventSeq: number;
  droppedEvents: number;
  os: string | null;
  ips: string[];
  agentVersion: string | null;
  groupId: number | null;
  vendorName: string | null;
}

export type LinkAuthResult = { ok: true; agentId: string; accountId: string; paused: boolean; lastEventSeq: number } | { ok: false; code: string; message: string };

function clip(s: unknown, max: number): string {
  return typeof s === 'string' ? s.slice(0, max) : '';
}

/** Sanitises what an installing host says about itself (hostile input: bounded, typed). */
export function cleanHostFacts(raw: unknown): HostFacts {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const ips = Array.isArray(o.ips) ? o.ips.filter((x): x is string => typeof x === 'string' && x.length <= 64).slice(0, 64) : [];
  const machineId = clip(o.machineId, 64);
  return {
    hostname: clip(o.hostname, 255) || 'unknown',
    os: clip(o.os, 255),
    kernel: clip(o.kernel, 255),
    arch: clip(o.arch, 64),
    ips,
    ...(machineId ? { machineId } : {}),
  };
}

/** Agent identities, credentials and status in the store. */
export class AgentRegistry {
  private readonly settingsCache = new Map<string, { at: number; s: LinkSettings }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  /**
   * Creates the host's own credential. A host that enrolls again with the same machine-id and
   * hostname keeps its uuid (a reinstall) and gets a fresh secret; the old one stops working.
   */
  async enroll(code: UsableCode, facts: HostFacts, sourceIp: string, now = Date.now()): Promise<{ agentId: string; agentSecret: string }> {
    const agentSecret = randomToken(32);
    const sealed = this.box.seal(agentSecret);
    const common = {
      hostname: facts.hostname,
      os: facts.os,
      kernel: facts.kernel,
      arch: facts.arch,
      ips_json: JSON.stringify(facts.ips),
      secret_enc: sealed,
      group_id: code.groupId,
      vendor_name: code.vendorName,
      install_code: code.code,
      last_ip: sourceIp,
    };
    if (facts.machineId) {
      const prior = await this.db
        .selectFrom('agents')
        .select('id')
        .where('account_id', '=', code.accountId)
        .where('machine_id', '=', facts.machineId)
        .where('hostname', '=', facts.hostname)
        .executeTakeFirst();
      if (prior) {
        await this.db.updateTable('agents').set({ ...common, last_event_seq: 0 }).where('id', '=', prior.id).execute();
        return { agentId: prior.id, agentSecret };
      }
    }
    const agentId = randomUUID();
    await this.db
      .insertInto('agents')
      .values({
        id: agentId,
        account_id: code.accountId,
        status: 'offline',
        paused: 0,
        last_heartbeat_at: null,
        created_at: now,
        machine_id: facts.machineId ?? null,
        agent_version: null,
        last_event_seq: 0,
        dropped_events: 0,
        connected: 0,
        ...common,
      })
      .execute();
    return { agentId, agentSecret };
  }

  /** Checks the WebSocket upgrade headers: known agent, HMAC over id+timestamp+nonce, time window. */
  async verifyLink(agentId: string, timestamp: string, nonce: string, signature: string, now: number, windowSec: number): Promise<LinkAuthResult> {
    if (!UUID_RE.test(agentId)) return { ok: false, code: 'AgentIdInvalid', message: 'The agent id is not a uuid.' };
    if (!/^\d{10,16}$/.test(timestamp)) return { ok: false, code: 'TimestampInvalid', message: 'The timestamp must be epoch milliseconds.' };
    const skew = Math.abs(now - Number(timestamp));
    if (skew > windowSec * 1000) {
      return { ok: false, code: 'ClockSkew', message: `The agent's clock differs from the server's by ${Math.round(skew / 1000)} s (allowed ${windowSec} s); fix the time (NTP) on the host.` };
    }
    if (!/^[A-Za-z0-9_-]{16,128}$/.test(nonce)) return { ok: false, code: 'NonceInvalid', message: 'The nonce is malformed.' };
    const row = await this.db.selectFrom('agents').select(['id', 'account_id', 'secret_enc', 'paused', 'last_event_seq']).where('id', '=', agentId).executeTakeFirst();
    if (!row || !row.secret_enc) return { ok: false, code: 'AgentCredentialRejected', message: 'This agent is not enrolled on this server (deleted or re-enrolled); run the install command again.' };
    const expected = linkSignature(this.box.open(row.secret_enc), agentId, timestamp, nonce);
    if (!/^[0-9a-f]{64}$/.test(signature) || !safeEqual(expected, signature)) {
      return { ok: false, code: 'AgentCredentialRejected', message: 'The agent credential was rejected (wrong secret); run the install command again to re-enroll.' };
    }
    return { ok: true, agentId: row.id, accountId: row.account_id, paused: row.paused === 1, lastEventSeq: row.last_event_seq ?? 0 };
  }

  async markHello(agentId: string, facts: HostFacts, agentVersion: string, sourceIp: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({
        hostname: facts.hostname,
        os: facts.os,
        kernel: facts.kernel,
        arch: facts.arch,
        ips_json: JSON.stringify(facts.ips),
        agent_version: agentVersion.slice(0, 64),
        last_ip: sourceIp,
        last_heartbeat_at: now,
        status: 'online',
        connected: 1,
      })
      .where('id', '=', agentId)
      .execute();
  }

  async markHeartbeat(agentId: string, dropped: number, now = Date.now()): Promise<void> {
    await this.db.updateTable('agents').set({ last_heartbeat_at: now, status: 'online', dropped_events: dropped }).where('id', '=', agentId).execute();
  }

  async markDisconnected(agentId: string): Promise<void> {
    await this.db.updateTable('agents').set({ connected: 0 }).where('id', '=', agentId).execute();
  }

  async setLastEventSeq(agentId: string, seq: number): Promise<void> {
    await this.db.updateTable('agents').set({ last_event_seq: seq }).where('id', '=', agentId).execute();
  }

  /** Flips agents whose last heartbeat is older than their account's window to offline; returns their ids. */
  async sweepOffline(now = Date.now()): Promise<string[]> {
    const accounts = await this.db.selectFrom('agents').select('account_id').distinct().where('status', '=', 'online').execute();
    const flipped: string[] = [];
    for (const { account_id } of accounts) {
      const { offlineWindowSec } = await this.linkSettings(account_id);
      const cutoff = now - offlineWindowSec * 1000;
      const stale = await this.db
        .selectFrom('agents')
        .select('id')
        .where('account_id', '=', account_id)
        .where('status', '=', 'online')
        .where((eb) => eb.or([eb('last_heartbeat_at', '<', cutoff), eb('last_heartbeat_at', 'is', null)]))
        .execute();
      if (stale.length === 0) continue;
      const ids = stale.map((r) => r.id);
      await this.db.updateTable('agents').set({ status: 'offline' }).where('id', 'in', ids).execute();
      flipped.push(...ids);
    }
    return flipped;
  }

  /** PauseClient: returns the agents it changed (unknown uuids of the account are an error). */
  async setPaused(accountId: string, agentIds: string[], paused: boolean): Promise<string[]> {
    if (agentIds.length === 0) return [];
    const rows = await this.db.selectFrom('agents').select('id').where('account_id', '=', accountId).where('id', 'in', agentIds).execute();
    const found = new Set(rows.map((r) => r.id));
    const missing = agentIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new VigilError('InvalidUuid', `Unknown agent uuid(s): ${missing.slice(0, 5).join(', ')}.`, 404);
    await this.db.updateTable('agents').set({ paused: paused ? 1 : 0 }).where('account_id', '=', accountId).where('id', 'in', agentIds).execute();
    return agentIds;
  }

  async status(accountId: string, agentId: string): Promise<AgentStatusView | null> {
    const r = await this.db.selectFrom('agents').selectAll().where('account_id', '=', accountId).where('id', '=', agentId).executeTakeFirst();
    return r ? statusView(r) : null;
  }

  async list(accountId: string): Promise<AgentStatusView[]> {
    const rows = await this.db.selectFrom('agents').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
    return rows.map(statusView);
  }

  async linkSettings(accountId: string, now = Date.now()): Promise<LinkSettings> {
    const hit = this.settingsCache.get(accountId);
    if (hit && now - hit.at < 5_000) return hit.s;
    const row = await this.db.selectFrom('settings').select('value_json').where('account_id', '=', accountId).where('key', '=', SETTINGS_KEY).executeTakeFirst();
    let s = DEFAULT_LINK_SETTINGS;
    if (row) {
      const v = JSON.parse(row.value_json) as Partial<LinkSettings>;
      const hb = typeof v.heartbeatSec === 'number' ? v.heartbeatSec : DEFAULT_LINK_SETTINGS.heartbeatSec;
      s = { heartbeatSec: hb, offlineWindowSec: typeof v.offlineWindowSec === 'number' ? v.offlineWindowSec : 3 * hb };
    }
    this.settingsCache.set(accountId, { at: now, s });
    return s;
  }

  async setLinkSettings(accountId: string, s: Partial<LinkSettings>, now = Date.now()): Promise<LinkSettings> {
    const hb = s.heartbeatSec ?? (await this.linkSettings(accountId)).heartbeatSec;
    if (!Number.isInteger(hb) || hb < 1 || hb > 3600) throw new VigilError('InvalidParameter', 'heartbeatSec must be 1…3600.', 400);
    const win = s.offlineWindowSec ?? 3 * hb;
    if (!Number.isInteger(win) || win < hb) throw new VigilError('InvalidParameter', 'offlineWindowSec must be a whole number ≥ heartbeatSec.', 400);
    const next: LinkSettings = { heartbeatSec: hb, offlineWindowSec: win };
    const value_json = JSON.stringify(next);
    const res = await this.db.updateTable('settings').set({ value_json, updated_at: now }).where('account_id', '=', accountId).where('key', '=', SETTINGS_KEY).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) await this.db.insertInto('settings').values({ account_id: accountId, key: SETTINGS_KEY, value_json, updated_at: now }).execute();
    this.settingsCache.set(accountId, { at: now, s: next });
    return next;
  }
}

function statusView(r: Database['agents']): AgentStatusView {
  let ips: string[] = [];
  try {
    ips = r.ips_json ? (JSON.parse(r.ips_json) as string[]) : [];
  } catch {
    ips = [];
  }
  return {
    agentId: r.id,
    accountId: r.account_id,
    hostname: r.hostname,
    status: r.status === 'online' ? 'online' : 'offline',
    paused: r.paused === 1,
    connected: r.connected === 1,
    lastHeartbeatAt: r.last_heartbeat_at,
    lastEventSeq: r.last_event_seq ?? 0,
    droppedEvents: r.dropped_events ?? 0,
    os: r.os,
    ips,
    agentVersion: r.agent_version,
    groupId: r.group_id,
    vendorName: r.vendor_name,
  };
}
