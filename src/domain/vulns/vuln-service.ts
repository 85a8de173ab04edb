/**
 * Vulnerability management (SPEC R-4): the advisory DB, server-side matching of stored inventories,
 * and the finding lifecycle (ignore, verify, fix through the agent).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { AgentHub } from '../../server/agent-hub.js';
import { VigilError } from '../errors.js';
import { AdvisoryCache } from './advisory-cache.js';
import { dbVersion, importAdvisoriesTracked, type ImportChanges, type ImportReport } from './advisory-store.js';
import { evaluateHost, type EvaluationResult, type EvaluationScope } from './host-evaluation.js';
import { parseEcosystem } from '../../engines/vulnmatch/index.js';
import { OPEN_STATUSES, VUL_STATUS } from './vul-status.js';
import { scanCycleMs } from './vul-settings.js';

/** Agent task kind that upgrades packages (src/agent/vuln-fix-feature.ts). */
export const VUL_FIX_TASK_KIND = 'vul.fix';
/** Agent task that answers with a fresh inventory snapshot (src/agent/inventory-feature.ts). */
const INVENTORY_TASK_KIND = 'inventory.collect';
const FIX_TIMEOUT_MS = 30 * 60_000;

/** How an import brought the hosts up to the new DB version. */
export interface ReevaluationReport {
  /** Hosts now evaluated as of the new version (rematched + full + advanced). */
  hosts: number;
  /** Matched again for the changed advisories only. */
  rematched: number;
  /** Evaluated in full (new or unevaluated inventory, or an older state). */
  full: number;
  /** Moved to the new version without matching (none of their packages is named by the change). */
  advanced: number;
}

/** An ecosystem whose packages could be matched outside the OS inventory index (PyPI, npm, CMS…). */
function isAppEcosystemKey(key: string): boolean {
  try {
    const eco = parseEcosystem(key);
    return !eco.os && eco.scheme !== undefined;
  } catch {
    return false;
  }
}

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

  /**
   * Imports OSV records / KEV lists, then brings every host with an inventory up to the new DB
   * version (see reevaluateAfterImport). `hosts` counts them all; `rematched` those matched again.
   */
  async importPath(path: string): Promise<ImportReport & ReevaluationReport> {
    const { report, changes } = await importAdvisoriesTracked(this.db, path);
    const none: ReevaluationReport = { hosts: 0, rematched: 0, full: 0, advanced: 0 };
    const re = changes.toVersion !== changes.fromVersion ? await this.reevaluateAfterImport(changes) : none;
    return { ...report, ...re };
  }

  /**
   * Incremental re-evaluation after a DB update. Hosts whose state is current as of the previous
   * version with their present inventory are matched again only if their packages' lookup names
   * (vul_host_names) include a package the changed advisories name, and then only for those
   * advisories; the others just move to the new version in one UPDATE. Hosts with a new or
   * unevaluated inventory, or a state older than the previous version, are evaluated in full.
   * Changes to application ecosystems (not indexed per host) fall back to a full evaluation.
   */
  async reevaluateAfterImport(changes: ImportChanges): Promise<ReevaluationReport> {
    const hosts = await this.db
      .selectFrom('asset_instances as i')
      .leftJoin('vul_host_state as s', (j) => j.onRef('s.account_id', '=', 'i.account_id').onRef('s.uuid', '=', 'i.uuid'))
      .select(['i.account_id', 'i.uuid', 'i.last_inventory_at', 's.inventory_at', 's.db_version'])
      .where('i.last_inventory_at', '>', 0)
      .execute();
    const appChange = [...changes.pairs.keys()].some(isAppEcosystemKey);
    const touched = appChange ? undefined : await this.hostsNaming(changes.pairs);
    const scope: EvaluationScope = { advisories: changes.advisories, fromVersion: changes.fromVersion };
    const out: ReevaluationReport = { hosts: 0, rematched: 0, full: 0, advanced: 0 };
    for (const h of hosts) {
      if (this.stopped) break;
      const current = h.inventory_at !== null && Number(h.inventory_at) === Number(h.last_inventory_at) && Number(h.db_version) === changes.fromVersion;
      const key = `${h.account_id}\u0000${h.uuid}`;
      if (current && touched && !touched.has(key)) continue;
      const r = await this.evaluate(h.account_id, h.uuid, current ? scope : undefined);
      if (r.incremental) out.rematched++;
      else out.full++;
    }
    // Everyone else: nothing they have is named by the change.
    const moved = await this.db
      .updateTable('vul_host_state as s')
      .set({ db_version: changes.toVersion })
      .where('s.db_version', '=', changes.fromVersion)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('asset_instances as i')
            .select('i.uuid')
            .whereRef('i.account_id', '=', 's.account_id')
            .whereRef('i.uuid', '=', 's.uuid')
            .whereRef('i.last_inventory_at', '=', 's.inventory_at'),
        ),
      )
      .executeTakeFirst();
    out.advanced = Number(moved.numUpdatedRows);
    out.hosts = out.rematched + out.full + out.advanced;
    return out;
  }

  /** Hosts (account \0 uuid) with a package looked up by one of these (ecosystem key, name) pairs. */
  private async hostsNaming(pairs: ReadonlyMap<string, ReadonlySet<string>>): Promise<Set<string>> {
    const out = new Set<string>();
    for (const [ecoKey, names] of pairs) {
      const list = [...names];
      for (let i = 0; i < list.length; i += 500) {
        const rows = await this.db.selectFrom('vul_host_names').select(['account_id', 'uuid']).distinct().where('eco_key', '=', ecoKey).where('name', 'in', list.slice(i, i + 500)).execute();
        for (const r of rows) out.add(`${r.account_id}\u0000${r.uuid}`);
      }
    }
    return out;
  }

  /** Evaluations of one account run one after another (finding ids are allocated per account). */
  evaluate(accountId: string, uuid: string, scope?: EvaluationScope): Promise<EvaluationResult> {
    const key = accountId;
    const prior = this.chains.get(key) ?? Promise.resolve();
    const run = prior.catch(() => undefined).then(() => evaluateHost(this.db, this.cache, accountId, uuid, Date.now(), scope));
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
