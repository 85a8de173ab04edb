import type { AgentHub } from '../../server/agent-hub.js';
import { VigilError } from '../errors.js';
import { higherLevel, IdSequence, nextGlobalId, nextWhitelistId, toView, uniqueInfo, type Db } from './alert-store.js';
import { AlertStatus, parseAlertEvent, RESPONSE_TASK, type AlertFilter, type AlertLevel, type AlertView } from './alert-types.js';
import { ruleMatches, validateRule, WHITELIST_FIELDS, WHITELIST_OPERATES, type WhitelistRule } from './whitelist-match.js';

/** Sas codes, plus `clean_persistence` (Vigil: remove the cron lines, units and keys a miner left, as listed in its alert). */
export type OperationCode = 'kill_process' | 'quara' | 'kill_and_quara' | 'block_ip' | 'clean_persistence' | 'ignore' | 'manual_handled' | 'advance_mark_mis_info';
export const OPERATION_CODES: readonly OperationCode[] = ['kill_process', 'quara', 'kill_and_quara', 'block_ip', 'clean_persistence', 'ignore', 'manual_handled', 'advance_mark_mis_info'];

export interface HandleRequest {
  code: OperationCode;
  alertIds: number[];
  markBatch: boolean;
  /** Raw MarkMissParam JSON (advance_mark_mis_info). */
  markMissParam?: string;
  /** Raw OperationParams JSON (block_ip: {expireTime}). */
  operationParams?: string;
  remark?: string;
}

export interface OperationStatus {
  taskStatus: 'Processing' | 'Success' | 'Failure';
  items: { alertId: number; status: string; errorCode: string }[];
}

export interface QuaraFileView {
  id: number;
  uuid: string;
  alertId: number;
  alertName: string;
  path: string;
  sha256: string;
  status: string;
  message: string;
  createdAt: number;
  instanceName: string;
  ip: string;
}

type Log = { warn(o: object, m: string): void };

/** Reported after each stored agent event (notifications listen to it). */
export interface AlertIngested {
  accountId: string;
  uuid: string;
  alertId: number;
  ruleId: string;
  name: string;
  level: AlertLevel;
  count: number;
  firstTime: number;
  lastTime: number;
  isNew: boolean;
  /** A handled or expired alert came back and is pending again. */
  reopened: boolean;
}
type Hub = Pick<AgentHub, 'sendTask'>;

const TASK_TIMEOUT_MS = 120_000;
const DEFAULT_BLOCK_SECONDS = 7 * 86_400;
const MAX_IDS = 1000;

function errMsg(err: unknown): { code: string; msg: string } {
  if (err instanceof VigilError) return { code: err.code, msg: err.message.slice(0, 1000) };
  return { code: 'OperationFailed', msg: (err instanceof Error ? err.message : String(err)).slice(0, 1000) };
}

/**
 * The alert pipeline (R-6.1): aggregation of agent findings, listing, the status lifecycle,
 * whitelist (false-positive) rules, and response operations run as agent tasks.
 */
export class AlertService {
  private readonly alertIds = new IdSequence();
  private readonly opIds = new IdSequence();
  private readonly quaraIds = new IdSequence();
  /** Operations still running, so tests and shutdown can wait for them. */
  private readonly running = new Set<Promise<void>>();
  private readonly ingestListeners: ((e: AlertIngested) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly hub: Hub,
    private readonly log: Log,
  ) {}

  /** Listens to stored events; listeners must not block (they run after the store write). */
  onIngested(listener: (e: AlertIngested) => void): void {
    this.ingestListeners.push(listener);
  }

  private emitIngested(e: AlertIngested): void {
    for (const l of this.ingestListeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn({ err, alertId: e.alertId }, 'alert listener failed');
      }
    }
  }

  /** Stores one agent `alert` event; returns the alert id, or null when ignored (malformed or whitelisted). */
  async ingest(accountId: string, uuid: string, data: unknown, time = Date.now()): Promise<number | null> {
    const ev = parseAlertEvent(data);
    if (!ev) return null;
    const rules = await this.whitelist(accountId);
    if (rules.some((r) => ruleMatches(r, uuid, ev.ruleId, ev.name, ev.details))) return null;
    const ui = uniqueInfo(ev.ruleId, ev.aggKey);
    const detailsJson = JSON.stringify(ev.details);
    const stored = await this.alertIds.lock(async (): Promise<AlertIngested> => {
      const prior = await this.db
        .selectFrom('alerts')
        .select(['id', 'status', 'level', 'last_time', 'first_time', 'count'])
        .where('account_id', '=', accountId)
        .where('uuid', '=', uuid)
        .where('unique_info', '=', ui)
        .executeTakeFirst();
      const now = Date.now();
      if (prior) {
        // Handled or expired and back again: the threat returned, so the alert is open again.
        const reopen = prior.status === AlertStatus.handled || prior.status === AlertStatus.expired;
        await this.db
          .updateTable('alerts')
          .set((eb) => ({
            count: eb('count', '+', 1),
            last_time: Math.max(prior.last_time, time),
            first_time: Math.min(prior.first_time, time),
            level: higherLevel(prior.level as typeof ev.level, ev.level),
            details_json: detailsJson,
            updated_at: now,
            ...(reopen ? { status: AlertStatus.pending } : {}),
          }))
          .where('id', '=', prior.id)
          .execute();
        const base = { accountId, uuid, alertId: prior.id, ruleId: ev.ruleId, name: ev.name, isNew: false, reopened: reopen };
        return { ...base, level: higherLevel(prior.level as typeof ev.level, ev.level), count: Number(prior.count) + 1, firstTime: Math.min(prior.first_time, time), lastTime: Math.max(prior.last_time, time) };
      }
      const id = await nextGlobalId(this.db, 'alerts');
      await this.db
        .insertInto('alerts')
        .values({
          id,
          account_id: accountId,
          uuid,
          rule_id: ev.ruleId,
          unique_info: ui,
          agg_key: ev.aggKey,
          name: ev.name,
          level: ev.level,
          status: AlertStatus.pending,
          count: 1,
          first_time: time,
          last_time: time,
          details_json: detailsJson,
          notes_json: '[]',
          operate_error_code: '',
          operate_msg: '',
          operate_time: null,
          mark_mis_rules: '',
          updated_at: now,
        })
        .execute();
      return { accountId, uuid, alertId: id, ruleId: ev.ruleId, name: ev.name, level: ev.level, count: 1, firstTime: time, lastTime: time, isNew: true, reopened: false };
    });
    this.emitIngested(stored);
    return stored.alertId;
  }

  async list(accountId: string, f: AlertFilter): Promise<{ items: AlertView[]; total: number }> {
    await this.failStale();
    let q = this.db.selectFrom('alerts').where('alerts.account_id', '=', accountId);
    if (f.levels?.length) q = q.where('alerts.level', 'in', f.levels);
    if (f.statuses?.length) q = q.where('alerts.status', 'in', f.statuses);
    if (f.dealed === 'N') q = q.where('alerts.status', 'in', [AlertStatus.pending, AlertStatus.handling]);
    if (f.dealed === 'Y') q = q.where('alerts.status', 'not in', [AlertStatus.pending, AlertStatus.handling]);
    if (f.uuids?.length) q = q.where('alerts.uuid', 'in', f.uuids);
    if (f.name) q = q.where('alerts.name', 'like', `%${f.name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    if (f.ruleId) q = q.where('alerts.rule_id', '=', f.ruleId);
    if (f.id !== undefined) q = q.where('alerts.id', '=', f.id);
    if (f.timeStart !== undefined) q = q.where('alerts.last_time', '>=', f.timeStart);
    if (f.timeEnd !== undefined) q = q.where('alerts.last_time', '<=', f.timeEnd);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q
      .leftJoin('asset_instances as ai', (j) => j.onRef('ai.account_id', '=', 'alerts.account_id').onRef('ai.uuid', '=', 'alerts.uuid'))
      .selectAll('alerts')
      .select(['ai.instance_name', 'ai.intranet_ip', 'ai.internet_ip'])
      .orderBy('alerts.last_time', 'desc')
      .orderBy('alerts.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute();
    return {
      total: Number(total?.n ?? 0),
      items: rows.map((r) => toView(r, { instance_name: r.instance_name ?? '', intranet_ip: r.intranet_ip ?? '', internet_ip: r.internet_ip ?? '' })),
    };
  }

  async get(accountId: string, id: number): Promise<AlertView> {
    const page = await this.list(accountId, { id, offset: 0, limit: 1 });
    const a = page.items[0];
    if (!a) throw new VigilError('EventNotFound', `No security event with Id ${id}.`, 404);
    return a;
  }

  async whitelist(accountId: string): Promise<(WhitelistRule & { id: number })[]> {
    const rows = await this.db.selectFrom('alert_whitelist').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, ruleId: r.rule_id, field: r.field as WhitelistRule['field'], operate: r.operate as WhitelistRule['operate'], fieldValue: r.field_value, scopeUuid: r.scope_uuid }));
  }

  async deleteWhitelistRules(accountId: string, ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('alert_whitelist').where('account_id', '=', accountId).where('id', 'in', ids).execute();
  }

  /** HandleSecurityEvents: applies the operation; agent-side ones run in the background. Returns the TaskId. */
  async handle(accountId: string, req: HandleRequest): Promise<number> {
    if (req.alertIds.length === 0 || req.alertIds.length > MAX_IDS) throw new VigilError('InvalidParameter', `SecurityEventIds must name 1..${MAX_IDS} events.`, 400);
    const found = await this.db.selectFrom('alerts').selectAll().where('account_id', '=', accountId).where('id', 'in', req.alertIds).execute();
    if (found.length !== new Set(req.alertIds).size) throw new VigilError('EventNotFound', 'One or more SecurityEventIds do not exist.', 404);
    let targets = found;
    if (req.markBatch) {
      const rules = [...new Set(found.map((a) => a.rule_id))];
      const same = await this.db
        .selectFrom('alerts')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('rule_id', 'in', rules)
        .where('status', 'in', [AlertStatus.pending])
        .execute();
      const byId = new Map([...found, ...same].map((a) => [a.id, a]));
      targets = [...byId.values()];
    }
    const ids = targets.map((a) => a.id);
    const now = Date.now();
    const remarkNote = req.remark ? req.remark.slice(0, 500) : '';
    const opId = await this.opIds.lock(async () => {
      const id = await nextGlobalId(this.db, 'alert_operations');
      await this.db
        .insertInto('alert_operations')
        .values({ id, account_id: accountId, operation_code: req.code, alert_ids: JSON.stringify(ids), status: 'processing', message: remarkNote, created_at: now, finished_at: null })
        .execute();
      return id;
    });

    const setStatus = async (alertIds: number[], status: number, code: string, msg: string, extra: { mark_mis_rules?: string } = {}) => {
      if (alertIds.length === 0) return;
      await this.db
        .updateTable('alerts')
        .set({ status, operate_error_code: code, operate_msg: msg.slice(0, 1000), operate_time: Date.now(), updated_at: Date.now(), ...extra })
        .where('account_id', '=', accountId)
        .where('id', 'in', alertIds)
        .execute();
    };
    const finishOp = async (ok: boolean, message: string) => {
      await this.db.updateTable('alert_operations').set({ status: ok ? 'success' : 'failure', message: message.slice(0, 1000), finished_at: Date.now() }).where('id', '=', opId).execute();
    };

    switch (req.code) {
      case 'ignore':
        await setStatus(ids, AlertStatus.ignored, '', remarkNote || 'ignored');
        await finishOp(true, 'ignored');
        return opId;
      case 'manual_handled':
        await setStatus(ids, AlertStatus.handled, '', remarkNote || 'handled manually');
        await finishOp(true, 'handled manually');
        return opId;
      case 'advance_mark_mis_info': {
        const rules = this.parseMarkMiss(req.markMissParam, targets.map((t) => t.uuid));
        const created = await this.addWhitelistRules(accountId, [...new Set(targets.map((t) => t.rule_id))], rules);
        const text = created.map((r) => `${r.field} ${r.operate} ${r.fieldValue} (${r.scopeUuid})`).join('; ');
        await setStatus(ids, AlertStatus.falsePositive, '', 'marked as false positive', { mark_mis_rules: text.slice(0, 4000) });
        await this.applyWhitelist(accountId);
        await finishOp(true, `whitelist: ${text}`);
        return opId;
      }
      case 'kill_process':
      case 'quara':
      case 'kill_and_quara':
      case 'clean_persistence':
      case 'block_ip': {
        const seconds = req.code === 'block_ip' ? this.blockSeconds(req.operationParams) : 0;
        await setStatus(ids, AlertStatus.handling, '', `${req.code} sent to the agent`);
        const job = this.runAgentOperation(accountId, req.code, targets.map((t) => toView(t)), seconds, setStatus, finishOp).catch((err: unknown) =>
          this.log.warn({ err, opId }, 'alert operation failed'),
        );
        this.running.add(job);
        void job.finally(() => this.running.delete(job));
        return opId;
      }
    }
  }

  /**
   * An operation still "handling" after the task timeout can no longer report (the server that ran it
   * restarted): its alerts return to pending with the reason shown. Checked whenever alerts are listed.
   */
  async failStale(now = Date.now()): Promise<number> {
    const cutoff = now - TASK_TIMEOUT_MS - 30_000;
    const stuck = await this.db
      .updateTable('alerts')
      .set({ status: AlertStatus.pending, operate_error_code: 'Interrupted', operate_msg: 'no result from the agent (the server restarted during the operation); check the host and handle again', operate_time: now, updated_at: now })
      .where('status', '=', AlertStatus.handling)
      .where('operate_time', '<', cutoff)
      .executeTakeFirst();
    await this.db.updateTable('alert_operations').set({ status: 'failure', message: 'interrupted: no result before the task timeout', finished_at: now }).where('status', '=', 'processing').where('created_at', '<', cutoff).execute();
    return Number(stuck.numUpdatedRows);
  }

  /** Waits for running agent operations (tests; shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async runAgentOperation(
    accountId: string,
    code: 'kill_process' | 'quara' | 'kill_and_quara' | 'block_ip' | 'clean_persistence',
    alerts: AlertView[],
    seconds: number,
    setStatus: (ids: number[], status: number, code: string, msg: string) => Promise<void>,
    finishOp: (ok: boolean, message: string) => Promise<void>,
  ): Promise<void> {
    const failures: string[] = [];
    await Promise.all(
      alerts.map(async (a) => {
        try {
          const msgs: string[] = [];
          if (code === 'kill_process' || code === 'kill_and_quara') msgs.push(await this.kill(accountId, a));
          if (code === 'quara' || code === 'kill_and_quara') msgs.push(await this.quarantine(accountId, a));
          if (code === 'block_ip') msgs.push(await this.block(accountId, a, seconds));
          if (code === 'clean_persistence') msgs.push(await this.cleanPersistence(accountId, a));
          await setStatus([a.id], AlertStatus.handled, '', msgs.join('; '));
        } catch (err) {
          const e = errMsg(err);
          failures.push(`${a.id}: ${e.msg}`);
          // A failed response leaves the alert open, with the reason shown.
          await setStatus([a.id], AlertStatus.pending, e.code, `${code} failed: ${e.msg}`);
        }
      }),
    );
    await finishOp(failures.length === 0, failures.length === 0 ? `${code} done` : failures.join('; '));
  }

  /** Runs the clean-up plan the agent attached to a miner alert; each step re-checks its line on the host. */
  private async cleanPersistence(accountId: string, a: AlertView): Promise<string> {
    const plan = a.details.persistence?.plan ?? [];
    if (plan.length === 0) throw new VigilError('NoPersistence', 'The alert lists no persistence to clean up.', 400);
    const r = (await this.hub.sendTask(accountId, a.uuid, RESPONSE_TASK.cleanPersistence, { steps: plan }, { timeoutMs: TASK_TIMEOUT_MS })) as { results?: unknown[] } | null;
    return `${r?.results?.length ?? plan.length} persistence clean-up step(s) applied`;
  }

  private async kill(accountId: string, a: AlertView): Promise<string> {
    const d = a.details;
    if (d.pid === undefined) throw new VigilError('NoProcess', 'The alert names no process to kill.', 400);
    const r = (await this.hub.sendTask(
      accountId,
      a.uuid,
      RESPONSE_TASK.kill,
      { pid: d.pid, startTime: d.startTime, exe: d.exe, holderPid: d.holderPid ?? undefined, holderStartTime: d.holderStartTime ?? undefined },
      { timeoutMs: TASK_TIMEOUT_MS },
    )) as { killed?: number[] } | null;
    return `killed pid ${(r?.killed ?? [d.pid]).join(',')}`;
  }

  private async quarantine(accountId: string, a: AlertView): Promise<string> {
    const path = a.details.file?.path ?? a.details.exe;
    if (!path) throw new VigilError('NoFile', 'The alert names no file to quarantine.', 400);
    const r = (await this.hub.sendTask(accountId, a.uuid, RESPONSE_TASK.quara, { path }, { timeoutMs: TASK_TIMEOUT_MS })) as { id?: unknown; sha256?: unknown; originalPath?: unknown } | null;
    if (typeof r?.id !== 'string') throw new VigilError('QuarantineFailed', 'The agent did not report a quarantine id.', 502);
    const quaraId = r.id;
    const storedPath = typeof r.originalPath === 'string' ? r.originalPath : path;
    const sha256 = typeof r.sha256 === 'string' ? r.sha256 : '';
    const now = Date.now();
    await this.quaraIds.lock(async () => {
      const id = await nextGlobalId(this.db, 'alert_quara_files');
      await this.db
        .insertInto('alert_quara_files')
        .values({ id, account_id: accountId, uuid: a.uuid, alert_id: a.id, quara_id: quaraId, path: storedPath, sha256, status: 'quaraDone', message: '', created_at: now, updated_at: now })
        .execute();
    });
    return `quarantined ${path}`;
  }

  private async block(accountId: string, a: AlertView, seconds: number): Promise<string> {
    const ip = a.details.peer?.remoteAddress;
    if (!ip) throw new VigilError('NoPeer', 'The alert names no network peer to block.', 400);
    await this.hub.sendTask(accountId, a.uuid, RESPONSE_TASK.block, { ip, seconds }, { timeoutMs: TASK_TIMEOUT_MS });
    return `blocked ${ip} for ${seconds} s`;
  }

  private blockSeconds(raw: string | undefined): number {
    if (!raw) return DEFAULT_BLOCK_SECONDS;
    let p: unknown;
    try {
      p = JSON.parse(raw);
    } catch {
      throw new VigilError('InvalidParameter', 'OperationParams is not JSON.', 400);
    }
    const expire = (p as { expireTime?: unknown }).expireTime;
    if (expire === undefined) return DEFAULT_BLOCK_SECONDS;
    const n = Number(expire);
    if (!Number.isFinite(n) || n <= Date.now()) throw new VigilError('InvalidParameter', 'OperationParams.expireTime must be a future epoch-ms time.', 400);
    return Math.max(1, Math.min(365 * 86_400, Math.ceil((n - Date.now()) / 1000)));
  }

  private parseMarkMiss(raw: string | undefined, uuids: string[]): Omit<WhitelistRule, 'ruleId'>[] {
    if (!raw) throw new VigilError('MissingParameter', 'advance_mark_mis_info needs MarkMissParam.', 400);
    let p: unknown;
    try {
      p = JSON.parse(raw);
    } catch {
      throw new VigilError('InvalidParameter', 'MarkMissParam is not JSON.', 400);
    }
    const list = (Array.isArray(p) ? p : [p]).slice(0, 20);
    if (list.length === 0) throw new VigilError('InvalidParameter', 'MarkMissParam names no rule.', 400);
    const out: Omit<WhitelistRule, 'ruleId'>[] = [];
    for (const item of list) {
      const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const field = WHITELIST_FIELDS.find((f) => f === o.field);
      const operate = WHITELIST_OPERATES.find((x) => x === o.operate);
      const fieldValue = typeof o.fieldValue === 'string' ? o.fieldValue : '';
      if (!field) throw new VigilError('InvalidParameter', `MarkMissParam.field must be one of ${WHITELIST_FIELDS.join(', ')}.`, 400);
      if (!operate) throw new VigilError('InvalidParameter', `MarkMissParam.operate must be one of ${WHITELIST_OPERATES.join(', ')}.`, 400);
      const bad = validateRule({ operate, fieldValue });
      if (bad) throw new VigilError('InvalidParameter', `MarkMissParam: ${bad}.`, 400);
      // `uuid`: ALL, or `part` (the hosts of the selected events), or one explicit host.
      const scope = o.uuid === 'ALL' ? ['ALL'] : typeof o.uuid === 'string' && o.uuid !== 'part' ? [o.uuid] : [...new Set(uuids)];
      for (const s of scope) out.push({ field, operate, fieldValue, scopeUuid: s.slice(0, 64) });
    }
    return out;
  }

  private async addWhitelistRules(accountId: string, ruleIds: string[], rules: Omit<WhitelistRule, 'ruleId'>[]): Promise<WhitelistRule[]> {
    const created: WhitelistRule[] = [];
    await this.db.transaction().execute(async (tx) => {
      let id = await nextWhitelistId(tx as unknown as Db, accountId);
      for (const ruleId of ruleIds)
        for (const r of rules) {
          await tx
            .insertInto('alert_whitelist')
            .values({ account_id: accountId, id: id++, rule_id: ruleId, field: r.field, operate: r.operate, field_value: r.fieldValue, scope_uuid: r.scopeUuid, created_at: Date.now() })
            .execute();
          created.push({ ...r, ruleId });
        }
    });
    return created;
  }

  /** Marks every open alert that a whitelist rule now matches as a false positive. */
  private async applyWhitelist(accountId: string): Promise<number> {
    const rules = await this.whitelist(accountId);
    if (rules.length === 0) return 0;
    const open = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('rule_id', 'in', [...new Set(rules.map((r) => r.ruleId))])
      .where('status', 'in', [AlertStatus.pending, AlertStatus.handling])
      .execute();
    const hit = open.filter((a) => {
      const v = toView(a);
      return rules.some((r) => ruleMatches(r, a.uuid, a.rule_id, a.name, v.details));
    });
    if (hit.length > 0)
      await this.db
        .updateTable('alerts')
        .set({ status: AlertStatus.falsePositive, operate_msg: 'matched a whitelist rule', operate_time: Date.now(), updated_at: Date.now() })
        .where('id', 'in', hit.map((a) => a.id))
        .execute();
    return hit.length;
  }

  async operationStatus(accountId: string, taskId: number, alertIds: number[]): Promise<OperationStatus> {
    const op = await this.db.selectFrom('alert_operations').selectAll().where('account_id', '=', accountId).where('id', '=', taskId).executeTakeFirst();
    if (!op) throw new VigilError('TaskNotFound', `No operation with TaskId ${taskId}.`, 404);
    const opIds = JSON.parse(op.alert_ids) as number[];
    const want = alertIds.length > 0 ? alertIds.filter((id) => opIds.includes(id)) : opIds;
    const rows = want.length > 0 ? await this.db.selectFrom('alerts').select(['id', 'status', 'operate_error_code']).where('account_id', '=', accountId).where('id', 'in', want).execute() : [];
    const taskStatus = op.status === 'processing' ? 'Processing' : op.status === 'success' ? 'Success' : 'Failure';
    return {
      taskStatus,
      items: rows.map((r) => ({
        alertId: r.id,
        status: r.status === AlertStatus.handling ? 'Processing' : r.operate_error_code ? 'Failure' : 'Success',
        errorCode: r.operate_error_code,
      })),
    };
  }

  async listQuaraFiles(accountId: string, offset: number, limit: number): Promise<{ items: QuaraFileView[]; total: number }> {
    const base = this.db.selectFrom('alert_quara_files as q').where('q.account_id', '=', accountId);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .leftJoin('alerts as a', 'a.id', 'q.alert_id')
      .leftJoin('asset_instances as ai', (j) => j.onRef('ai.account_id', '=', 'q.account_id').onRef('ai.uuid', '=', 'q.uuid'))
      .selectAll('q')
      .select(['a.name as alert_name', 'ai.instance_name', 'ai.intranet_ip'])
      .orderBy('q.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return {
      total: Number(total?.n ?? 0),
      items: rows.map((r) => ({
        id: r.id,
        uuid: r.uuid,
        alertId: r.alert_id,
        alertName: r.alert_name ?? '',
        path: r.path,
        sha256: r.sha256,
        status: r.status,
        message: r.message,
        createdAt: r.created_at,
        instanceName: r.instance_name ?? '',
        ip: r.intranet_ip ?? '',
      })),
    };
  }

  /** RollbackSuspEventQuaraFile: the agent puts the file back where it was. */
  async rollbackQuaraFile(accountId: string, id: number): Promise<void> {
    const q = await this.db.selectFrom('alert_quara_files').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!q) throw new VigilError('QuaraFileNotFound', `No quarantined file with Id ${id}.`, 404);
    if (q.status !== 'quaraDone') throw new VigilError('QuaraFileNotRestorable', `Quarantined file ${id} is ${q.status}.`, 400);
    try {
      await this.hub.sendTask(accountId, q.uuid, RESPONSE_TASK.restore, { id: q.quara_id }, { timeoutMs: TASK_TIMEOUT_MS });
    } catch (err) {
      const e = errMsg(err);
      await this.db.updateTable('alert_quara_files').set({ message: e.msg, updated_at: Date.now() }).where('id', '=', id).execute();
      throw new VigilError('RollbackFailed', `The agent could not restore the file: ${e.msg}`, 502);
    }
    await this.db.updateTable('alert_quara_files').set({ status: 'rollbackDone', message: '', updated_at: Date.now() }).where('id', '=', id).execute();
  }
}
