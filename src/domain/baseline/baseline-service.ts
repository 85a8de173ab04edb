import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import type { BaselineCheckResult, BaselineFixOutcome } from './baseline-types.js';
import { parseBaselineSnapshot } from './snapshot-parse.js';
import { BaselineStrategyService } from './strategy-service.js';

type Db = Kysely<Database> | Transaction<Database>;

export const STATUS = { failed: 1, verifying: 2, passed: 3, ignored: 6 } as const;
export const FIX_STATUS = { none: 0, fixing: 1, fixed: 2, failed: 3, rolledBack: 4 } as const;
const LEVEL_RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };

export interface RiskSummary {
  riskId: number;
  policyId: string;
  name: string;
  checkCount: number;
  machineCount: number;
  high: number;
  medium: number;
  low: number;
  level: string;
  category: string;
  lastFoundAt: number;
}

export interface MachineCounts {
  uuid: string;
  high: number;
  medium: number;
  low: number;
  passed: number;
  failed: number;
}

export interface WarningView {
  id: number;
  uuid: string;
  riskId: number;
  riskName: string;
  policyId: string;
  checkId: number;
  title: string;
  category: string;
  level: string;
  status: number;
  result: string;
  reason: string;
  evidence: Array<{ rule: string; outcome: string; reason: string }>;
  targets: string[];
  fix: string;
  autoFix: boolean;
  ignoreReason: string;
  fixStatus: number;
  fixMessage: string;
  backupId: string;
  firstSeen: number;
  lastSeen: number;
  lastHandled: number;
}

export interface WarningFilter {
  uuids?: string[];
  riskIds?: number[];
  checkIds?: number[];
  warningIds?: number[];
  statuses?: number[];
}

/** Verify/fix work per host: which policies and checks to re-run there. */
export interface HostScope {
  uuid: string;
  policyIds: string[];
  checkIds: number[];
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1' || ip === 'localhost';

/**
 * Baseline results per host × check (SPEC ): ingest of agent `baseline` snapshots, the
 * Sas summary / machine / warning queries, ignore, verify and fix bookkeeping, and exposure.
 */
export class BaselineService {
  /** Ingests are serialised: ids are allocated as max+1 per account. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Check strategies (which policies, which hosts, when). */
  readonly strategies: BaselineStrategyService;

  constructor(private readonly db: Kysely<Database>) {
    this.strategies = new BaselineStrategyService(db);
  }

  ingest(accountId: string, uuid: string, data: unknown, now = Date.now()): Promise<{ stored: number }> {
    const run = this.chain.then(() => this.ingestNow(accountId, uuid, data, now));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async ingestNow(accountId: string, uuid: string, data: unknown, now: number): Promise<{ stored: number }> {
    const snap = parseBaselineSnapshot(data);
    if (!snap) throw new VigilError('InvalidSnapshot', 'baseline snapshot without results', 400);
    return this.db.transaction().execute(async (trx) => {
      const riskIds = new Map<string, number>();
      const seen = new Set<string>();
      let stored = 0;
      for (const r of snap.results) {
        let riskId = riskIds.get(r.policyId);
        if (riskId === undefined) {
          riskId = await this.ensureRisk(trx, accountId, r.policyId, r.policyName, now);
          riskIds.set(r.policyId, riskId);
        }
        await this.upsertCheck(trx, accountId, riskId, r);
        const key = `${riskId}:${r.checkId}`;
        seen.add(key);
        if (r.result === 'not applicable') continue;
        await this.upsertWarning(trx, accountId, uuid, riskId, r, now);
        stored += 1;
      }
      // Rows this scan covered but did not report as passed/failed (now not applicable, or gone).
      const existing = await trx
        .selectFrom('baseline_warnings as w')
        .innerJoin('baseline_risks as r', (j) => j.onRef('r.account_id', '=', 'w.account_id').onRef('r.risk_id', '=', 'w.risk_id'))
        .select(['w.id', 'w.risk_id', 'w.check_id', 'w.result', 'r.policy_id'])
        .where('w.account_id', '=', accountId)
        .where('w.uuid', '=', uuid)
        .execute();
      const stale = existing.filter((w) => {
        const key = `${w.risk_id}:${w.check_id}`;
        const hit = snap.results.find((r) => `${riskIds.get(r.policyId)}:${r.checkId}` === key);
        if (hit) return hit.result === 'not applicable';
        if (!snap.scope) return true;
        const inPolicies = !snap.scope.policyIds || snap.scope.policyIds.includes(w.policy_id);
        const inChecks = !snap.scope.checkIds || snap.scope.checkIds.includes(Number(w.check_id));
        return inPolicies && inChecks && !seen.has(key);
      });
      if (stale.length > 0) await trx.deleteFrom('baseline_warnings').where('account_id', '=', accountId).where('id', 'in', stale.map((s) => s.id)).execute();
      return { stored };
    });
  }

  private async ensureRisk(trx: Db, accountId: string, policyId: string, name: string, now: number): Promise<number> {
    const row = await trx.selectFrom('baseline_risks').select(['risk_id', 'name']).where('account_id', '=', accountId).where('policy_id', '=', policyId).executeTakeFirst();
    if (row) {
      if (row.name !== name) await trx.updateTable('baseline_risks').set({ name }).where('account_id', '=', accountId).where('risk_id', '=', row.risk_id).execute();
      return row.risk_id;
    }
    const max = await trx.selectFrom('baseline_risks').select((eb) => eb.fn.max<number>('risk_id').as('m')).where('account_id', '=', accountId).executeTakeFirst();
    const riskId = Number(max?.m ?? 0) + 1;
    await trx.insertInto('baseline_risks').values({ account_id: accountId, risk_id: riskId, policy_id: policyId, name, created_at: now }).execute();
    return riskId;
  }

  private async upsertCheck(trx: Db, accountId: string, riskId: number, r: BaselineCheckResult): Promise<void> {
    const values = { title: r.title, category: r.category, level: r.level, fix_text: r.fix, auto_fix: r.autoFix ? 1 : 0 };
    const res = await trx.updateTable('baseline_checks').set(values).where('account_id', '=', accountId).where('risk_id', '=', riskId).where('check_id', '=', r.checkId).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) await trx.insertInto('baseline_checks').values({ account_id: accountId, risk_id: riskId, check_id: r.checkId, ...values }).execute();
  }

  private async upsertWarning(trx: Db, accountId: string, uuid: string, riskId: number, r: BaselineCheckResult, now: number): Promise<void> {
    const prev = await trx
      .selectFrom('baseline_warnings')
      .select(['id', 'status'])
      .where('account_id', '=', accountId)
      .where('uuid', '=', uuid)
      .where('risk_id', '=', riskId)
      .where('check_id', '=', r.checkId)
      .executeTakeFirst();
    const failed = r.result === 'failed';
    // An ignored warning stays ignored while it still fails; a pass ends it.
    const status = failed ? (prev?.status === STATUS.ignored ? STATUS.ignored : STATUS.failed) : STATUS.passed;
    const values = {
      status,
      result: r.result,
      reason: r.reason,
      evidence_json: JSON.stringify(r.evidence),
      targets: (r.targets ?? []).join(','),
      last_seen: now,
    };
    if (prev) {
      await trx.updateTable('baseline_warnings').set(values).where('account_id', '=', accountId).where('id', '=', prev.id).execute();
      return;
    }
    const max = await trx.selectFrom('baseline_warnings').select((eb) => eb.fn.max<number>('id').as('m')).where('account_id', '=', accountId).executeTakeFirst();
    await trx
      .insertInto('baseline_warnings')
      .values({
        account_id: accountId,
        id: Number(max?.m ?? 0) + 1,
        uuid,
        risk_id: riskId,
        check_id: r.checkId,
        ...values,
        ignore_reason: '',
        fix_status: FIX_STATUS.none,
        fix_message: '',
        backup_id: '',
        first_seen: now,
        last_handled: 0,
      })
      .execute();
  }

  /** Warnings with their check and risk, filtered; newest risk/check order. */
  async list(accountId: string, f: WarningFilter = {}): Promise<WarningView[]> {
    let q = this.db
      .selectFrom('baseline_warnings as w')
      .innerJoin('baseline_checks as c', (j) => j.onRef('c.account_id', '=', 'w.account_id').onRef('c.risk_id', '=', 'w.risk_id').onRef('c.check_id', '=', 'w.check_id'))
      .innerJoin('baseline_risks as r', (j) => j.onRef('r.account_id', '=', 'w.account_id').onRef('r.risk_id', '=', 'w.risk_id'))
      .selectAll('w')
      .select(['c.title', 'c.category', 'c.level', 'c.fix_text', 'c.auto_fix', 'r.name as risk_name', 'r.policy_id'])
      .where('w.account_id', '=', accountId);
    if (f.uuids?.length) q = q.where('w.uuid', 'in', f.uuids);
    if (f.riskIds?.length) q = q.where('w.risk_id', 'in', f.riskIds);
    if (f.checkIds?.length) q = q.where('w.check_id', 'in', f.checkIds);
    if (f.warningIds?.length) q = q.where('w.id', 'in', f.warningIds);
    if (f.statuses?.length) q = q.where('w.status', 'in', f.statuses);
    const rows = await q.orderBy('w.risk_id').orderBy('w.check_id').orderBy('w.uuid').execute();
    return rows.map((w) => ({
      id: Number(w.id),
      uuid: w.uuid,
      riskId: w.risk_id,
      riskName: w.risk_name,
      policyId: w.policy_id,
      checkId: Number(w.check_id),
      title: w.title,
      category: w.category,
      level: w.level,
      status: w.status,
      result: w.result,
      reason: w.reason,
      evidence: JSON.parse(w.evidence_json) as WarningView['evidence'],
      targets: w.targets ? w.targets.split(',') : [],
      fix: w.fix_text,
      autoFix: w.auto_fix === 1,
      ignoreReason: w.ignore_reason,
      fixStatus: w.fix_status,
      fixMessage: w.fix_message,
      backupId: w.backup_id,
      firstSeen: Number(w.first_seen),
      lastSeen: Number(w.last_seen),
      lastHandled: Number(w.last_handled),
    }));
  }

  /** Per risk (policy): checks, machines and warnings by level with the given status (default failed). */
  async summary(accountId: string, opts: { status?: number; uuids?: string[] } = {}): Promise<RiskSummary[]> {
    const status = opts.status ?? STATUS.failed;
    const risks = await this.db.selectFrom('baseline_risks').selectAll().where('account_id', '=', accountId).orderBy('risk_id').execute();
    const checks = await this.db.selectFrom('baseline_checks').select(['risk_id', 'check_id']).where('account_id', '=', accountId).execute();
    const warnings = await this.list(accountId, { statuses: [status], ...(opts.uuids?.length ? { uuids: opts.uuids } : {}) });
    const out: RiskSummary[] = [];
    for (const r of risks) {
      const ws = warnings.filter((w) => w.riskId === r.risk_id);
      if (ws.length === 0) continue;
      const top = ws.reduce((a, b) => ((LEVEL_RANK[b.level] ?? 0) > (LEVEL_RANK[a.level] ?? 0) ? b : a));
      out.push({
        riskId: r.risk_id,
        policyId: r.policy_id,
        name: r.name,
        checkCount: checks.filter((c) => c.risk_id === r.risk_id).length,
        machineCount: new Set(ws.map((w) => w.uuid)).size,
        high: ws.filter((w) => w.level === 'high').length,
        medium: ws.filter((w) => w.level === 'medium').length,
        low: ws.filter((w) => w.level === 'low').length,
        level: top.level,
        category: top.category,
        lastFoundAt: Math.max(...ws.map((w) => w.lastSeen)),
      });
    }
    return out.sort((a, b) => (LEVEL_RANK[b.level] ?? 0) - (LEVEL_RANK[a.level] ?? 0) || b.high - a.high || a.riskId - b.riskId);
  }

  /** Hosts with results for one risk and their counts (failed by level, passed). */
  async machines(accountId: string, riskId: number): Promise<MachineCounts[]> {
    const ws = await this.list(accountId, { riskIds: [riskId] });
    const by = new Map<string, MachineCounts>();
    for (const w of ws) {
      const m = by.get(w.uuid) ?? { uuid: w.uuid, high: 0, medium: 0, low: 0, passed: 0, failed: 0 };
      if (w.status === STATUS.failed) {
        m.failed += 1;
        if (w.level === 'high' || w.level === 'medium' || w.level === 'low') m[w.level] += 1;
      } else if (w.status === STATUS.passed) m.passed += 1;
      by.set(w.uuid, m);
    }
    return [...by.values()].sort((a, b) => b.failed - a.failed || a.uuid.localeCompare(b.uuid));
  }

  /** IgnoreHcCheckWarnings: type 1 ignores failed warnings, type 2 takes ignored ones back. */
  async ignore(accountId: string, f: WarningFilter, type: number, reason: string, now = Date.now()): Promise<number> {
    if (type !== 1 && type !== 2) throw new VigilError('InvalidParameter', 'Type must be 1 (ignore) or 2 (cancel ignore).', 400);
    if (!f.warningIds?.length && !f.checkIds?.length && !f.riskIds?.length) throw new VigilError('MissingParameter', 'Name the warnings: CheckWarningIds, CheckIds or RiskId.', 400);
    const targets = await this.list(accountId, { ...f, statuses: type === 1 ? [STATUS.failed, STATUS.verifying] : [STATUS.ignored] });
    for (const w of targets) {
      const status = type === 1 ? STATUS.ignored : w.result === 'failed' ? STATUS.failed : STATUS.passed;
      await this.db
        .updateTable('baseline_warnings')
        .set({ status, ignore_reason: type === 1 ? reason.slice(0, 1024) : '', last_handled: now })
        .where('account_id', '=', accountId)
        .where('id', '=', w.id)
        .execute();
    }
    return targets.length;
  }

  /** ValidateHcWarnings: marks the matching failed warnings verifying; returns what to re-run per host. */
  async beginVerify(accountId: string, f: WarningFilter, now = Date.now()): Promise<HostScope[]> {
    const ws = await this.list(accountId, { ...f, statuses: [STATUS.failed, STATUS.verifying, STATUS.ignored] });
    const by = new Map<string, HostScope>();
    for (const w of ws) {
      const s = by.get(w.uuid) ?? { uuid: w.uuid, policyIds: [], checkIds: [] };
      if (!s.policyIds.includes(w.policyId)) s.policyIds.push(w.policyId);
      if (!s.checkIds.includes(w.checkId)) s.checkIds.push(w.checkId);
      by.set(w.uuid, s);
      if (w.status === STATUS.failed) {
        await this.db.updateTable('baseline_warnings').set({ status: STATUS.verifying, last_handled: now }).where('account_id', '=', accountId).where('id', '=', w.id).execute();
      }
    }
    return [...by.values()];
  }

  /** A verify that could not be delivered: back to failed. */
  async cancelVerify(accountId: string, uuid: string): Promise<void> {
    await this.db.updateTable('baseline_warnings').set({ status: STATUS.failed }).where('account_id', '=', accountId).where('uuid', '=', uuid).where('status', '=', STATUS.verifying).execute();
  }

  async setFixState(accountId: string, warningId: number, state: { fixStatus: number; message: string; backupId?: string; status?: number }, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('baseline_warnings')
      .set({ fix_status: state.fixStatus, fix_message: state.message.slice(0, 2048), last_handled: now, ...(state.backupId !== undefined ? { backup_id: state.backupId } : {}), ...(state.status !== undefined ? { status: state.status } : {}) })
      .where('account_id', '=', accountId)
      .where('id', '=', warningId)
      .execute();
  }

  recordFixOutcome(accountId: string, warningId: number, outcome: BaselineFixOutcome): Promise<void> {
    return this.setFixState(accountId, warningId, {
      fixStatus: outcome.verified === 'passed' ? FIX_STATUS.fixed : FIX_STATUS.failed,
      message: outcome.reason,
      backupId: outcome.verified === 'passed' ? outcome.backupId : '',
    });
  }

  /**
   * Exposure: services listening on non-loopback addresses (asset inventory ports) with
   * the failed weak-password / unauthorized-access warnings on the same port; exposed + weak first.
   */
  async exposure(accountId: string): Promise<ExposedService[]> {
    const ports = await this.db
      .selectFrom('asset_items')
      .select(['uuid', 'name', 'port', 'detail', 'version'])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'port')
      .execute();
    const weak = await this.list(accountId, { statuses: [STATUS.failed] });
    const out = new Map<string, ExposedService>();
    for (const p of ports) {
      if (p.port === null || isLoopback(p.detail)) continue;
      if (!p.version.startsWith('tcp')) continue;
      const key = `${p.uuid}|${p.detail}|${p.port}`;
      if (out.has(key)) continue;
      const findings = weak.filter((w) => w.uuid === p.uuid && (w.category === 'weak_password' || w.category === 'unauthorized_access') && w.targets.some((t) => t.endsWith(`:${p.port}`)));
      out.set(key, { uuid: p.uuid, ip: p.detail, port: p.port, component: p.name, weakWarnings: findings.map((w) => ({ id: w.id, title: w.title, reason: w.reason })) });
    }
    return [...out.values()].sort((a, b) => b.weakWarnings.length - a.weakWarnings.length || a.uuid.localeCompare(b.uuid) || a.port - b.port);
  }
}

export interface ExposedService {
  uuid: string;
  ip: string;
  port: number;
  component: string;
  weakWarnings: Array<{ id: number; title: string; reason: string }>;
}
