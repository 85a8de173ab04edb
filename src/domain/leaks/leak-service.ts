import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { sha256Hex } from '../../iam/crypto.js';
import type { AccessKeyService } from '../iam/access-key-service.js';
import { VigilError } from '../errors.js';
import { DEAL_STATUS, type LeakDealType, type LeakListQuery, type LeakRecord, type LeakSourceView, type LeakStatus, type ScanOutcome } from './leak-types.js';
import { DEFAULT_SCAN_LIMITS, resolveSourceLocation, scanLeakSource, type LeakSourceKind, type SourceLeak, type SourceScanLimits } from './source-scan.js';

const MAX_SOURCES_PER_ACCOUNT = 100;
const MAX_DEAL_IDS = 200;

type Log = { warn(o: object, m: string): void };

/**
 * AK-leak workflow (R-7.1): registered directories and git repositories are scanned on demand and
 * on their schedule; each credential found is stored once per (secret hash, location), matched to
 * the account's own AccessKeys, and handled (disable / whitelist / manual).
 */
export class LeakService {
  /** Scans run one at a time per server: bounded CPU, and leak ids are allocated as max + 1. */
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly accessKeys: Pick<AccessKeyService, 'setStatus'>,
    private readonly limits: SourceScanLimits = DEFAULT_SCAN_LIMITS,
  ) {}

  async addSource(accountId: string, p: { kind: LeakSourceKind; location: string; name?: string; intervalMinutes: number }, now = Date.now()): Promise<LeakSourceView> {
    const location = await resolveSourceLocation(p.kind, p.location);
    const count = await this.db.selectFrom('leak_sources').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_SOURCES_PER_ACCOUNT) throw new VigilError('LimitExceeded.LeakScanSource', `At most ${MAX_SOURCES_PER_ACCOUNT} scan sources per account.`, 409);
    const dup = await this.db.selectFrom('leak_sources').select('id').where('account_id', '=', accountId).where('kind', '=', p.kind).where('location', '=', location).executeTakeFirst();
    if (dup) throw new VigilError('LeakScanSource.Exists', `${location} is already registered.`, 409);
    const row = {
      id: randomUUID(),
      account_id: accountId,
      kind: p.kind,
      location,
      name: p.name?.trim() || location.split('/').filter(Boolean).pop() || location,
      interval_minutes: p.intervalMinutes,
      last_scan_at: null,
      last_status: 'never',
      last_message: '',
      created_at: now,
    };
    await this.db.insertInto('leak_sources').values(row).execute();
    return sourceView(row);
  }

  async listSources(accountId: string): Promise<LeakSourceView[]> {
    const rows = await this.db.selectFrom('leak_sources').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
    return rows.map(sourceView);
  }

  async deleteSource(accountId: string, id: string): Promise<void> {
    const res = await this.db.deleteFrom('leak_sources').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError('LeakScanSource.NotFound', `No scan source ${id}.`, 404);
  }

  /** Scans one source now (queued behind any running scan) and stores new leaks. */
  scanSource(accountId: string, id: string, now: () => number = Date.now): Promise<ScanOutcome> {
    const run = this.chain.then(() => this.runScan(accountId, id, now));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Scans every source whose interval has elapsed; called by the schedule timer. */
  async scanDue(now = Date.now()): Promise<ScanOutcome[]> {
    const rows = await this.db.selectFrom('leak_sources').select(['id', 'account_id', 'interval_minutes', 'last_scan_at']).where('interval_minutes', '>', 0).execute();
    const out: ScanOutcome[] = [];
    for (const r of rows) {
      if (r.last_scan_at !== null && now - Number(r.last_scan_at) < r.interval_minutes * 60_000) continue;
      out.push(await this.scanSource(r.account_id, r.id).catch((err: unknown) => ({ sourceId: r.id, found: 0, added: 0, truncated: false, message: String(err) })));
    }
    return out;
  }

  startSchedule(log: Log, everyMs = 30_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.scanDue().catch((err: unknown) => log.warn({ err }, 'scheduled leak scan failed'));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async runScan(accountId: string, id: string, now: () => number): Promise<ScanOutcome> {
    const src = await this.db.selectFrom('leak_sources').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!src) throw new VigilError('LeakScanSource.NotFound', `No scan source ${id}.`, 404);
    let outcome: ScanOutcome;
    try {
      const r = await scanLeakSource(src.kind, src.location, this.limits);
      let added = 0;
      for (const leak of r.leaks) if (await this.store(accountId, src.id, leak, now())) added++;
      outcome = { sourceId: id, found: r.leaks.length, added, truncated: r.truncated, message: `${r.detail}; ${r.leaks.length} secrets found, ${added} new${r.truncated ? '; results truncated' : ''}` };
      await this.db.updateTable('leak_sources').set({ last_scan_at: now(), last_status: 'ok', last_message: outcome.message.slice(0, 1000) }).where('id', '=', id).execute();
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      await this.db.updateTable('leak_sources').set({ last_scan_at: now(), last_status: 'failed', last_message: message }).where('id', '=', id).execute();
      throw new VigilError('LeakScan.Failed', `The scan of ${src.location} failed: ${message}`, 500);
    }
    return outcome;
  }

  /** Inserts a leak unless the same secret at the same location is already known. */
  private async store(accountId: string, sourceId: string, leak: SourceLeak, now: number): Promise<boolean> {
    const dedupKey = sha256Hex([leak.secretHash, sourceId, leak.file, String(leak.line), leak.commit ?? ''].join('\0'));
    const exists = await this.db.selectFrom('ak_leaks').select('id').where('account_id', '=', accountId).where('dedup_key', '=', dedupKey).executeTakeFirst();
    if (exists) return false;
    const owner = leak.keyId ? await this.ownerOf(accountId, leak.keyId) : null;
    // A secret whitelisted once stays whitelisted wherever it shows up again.
    const white = await this.db.selectFrom('ak_leaks').select('id').where('account_id', '=', accountId).where('secret_hash', '=', leak.secretHash).where('status', '=', 'whitelisted').executeTakeFirst();
    const max = await this.db.selectFrom('ak_leaks').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
    await this.db
      .insertInto('ak_leaks')
      .values({
        id: Number(max?.m ?? 0) + 1,
        account_id: accountId,
        source_id: sourceId,
        dedup_key: dedupKey,
        secret_hash: leak.secretHash,
        rule_id: leak.ruleId.slice(0, 64),
        provider: leak.provider.slice(0, 32),
        key_id: leak.keyId?.slice(0, 128) ?? null,
        file: leak.file.slice(0, 1024),
        line: leak.line,
        commit_id: leak.commit ?? null,
        author: leak.author?.slice(0, 256) ?? null,
        commit_date: leak.commitDate ?? null,
        excerpt: leak.excerpt.slice(0, 1024),
        owner_user_id: owner,
        status: white ? 'whitelisted' : 'pending',
        deal_type: white ? 'add-whitelist' : null,
        deal_at: white ? now : null,
        remark: '',
        created_at: now,
        updated_at: now,
      })
      .execute();
    return true;
  }

  /** The user of this account owning AccessKey `keyId`, if it is one of Vigil's own keys. */
  private async ownerOf(accountId: string, keyId: string): Promise<string | null> {
    const row = await this.db.selectFrom('access_keys').select('user_id').where('id', '=', keyId).where('account_id', '=', accountId).executeTakeFirst();
    return row?.user_id ?? null;
  }

  async list(accountId: string, q: LeakListQuery): Promise<{ total: number; pending: number; lastAt: number | null; records: LeakRecord[] }> {
    let base = this.db.selectFrom('ak_leaks').where('ak_leaks.account_id', '=', accountId);
    if (q.status === 'pending') base = base.where('ak_leaks.status', '=', 'pending');
    else if (q.status === 'deal') base = base.where('ak_leaks.status', '!=', 'pending');
    else if (q.status) base = base.where('ak_leaks.status', '=', q.status as LeakStatus);
    if (q.startTs !== undefined) base = base.where('ak_leaks.created_at', '>=', q.startTs);
    if (q.query) {
      const like = `%${q.query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      base = base.where((eb) => eb.or([eb('ak_leaks.key_id', 'like', like), eb('ak_leaks.file', 'like', like), eb('ak_leaks.author', 'like', like)]));
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const stats = await this.db
      .selectFrom('ak_leaks')
      .select((eb) => [eb.fn.max<number>('created_at').as('last'), eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const ids = await base.select('ak_leaks.id').orderBy('ak_leaks.id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
    const records = await this.records(accountId, ids.map((r) => Number(r.id)));
    return { total: Number(total.n), pending: Number(stats.n), lastAt: stats.last === null ? null : Number(stats.last), records };
  }

  async detail(accountId: string, id: number): Promise<LeakRecord> {
    const [r] = await this.records(accountId, [id]);
    if (!r) throw new VigilError('AccessKeyLeak.NotFound', `No AccessKey leak ${id}.`, 404);
    return r;
  }

  private async records(accountId: string, ids: number[]): Promise<LeakRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('ak_leaks')
      .leftJoin('leak_sources', 'leak_sources.id', 'ak_leaks.source_id')
      .leftJoin('access_keys', (j) => j.onRef('access_keys.id', '=', 'ak_leaks.key_id').onRef('access_keys.account_id', '=', 'ak_leaks.account_id'))
      .leftJoin('users', 'users.id', 'ak_leaks.owner_user_id')
      .selectAll('ak_leaks')
      .select(['leak_sources.kind as source_kind', 'leak_sources.location as source_location', 'leak_sources.name as source_name', 'access_keys.status as key_status', 'users.user_name as owner_name'])
      .where('ak_leaks.account_id', '=', accountId)
      .where('ak_leaks.id', 'in', ids)
      .orderBy('ak_leaks.id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      sourceId: r.source_id,
      sourceKind: r.source_kind ?? '',
      sourceLocation: r.source_location ?? '',
      sourceName: r.source_name ?? '',
      ruleId: r.rule_id,
      provider: r.provider,
      keyId: r.key_id,
      file: r.file,
      line: r.line,
      commit: r.commit_id,
      author: r.author,
      commitDate: r.commit_date,
      excerpt: r.excerpt,
      ownerUserId: r.owner_user_id,
      ownerUserName: r.owner_name ?? null,
      tokenValid: r.owner_user_id && r.key_status === 'Active' ? 1 : 0,
      status: r.status,
      dealType: r.deal_type,
      dealAt: r.deal_at === null ? null : Number(r.deal_at),
      remark: r.remark,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  /**
   * Handles leaks. `disable` deactivates the leaked key through the AccessKey service (so signed
   * calls with it fail `InvalidAccessKeyId.Inactive`); it is refused for a leak that is not one of
   * this account's own keys, before anything changes.
   */
  async deal(accountId: string, ids: number[], type: LeakDealType, remark: string, now = Date.now()): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw new VigilError('MissingParameter.Id', 'Id or IdList names the leaks to handle.', 400);
    if (unique.length > MAX_DEAL_IDS) throw new VigilError('InvalidParameter.IdList', `At most ${MAX_DEAL_IDS} leaks per call.`, 400);
    const rows = await this.db.selectFrom('ak_leaks').select(['id', 'key_id', 'owner_user_id']).where('account_id', '=', accountId).where('id', 'in', unique).execute();
    if (rows.length !== unique.length) throw new VigilError('AccessKeyLeak.NotFound', 'Some leaks do not exist.', 404);
    if (type === 'disable') {
      const notOwn = rows.find((r) => !r.key_id || !r.owner_user_id);
      if (notOwn) throw new VigilError('AccessKeyLeak.NotVigilKey', `Leak ${notOwn.id} is not one of this account's Vigil AccessKeys; it can only be whitelisted or marked handled.`, 400);
      for (const r of rows) if (r.key_id && r.owner_user_id) await this.accessKeys.setStatus(accountId, r.owner_user_id, r.key_id, 'Inactive');
    }
    await this.db
      .updateTable('ak_leaks')
      .set({ status: DEAL_STATUS[type], deal_type: type, deal_at: now, remark: remark.slice(0, 1024), updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', 'in', unique)
      .execute();
  }
}

function sourceView(r: Database['leak_sources']): LeakSourceView {
  return {
    Id: r.id,
    Kind: r.kind,
    Location: r.location,
    Name: r.name,
    IntervalMinutes: r.interval_minutes,
    ...(r.last_scan_at !== null ? { LastScanTime: Number(r.last_scan_at) } : {}),
    LastScanStatus: r.last_status,
    LastScanMessage: r.last_message,
    CreateTime: Number(r.created_at),
  };
}
