/**
 * Vulnerability management (SPEC R-4): the advisory DB, server-side matching of stored inventories,
 * and the finding lifecycle (ignore, verify, fix through the agent).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { AgentHub } from '../../server/agent-hub.js';
import { VigilError } from '../errors.js';
import { AdvisoryCache } from './advisory-cache.js';
import { dbVersion, importAdvisories, type ImportReport } from './advisory-store.js';
import { evaluateHost, type EvaluationResult } from './host-evaluation.js';
import { parseEcosystem } from '../../engines/vulnmatch/index.js';
import { OPEN_STATUSES, VUL_STATUS } from './vul-status.js';
import { scanCycleMs } from './vul-settings.js';

/** Agent task kind that upgrades packages (src/agent/vuln-fix-feature.ts). */
export const VUL_FIX_TASK_KIND = 'vul.fix';
/** Agent task that answers with a fresh inventory snapshot (src/agent/inventory-feature.ts). */
const INVENTORY_TASK_KIND = 'inventory.collect';
const FIX_TIMEOUT_MS = 30 * 60_000;

export interface VulTarget {
  /** Advisory id (Sas vulnerability `Name`). */
  name: string;
  uuid: string;
}

type Log = { warn(o: object, m: string): void };

export class VulnService {
  readonly cache: AdvisoryCache;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private hub: AgentHub | undefined;
  private cycleTimer: NodeJS.Timeout | undefined;

  constructor(readonly db: Kysely<Database>, private readonly log?: Log) {
    this.cache = new AdvisoryCache(db);
  }

  /** The agent link vul_fix sends its tasks through (set by wireVulnEvaluation). */
  attachHub(hub: AgentHub): void {
    this.hub = hub;
  }

  /** Imports OSV records / KEV lists, then re-evaluates every host with an inventory. */
  async importPath(path: string): Promise<ImportReport & { hosts: number }> {
    const report = await importAdvisories(this.db, path);
    const hosts = report.imported > 0 || report.kev > 0 ? await this.evaluateAll() : 0;
    return { ...report, hosts };
  }

  /** Evaluations of one account run one after another (finding ids are allocated per account). */
  evaluate(accountId: string, uuid: string): Promise<EvaluationResult> {
    const key = accountId;
    const prior = this.chains.get(key) ?? Promise.resolve();
    const run = prior.catch(() => undefined).then(() => evaluateHost(this.db, this.cache, accountId, uuid));
    this.chains.set(key, run);
    void run.finally(() => {
      if (this.chains.get(key) === run) this.chains.delete(key);
    }).catch(() => undefined);
    return run;
  }

  async evaluateAll(accountId?: string): Promise<number> {
    let q = this.db.selectFrom('asset_instances').select(['account_id', 'uuid']).where('last_inventory_at', '>', 0);
    if (accountId !== undefined) q = q.where('account_id', '=', accountId);
    const hosts = await q.execute();
    for (const h of hosts) await this.evaluate(h.account_id, h.uuid);
    return hosts.length;
  }

  /** Re-evaluates hosts whose inventory or the advisory DB changed since their last evaluation. */
  async evaluateStale(accountId: string): Promise<number> {
    const version = await dbVersion(this.db);
    const rows = await this.db
      .selectFrom('asset_instances as i')
      .leftJoin('vul_host_state as s', (j) => j.onRef('s.account_id', '=', 'i.account_id').onRef('s.uuid', '=', 'i.uuid'))
      .select(['i.uuid', 'i.last_inventory_at', 's.inventory_at', 's.db_version'])
      .where('i.account_id', '=', accountId)
      .where('i.last_inventory_at', '>', 0)
      .execute();
    let n = 0;
    for (const r of rows) {
      if (this.stopped) break;
      if (r.inventory_at === r.last_inventory_at && Number(r.db_version) === version) continue;
      await this.evaluate(accountId, r.uuid);
      n++;
    }
    return n;
  }

  /**
   * After an inventory snapshot: evaluate that account's changed hosts once the ingest has landed.
   * The asset ingest runs on the same event; when nothing is stale yet it is tried again later.
   */
  scheduleStale(accountId: string, delays: readonly number[] = [1_000, 5_000, 20_000]): void {
    const [delay, ...rest] = delays;
    if (delay === undefined || this.stopped || this.timers.has(accountId)) return;
    const t = setTimeout(() => {
      this.timers.delete(accountId);
      void this.evaluateStale(accountId)
        .then((n) => {
          if (n === 0) this.scheduleStale(accountId, rest);
        })
        .catch((err: unknown) => this.log?.warn({ err, accountId }, 'vulnerability evaluation failed'));
    }, delay);
    t.unref();
    this.timers.set(accountId, t);
  }

  /**
   * Scan schedule (ModifyVulConfig scanCycle): hosts whose last inventory is older than their
   * account's cycle get an `inventory.collect` task (delivered when their agent is connected);
   * the new snapshot re-evaluates them. Returns the hosts asked.
   */
  async runScanCycle(now = Date.now()): Promise<string[]> {
    if (!this.hub) return [];
    const accounts = await this.db.selectFrom('asset_instances').select('account_id').distinct().where('last_inventory_at', '>', 0).execute();
    const asked: string[] = [];
    for (const { account_id } of accounts) {
      const cycle = await scanCycleMs(this.db, account_id);
      const due = await this.db.selectFrom('asset_instances').select('uuid').where('account_id', '=', account_id).where('last_inventory_at', '>', 0).where('last_inventory_at', '<', now - cycle).execute();
      for (const { uuid } of due) {
        try {
          await this.hub.enqueueTask(account_id, uuid, INVENTORY_TASK_KIND, {}, 3_600_000);
          asked.push(uuid);
        } catch (err) {
          this.log?.warn({ err, uuid }, 'scheduled vulnerability scan not queued');
        }
      }
    }
    return asked;
  }

  /** Runs the scan schedule every `everyMs` until stop(). */
  startScanCycle(everyMs = 3_600_000): void {
    if (this.cycleTimer || this.stopped) return;
    this.cycleTimer = setInterval(() => {
      void this.runScanCycle().catch((err: unknown) => this.log?.warn({ err }, 'scan schedule failed'));
    }, everyMs);
    this.cycleTimer.unref();
  }

  /** Stops scheduling and waits for evaluations already running (so the store can close under them). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.cycleTimer) clearInterval(this.cycleTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.chains.values()]);
  }

  private async requireTargets(accountId: string, targets: VulTarget[]): Promise<void> {
    if (targets.length === 0) throw new VigilError('InvalidParameter', 'Info names no vulnerability.', 400);
    for (const t of targets) {
      const row = await this.db.selectFrom('vul_findings').select('id').where('account_id', '=', accountId).where('uuid', '=', t.uuid).where('advisory_id', '=', t.name).executeTakeFirst();
      if (!row) throw new VigilError('VulNotFound', `No vulnerability ${t.name} on host ${t.uuid}.`, 404);
    }
  }

  private async setStatus(accountId: string, t: VulTarget, from: readonly number[], patch: { status: number; reason?: string; result_code?: string; result_message?: string }): Promise<void> {
    await this.db
      .updateTable('vul_findings')
      .set({ ...patch, modify_ts: Date.now() })
      .where('account_id', '=', accountId)
      .where('uuid', '=', t.uuid)
      .where('advisory_id', '=', t.name)
      .where('status', 'in', [...from])
      .execute();
  }

  async ignore(accountId: string, targets: VulTarget[], reason: string): Promise<void> {
    await this.requireTargets(accountId, targets);
    for (const t of targets) await this.setStatus(accountId, t, OPEN_STATUSES, { status: VUL_STATUS.ignored, reason });
  }

  async undoIgnore(accountId: string, targets: VulTarget[]): Promise<void> {
    await this.requireTargets(accountId, targets);
    for (const t of targets) {
      await this.setStatus(accountId, t, [VUL_STATUS.ignored], { status: VUL_STATUS.unfixed, reason: '' });
      // The fresh status (unfixed, needs reboot or fixed) comes from matching again.
      await this.evaluate(accountId, t.uuid);
    }
  }

  async verify(accountId: string, targets: VulTarget[]): Promise<void> {
    await this.requireTargets(accountId, targets);
    const hosts = new Set(targets.map((t) => t.uuid));
    for (const uuid of hosts) await this.evaluate(accountId, uuid);
  }

  /** Per host: the packages to upgrade for these findings and the host's package manager. */
  private async fixPlan(accountId: string, targets: VulTarget[], statuses: readonly number[]): Promise<Array<{ uuid: string; list: VulTarget[]; packages: string[]; manager?: 'apt' | 'dnf' | 'apk' }>> {
    await this.requireTargets(accountId, targets);
    const byHost = new Map<string, VulTarget[]>();
    for (const t of targets) byHost.set(t.uuid, [...(byHost.get(t.uuid) ?? []), t]);
    const out: Array<{ uuid: string; list: VulTarget[]; packages: string[]; manager?: 'apt' | 'dnf' | 'apk' }> = [];
    for (const [uuid, list] of byHost) {
      const rows = await this.db
        .selectFrom('vul_findings')
        .select(['advisory_id', 'package', 'ecosystem', 'kernel'])
        .where('account_id', '=', accountId)
        .where('uuid', '=', uuid)
        .where('advisory_id', 'in', list.map((t) => t.name))
        .where('status', 'in', [...statuses])
        .execute();
      if (rows.length === 0) continue;
      const scheme = parseEcosystem(rows[0]?.ecosystem ?? '').scheme;
      const manager = scheme === 'dpkg' ? 'apt' : scheme === 'rpm' ? 'dnf' : scheme === 'apk' ? 'apk' : undefined;
      out.push({ uuid, list, packages: [...new Set(rows.map((r) => r.package))], ...(manager ? { manager } : {}) });
    }
    return out;
  }

  /**
   * What vul_fix would do on each host, from the agent's own dry run (`apt-get -s`…): the command,
   * the packages it changes and those it changes beyond the named ones. Nothing is changed.
   */
  async previewFix(accountId: string, targets: VulTarget[]): Promise<FixPreview[]> {
    const plans = await this.fixPlan(accountId, targets, OPEN_STATUSES);
    const out: FixPreview[] = [];
    for (const plan of plans) {
      const base = { uuid: plan.uuid, packages: plan.packages, command: '', changes: [] as FixPreview['changes'], extra: [] as string[], output: '', error: '' };
      if (!plan.manager) {
        out.push({ ...base, error: 'No package manager known for this host.' });
        continue;
      }
      if (!this.hub) {
        out.push({ ...base, error: 'No agent link in this process.' });
        continue;
      }
      try {
        const r = (await this.hub.sendTask(accountId, plan.uuid, VUL_FIX_TASK_KIND, { manager: plan.manager, packages: plan.packages, dryRun: true }, { timeoutMs: 120_000 })) as AgentFixResult;
        out.push({ ...base, command: (r.command ?? []).join(' '), changes: r.preview?.changes ?? [], extra: r.preview?.extra ?? [], output: String(r.output ?? '').slice(-4000) });
      } catch (err) {
        out.push({ ...base, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  }

  /**
   * Queues the upgrade on each host's agent. The finding is "fixing" (4) until the agent answers;
   * then "verifying" (6) while a fresh inventory is collected, whose evaluation settles it, or
   * "fix failed" (2) with the agent's message. The agent's summary (command and changed packages)
   * stays in ResultMessage.
   */
  async fix(accountId: string, targets: VulTarget[]): Promise<void> {
    const plans = await this.fixPlan(accountId, targets, [VUL_STATUS.unfixed, VUL_STATUS.fixFailed]);
    for (const { uuid, list, packages, manager } of plans) {
      const fail = async (message: string): Promise<void> => {
        for (const t of list) await this.setStatus(accountId, t, [VUL_STATUS.unfixed, VUL_STATUS.fixFailed, VUL_STATUS.fixing], { status: VUL_STATUS.fixFailed, result_code: 'FixFailed', result_message: message.slice(0, 2000) });
      };
      if (!manager) {
        await fail('No package manager known for this host.');
        continue;
      }
      for (const t of list) await this.setStatus(accountId, t, [VUL_STATUS.unfixed, VUL_STATUS.fixFailed], { status: VUL_STATUS.fixing, result_code: '', result_message: '' });
      if (!this.hub) {
        await fail('No agent link in this process.');
        continue;
      }
      const hub = this.hub;
      const params = { manager, packages, advisories: list.map((t) => t.name) };
      let pending: Promise<unknown>;
      try {
        pending = hub.sendTask(accountId, uuid, VUL_FIX_TASK_KIND, params, { timeoutMs: FIX_TIMEOUT_MS });
      } catch (err) {
        await fail(err instanceof Error ? err.message : String(err));
        continue;
      }
      void pending
        .then(async (res) => {
          const message = fixSummary(res as AgentFixResult);
          for (const t of list) await this.setStatus(accountId, t, [VUL_STATUS.fixing], { status: VUL_STATUS.verifying, result_code: 'Upgraded', result_message: message });
          await hub.enqueueTask(accountId, uuid, INVENTORY_TASK_KIND, {}, 600_000);
        })
        .catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)))
        .catch((err: unknown) => this.log?.warn({ err, uuid }, 'vul_fix bookkeeping failed'));
    }
  }
}

/** The agent's vul.fix answer (src/agent/vuln-fix-feature.ts FixResult), as far as the server reads it. */
interface AgentFixResult {
  command?: string[];
  output?: string;
  preview?: { changes?: FixPreview['changes']; extra?: string[] };
}

export interface FixPreview {
  uuid: string;
  packages: string[];
  command: string;
  changes: Array<{ action: string; name: string; from?: string; to?: string }>;
  extra: string[];
  output: string;
  error: string;
}

function fixSummary(r: AgentFixResult): string {
  const changes = (r.preview?.changes ?? []).map((c) => `${c.action} ${c.name}${c.from ? ` ${c.from}` : ''}${c.to ? ` -> ${c.to}` : ''}`);
  return `${(r.command ?? []).join(' ')}\n${changes.join('\n')}`.slice(0, 2000);
}
