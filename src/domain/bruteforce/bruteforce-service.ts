import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { IpAllowlist, parseIp } from '../../engines/bruteforce/ip.js';
import { parseClock } from '../../engines/login/abnormal-login.js';
import { VigilError } from '../errors.js';
import { IdSequence } from '../alerts/alert-store.js';
import {
  BRUTEFORCE_CONFIG_TASK,
  BRUTEFORCE_UNBLOCK_TASK,
  type AgentAuthService,
  type AgentBruteForceConfig,
  type BlockEventData,
  type UnblockEventData,
} from './bruteforce-types.js';

interface BfRulesTable {
  id: number;
  account_id: string;
  name: string;
  fail_count: number;
  span_seconds: number;
  forbidden_seconds: number;
  default_rule: number;
  protocols: string;
  source_ip: string;
  uuid_list: string;
  created_at: number;
  updated_at: number;
}
interface BfBlocksTable {
  id: number;
  account_id: string;
  agent_id: string;
  ip: string;
  rule_id: string;
  rule_name: string;
  failures: number;
  reason: string;
  status: number;
  backend: string;
  error: string;
  blocked_at: number;
  expires_at: number;
  updated_at: number;
}
interface LoginBaseConfigsTable {
  id: number;
  account_id: string;
  type: string;
  config_key: string;
  config: string;
  uuid_list: string;
  created_at: number;
}
type Db = Kysely<Database & { bf_rules: BfRulesTable; bf_blocks: BfBlocksTable; login_base_configs: LoginBaseConfigsTable }>;

/** Sas ProtocolType: which protocols a rule intercepts; Vigil maps them to log services. */
export interface RuleProtocols {
  Ssh: 'on' | 'off';
  Rdp: 'on' | 'off';
  SqlServer: 'on' | 'off';
}

export interface RuleInput {
  name: string;
  failCount: number;
  spanSeconds: number;
  forbiddenSeconds: number;
  defaultRule: boolean;
  protocols: RuleProtocols;
  sourceIps: string[];
  uuids: string[];
}

export interface RuleView extends RuleInput {
  id: number;
  createdAt: number;
}

export interface BlockView {
  id: number;
  uuid: string;
  ip: string;
  ruleId: string;
  ruleName: string;
  failures: number;
  reason: string;
  /** 1 blocking, 0 lifted (expired, unblocked), 2 the block failed on the host. */
  status: number;
  backend: string;
  error: string;
  blockedAt: number;
  expiresAt: number;
  instanceName: string;
  intranetIp: string;
}

export const LOGIN_TYPES = ['login_common_ip', 'login_common_time', 'login_common_account', 'login_common_location'] as const;
export type LoginType = (typeof LOGIN_TYPES)[number];

export interface LoginConfigView {
  id: number;
  type: LoginType;
  ip?: string;
  startTime?: string;
  endTime?: string;
  account?: string;
  location?: string;
  uuids: string[];
  createdAt: number;
}

/** The longest block a host firewall entry keeps (Sas "permanent" 52560000 min is capped here). */
export const MAX_BLOCK_SECONDS = 365 * 86_400;

interface Hub {
  enqueueTask(accountId: string, agentId: string, kind: string, params: unknown, ttlMs?: number): Promise<string>;
  sendTask(accountId: string, agentId: string, kind: string, params: unknown, opts?: { timeoutMs?: number }): Promise<unknown>;
  isConnected(agentId: string): boolean;
  registry: { list(accountId: string): Promise<{ agentId: string }[]> };
}

type Log = { warn(o: object, m: string): void };

const json = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** Log services a rule counts; undefined = all (every protocol on, the default). */
export function servicesOf(p: RuleProtocols): AgentAuthService[] | undefined {
  if (p.Ssh === 'on' && p.Rdp === 'on' && p.SqlServer === 'on') return undefined;
  // SSH → sshd; SqlServer → database logins (MySQL/MariaDB logs on Linux); RDP has no Linux log.
  const s: AgentAuthService[] = [];
  if (p.Ssh === 'on') s.push('sshd');
  if (p.SqlServer === 'on') s.push('mysql');
  return s;
}

/**
 * Anti-brute-force rules and login base configs (account-scoped, stored here, pushed to agents as
 * `bruteforce.config` tasks), and the blocks agents report (DescribeBruteForceRecords).
 */
export class BruteForceService {
  private readonly db: Db;
  private readonly ids = new IdSequence();

  constructor(
    db: Kysely<Database>,
    private readonly hub: Hub,
    private readonly log: Log,
  ) {
    this.db = db.withTables<{ bf_rules: BfRulesTable; bf_blocks: BfBlocksTable; login_base_configs: LoginBaseConfigsTable }>();
  }

  static validateRule(r: RuleInput): void {
    const bad = (m: string): never => {
      throw new VigilError('InvalidParameter', m, 400);
    };
    if (!r.name.trim() || r.name.length > 128) bad('Name must be 1..128 characters.');
    if (!Number.isSafeInteger(r.failCount) || r.failCount < 1 || r.failCount > 10_000) bad('FailCount must be 1..10000.');
    if (!Number.isSafeInteger(r.spanSeconds) || r.spanSeconds < 1 || r.spanSeconds > 7 * 86_400) bad('Span must be at most 7 days.');
    if (!Number.isSafeInteger(r.forbiddenSeconds) || r.forbiddenSeconds < 1) bad('ForbiddenTime must be positive.');
    const invalid = new IpAllowlist(r.sourceIps).invalid;
    if (invalid.length > 0) bad(`SourceIp: not IPs/CIDRs: ${invalid.slice(0, 5).join(', ')}.`);
    if (r.uuids.length > 10_000) bad('UuidList is limited to 10000 hosts.');
  }

  private async knownUuids(accountId: string, uuids: string[]): Promise<void> {
    if (uuids.length === 0) return;
    const known = new Set((await this.hub.registry.list(accountId)).map((a) => a.agentId));
    const missing = uuids.filter((u) => !known.has(u));
    if (missing.length > 0) throw new VigilError('InvalidUuid', `Unknown agent uuid(s): ${missing.slice(0, 5).join(', ')}.`, 404);
  }

  async createRule(accountId: string, r: RuleInput, now = Date.now()): Promise<number> {
    BruteForceService.validateRule(r);
    await this.knownUuids(accountId, r.uuids);
    const id = await this.ids.lock(async () => {
      const m = await this.db.selectFrom('bf_rules').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
      const next = Number(m?.m ?? 0) + 1;
      await this.db
        .insertInto('bf_rules')
        .values({
          id: next,
          account_id: accountId,
          name: r.name,
          fail_count: r.failCount,
          span_seconds: r.spanSeconds,
          forbidden_seconds: r.forbiddenSeconds,
          default_rule: r.defaultRule ? 1 : 0,
          protocols: JSON.stringify(r.protocols),
          source_ip: r.sourceIps.join(','),
          uuid_list: JSON.stringify(r.uuids),
          created_at: now,
          updated_at: now,
        })
        .execute();
      return next;
    });
    if (r.defaultRule) await this.db.updateTable('bf_rules').set({ default_rule: 0 }).where('account_id', '=', accountId).where('id', '!=', id).execute();
    // A host belongs to one rule: taking hosts into this rule removes them from the others.
    if (r.uuids.length > 0) await this.detachHosts(accountId, id, r.uuids);
    await this.pushAll(accountId);
    return id;
  }

  private async detachHosts(accountId: string, keepId: number, uuids: string[]): Promise<void> {
    const take = new Set(uuids);
    for (const row of await this.db.selectFrom('bf_rules').select(['id', 'uuid_list']).where('account_id', '=', accountId).where('id', '!=', keepId).execute()) {
      const list = json<string[]>(row.uuid_list, []);
      const kept = list.filter((u) => !take.has(u));
      if (kept.length !== list.length) await this.db.updateTable('bf_rules').set({ uuid_list: JSON.stringify(kept) }).where('id', '=', row.id).execute();
    }
  }

  async getRule(accountId: string, id: number): Promise<RuleView> {
    const r = await this.db.selectFrom('bf_rules').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!r) throw new VigilError('DataNotExists', `Anti-brute-force rule ${id} does not exist.`, 404);
    return this.ruleView(r);
  }

  private ruleView(r: BfRulesTable): RuleView {
    return {
      id: Number(r.id),
      name: r.name,
      failCount: r.fail_count,
      spanSeconds: r.span_seconds,
      forbiddenSeconds: r.forbidden_seconds,
      defaultRule: r.default_rule === 1,
      protocols: json<RuleProtocols>(r.protocols, { Ssh: 'on', Rdp: 'on', SqlServer: 'on' }),
      sourceIps: r.source_ip ? r.source_ip.split(',') : [],
      uuids: json<string[]>(r.uuid_list, []),
      createdAt: Number(r.created_at),
    };
  }

  async modifyRule(accountId: string, id: number, patch: Partial<RuleInput>, now = Date.now()): Promise<void> {
    const next = { ...(await this.getRule(accountId, id)), ...patch };
    BruteForceService.validateRule(next);
    if (patch.uuids) await this.knownUuids(accountId, patch.uuids);
    await this.db
      .updateTable('bf_rules')
      .set({
        name: next.name,
        fail_count: next.failCount,
        span_seconds: next.spanSeconds,
        forbidden_seconds: next.forbiddenSeconds,
        default_rule: next.defaultRule ? 1 : 0,
        protocols: JSON.stringify(next.protocols),
        source_ip: next.sourceIps.join(','),
        uuid_list: JSON.stringify(next.uuids),
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    if (patch.defaultRule) await this.db.updateTable('bf_rules').set({ default_rule: 0 }).where('account_id', '=', accountId).where('id', '!=', id).execute();
    if (patch.uuids?.length) await this.detachHosts(accountId, id, patch.uuids);
    await this.pushAll(accountId);
  }

  async deleteRules(accountId: string, ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.deleteFrom('bf_rules').where('account_id', '=', accountId).where('id', 'in', ids).executeTakeFirst();
    await this.pushAll(accountId);
    return Number(r.numDeletedRows);
  }

  async listRules(accountId: string, f: { id?: number; name?: string; offset: number; limit: number }): Promise<{ items: RuleView[]; total: number }> {
    let q = this.db.selectFrom('bf_rules').where('account_id', '=', accountId);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.name) q = q.where('name', 'like', `%${f.name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q.selectAll().orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
    return { items: rows.map((r) => this.ruleView(r)), total: Number(total?.n ?? 0) };
  }

  // ---- login base configs ------------------------------------------------------------------

  /** Parses Sas Config JSON for a Type into the stored key and normalised fields. */
  static parseLoginConfig(type: LoginType, config: string): { key: string; fields: Record<string, string> } {
    const o = json<Record<string, unknown>>(config, {});
    const bad = (m: string): never => {
      throw new VigilError('InvalidParameter', `Config: ${m}`, 400);
    };
    if (typeof o !== 'object' || o === null) bad('must be a JSON object.');
    const s = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string).trim() : '');
    switch (type) {
      case 'login_common_ip': {
        const ip = s('ip');
        if (!ip || new IpAllowlist([ip]).invalid.length > 0) bad('{"ip": "<IP or CIDR>"} is required for login_common_ip.');
        return { key: parseIp(ip)?.text ?? ip, fields: { ip } };
      }
      case 'login_common_time': {
        const startTime = s('startTime');
        const endTime = s('endTime');
        if (parseClock(startTime) === null || parseClock(endTime) === null) bad('{"startTime": "HH:MM:SS", "endTime": "HH:MM:SS"} is required for login_common_time.');
        return { key: `${startTime}-${endTime}`, fields: { startTime, endTime } };
      }
      case 'login_common_account': {
        const account = s('account');
        if (!account || account.length > 128) bad('{"account": "<name>"} is required for login_common_account.');
        return { key: account, fields: { account } };
      }
      default: {
        const location = s('location');
        if (!location || location.length > 128) bad('{"location": "<place>"} is required for login_common_location.');
        return { key: location, fields: { location } };
      }
    }
  }

  /** ModifyLoginBaseConfig: adds the config (or changes its hosts by Target add/del entries). */
  async modifyLoginConfig(accountId: string, type: LoginType, config: string, targets: { uuid: string; flag: 'add' | 'del' }[], now = Date.now()): Promise<number> {
    const { key, fields } = BruteForceService.parseLoginConfig(type, config);
    await this.knownUuids(accountId, targets.filter((t) => t.flag === 'add').map((t) => t.uuid));
    const id = await this.ids.lock(async () => {
      const row = await this.db.selectFrom('login_base_configs').selectAll().where('account_id', '=', accountId).where('type', '=', type).where('config_key', '=', key).executeTakeFirst();
      const uuids = new Set(row ? json<string[]>(row.uuid_list, []) : []);
      for (const t of targets) {
        if (t.flag === 'add') uuids.add(t.uuid);
        else uuids.delete(t.uuid);
      }
      if (row) {
        await this.db.updateTable('login_base_configs').set({ uuid_list: JSON.stringify([...uuids]), config: JSON.stringify(fields) }).where('id', '=', row.id).execute();
        return Number(row.id);
      }
      const m = await this.db.selectFrom('login_base_configs').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
      const next = Number(m?.m ?? 0) + 1;
      await this.db
        .insertInto('login_base_configs')
        .values({ id: next, account_id: accountId, type, config_key: key, config: JSON.stringify(fields), uuid_list: JSON.stringify([...uuids]), created_at: now })
        .execute();
      return next;
    });
    await this.pushAll(accountId);
    return id;
  }

  /** DeleteLoginBaseConfig: with Target, only that host leaves the config; without, the config goes. */
  async deleteLoginConfig(accountId: string, type: LoginType, config: string, target?: string): Promise<void> {
    const { key } = BruteForceService.parseLoginConfig(type, config);
    const row = await this.db.selectFrom('login_base_configs').selectAll().where('account_id', '=', accountId).where('type', '=', type).where('config_key', '=', key).executeTakeFirst();
    if (!row) throw new VigilError('DataNotExists', `No ${type} config ${key}.`, 404);
    const rest = json<string[]>(row.uuid_list, []).filter((u) => u !== target);
    if (target && rest.length > 0) await this.db.updateTable('login_base_configs').set({ uuid_list: JSON.stringify(rest) }).where('id', '=', row.id).execute();
    else await this.db.deleteFrom('login_base_configs').where('id', '=', row.id).execute();
    await this.pushAll(accountId);
  }

  async listLoginConfigs(accountId: string, f: { type: LoginType; target?: string; offset: number; limit: number }): Promise<{ items: LoginConfigView[]; total: number }> {
    const rows = await this.db.selectFrom('login_base_configs').selectAll().where('account_id', '=', accountId).where('type', '=', f.type).orderBy('id').execute();
    const all = rows
      .map((r): LoginConfigView => ({ id: Number(r.id), type: r.type as LoginType, ...json<Record<string, string>>(r.config, {}), uuids: json<string[]>(r.uuid_list, []), createdAt: Number(r.created_at) }))
      .filter((v) => !f.target || v.uuids.includes(f.target));
    return { items: all.slice(f.offset, f.offset + f.limit), total: all.length };
  }

  // ---- per-agent config and pushing --------------------------------------------------------

  /** The rules and login settings that apply to one host: its rule, else the default rule. */
  async agentConfig(accountId: string, agentId: string, now = Date.now()): Promise<AgentBruteForceConfig> {
    const rules = (await this.db.selectFrom('bf_rules').selectAll().where('account_id', '=', accountId).orderBy('id').execute()).map((r) => this.ruleView(r));
    const own = rules.filter((r) => r.uuids.includes(agentId));
    const apply = own.length > 0 ? own : rules.filter((r) => r.defaultRule);
    const logins = await this.db.selectFrom('login_base_configs').selectAll().where('account_id', '=', accountId).execute();
    const mine = logins.filter((l) => json<string[]>(l.uuid_list, []).includes(agentId)).map((l) => ({ type: l.type, f: json<Record<string, string>>(l.config, {}) }));
    return {
      version: now,
      rules: apply.map((r) => {
        const services = servicesOf(r.protocols);
        return {
          id: String(r.id),
          name: r.name,
          failures: r.failCount,
          windowSeconds: r.spanSeconds,
          blockSeconds: Math.min(r.forbiddenSeconds, MAX_BLOCK_SECONDS),
          ...(services ? { services } : {}),
          ...(r.sourceIps.length ? { allowlist: r.sourceIps } : {}),
        };
      }),
      login: {
        commonIps: mine.filter((m) => m.type === 'login_common_ip').map((m) => m.f.ip ?? '').filter(Boolean),
        commonTimes: mine.filter((m) => m.type === 'login_common_time').map((m) => ({ start: m.f.startTime ?? '', end: m.f.endTime ?? '' })),
        commonAccounts: mine.filter((m) => m.type === 'login_common_account').map((m) => m.f.account ?? '').filter(Boolean),
      },
    };
  }

  /** Sends a host its config (queued for an hour when it is offline). */
  async pushTo(accountId: string, agentId: string): Promise<void> {
    const cfg = await this.agentConfig(accountId, agentId);
    await this.hub.enqueueTask(accountId, agentId, BRUTEFORCE_CONFIG_TASK, cfg, 3_600_000);
  }

  async pushAll(accountId: string): Promise<void> {
    for (const a of await this.hub.registry.list(accountId)) {
      if (!this.hub.isConnected(a.agentId)) continue; // offline hosts get theirs when they come online
      await this.pushTo(accountId, a.agentId).catch((err: unknown) => this.log.warn({ err, agentId: a.agentId }, 'brute-force config push failed'));
    }
  }

  // ---- blocks reported by agents -----------------------------------------------------------

  async recordBlock(accountId: string, agentId: string, e: BlockEventData, now = Date.now()): Promise<void> {
    const reason = `${e.failures} failed logins (${e.services.join(',')}) in ${e.windowSeconds} s; users ${e.users.join(',') || '-'}`;
    await this.ids.lock(async () => {
      const row = await this.db.selectFrom('bf_blocks').select('id').where('account_id', '=', accountId).where('agent_id', '=', agentId).where('ip', '=', e.ip).executeTakeFirst();
      const values = {
        rule_id: e.ruleId,
        rule_name: e.ruleName,
        failures: e.failures,
        reason: reason.slice(0, 2048),
        status: e.error ? 2 : 1,
        backend: e.backend,
        error: e.error ?? '',
        blocked_at: now,
        expires_at: e.expiresAtMs,
        updated_at: now,
      };
      if (row) {
        await this.db.updateTable('bf_blocks').set(values).where('id', '=', row.id).execute();
        return;
      }
      const m = await this.db.selectFrom('bf_blocks').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
      await this.db.insertInto('bf_blocks').values({ id: Number(m?.m ?? 0) + 1, account_id: accountId, agent_id: agentId, ip: e.ip, ...values }).execute();
    });
  }

  async recordUnblock(accountId: string, agentId: string, e: UnblockEventData, now = Date.now()): Promise<void> {
    await this.db.updateTable('bf_blocks').set({ status: 0, updated_at: now }).where('account_id', '=', accountId).where('agent_id', '=', agentId).where('ip', '=', e.ip).where('status', '=', 1).execute();
  }

  async listBlocks(accountId: string, f: { ip?: string; uuid?: string; status?: number; offset: number; limit: number }, now = Date.now()): Promise<{ items: BlockView[]; total: number }> {
    let q = this.db.selectFrom('bf_blocks').where('bf_blocks.account_id', '=', accountId);
    if (f.ip) q = q.where('bf_blocks.ip', '=', f.ip);
    if (f.uuid) q = q.where('bf_blocks.agent_id', '=', f.uuid);
    // A block past its time is lifted even when the agent has not reported it yet (offline host).
    if (f.status === 1) q = q.where('bf_blocks.status', '=', 1).where('bf_blocks.expires_at', '>', now);
    else if (f.status === 0) q = q.where((eb) => eb.or([eb('bf_blocks.status', '=', 0), eb.and([eb('bf_blocks.status', '=', 1), eb('bf_blocks.expires_at', '<=', now)])]));
    else if (f.status !== undefined) q = q.where('bf_blocks.status', '=', f.status);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q
      .leftJoin('asset_instances as ai', (j) => j.onRef('ai.account_id', '=', 'bf_blocks.account_id').onRef('ai.uuid', '=', 'bf_blocks.agent_id'))
      .selectAll('bf_blocks')
      .select(['ai.instance_name', 'ai.intranet_ip'])
      .orderBy('bf_blocks.updated_at', 'desc')
      .orderBy('bf_blocks.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute();
    return {
      total: Number(total?.n ?? 0),
      items: rows.map((r) => ({
        id: Number(r.id),
        uuid: r.agent_id,
        ip: r.ip,
        ruleId: r.rule_id,
        ruleName: r.rule_name,
        failures: r.failures,
        reason: r.reason,
        status: r.status === 1 && Number(r.expires_at) <= now ? 0 : r.status,
        backend: r.backend,
        error: r.error,
        blockedAt: Number(r.blocked_at),
        expiresAt: Number(r.expires_at),
        instanceName: r.instance_name ?? '',
        intranetIp: r.intranet_ip ?? '',
      })),
    };
  }

  /** DisableBruteForceRecord: the host lifts the block now (a task with its result). */
  async unblock(accountId: string, uuid: string, ip: string, now = Date.now()): Promise<void> {
    const row = await this.db.selectFrom('bf_blocks').select(['id']).where('account_id', '=', accountId).where('agent_id', '=', uuid).where('ip', '=', ip).executeTakeFirst();
    if (!row) throw new VigilError('DataNotExists', `No brute-force block of ${ip.slice(0, 64)} on host ${uuid.slice(0, 64)}.`, 404);
    await this.hub.sendTask(accountId, uuid, BRUTEFORCE_UNBLOCK_TASK, { ip }, { timeoutMs: 30_000 });
    await this.db.updateTable('bf_blocks').set({ status: 0, updated_at: now }).where('id', '=', row.id).execute();
  }
}
