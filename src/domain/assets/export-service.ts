import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import type { AssetService } from './asset-service.js';
import { nextId } from './asset-service.js';
import type { InstanceView } from './asset-types.js';
import type { ItemKind } from './inventory-rows.js';
import { parseCriteria, queryInstances } from './instance-query.js';
import { queryItems, type ItemFilter, type ItemRow } from './item-query.js';
import { writeXlsx, type Cell } from './xlsx-writer.js';

export const EXPORT_TYPES = ['assetInstance', 'process', 'port', 'user', 'software', 'cron'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/** Rows per export: an export is a report, not a database dump. */
export const MAX_EXPORT_ROWS = 100_000;
const PAGE = 1000;
const LINK_TTL_MS = 24 * 3_600_000;

const ISO = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : '');

const ITEM_EXPORTS: Record<Exclude<ExportType, 'assetInstance'>, { kind: ItemKind; header: string[]; row: (r: ItemRow) => Cell[] }> = {
  process: {
    kind: 'process',
    header: ['Instance', 'IP', 'Uuid', 'Name', 'Pid', 'User', 'Path', 'Sha256', 'Cmdline', 'StartTime'],
    row: (r) => [r.instanceName, r.intranetIp || r.internetIp, r.uuid, r.name, r.pid, r.userName, r.path, r.version, r.detail, ISO(r.ts)],
  },
  port: {
    kind: 'port',
    header: ['Instance', 'IP', 'Uuid', 'Port', 'Proto', 'BindIp', 'Pid', 'Process'],
    row: (r) => [r.instanceName, r.intranetIp || r.internetIp, r.uuid, r.port, r.version, r.detail, r.pid, r.name],
  },
  user: {
    kind: 'account',
    header: ['Instance', 'IP', 'Uuid', 'User', 'Uid', 'Root', 'Sudoer', 'Shell', 'PasswordState', 'LastLogin', 'LastLoginFrom'],
    row: (r) => [r.instanceName, r.intranetIp || r.internetIp, r.uuid, r.name, r.pid, r.flag === 1 ? 'yes' : 'no', r.data.sudoer === true ? 'yes' : 'no', r.detail, String(r.data.passwordState ?? ''), ISO(r.ts), String(r.data.lastLoginFrom ?? '')],
  },
  software: {
    kind: 'software',
    header: ['Instance', 'IP', 'Uuid', 'Name', 'Version', 'Source', 'Path', 'InstallTime'],
    row: (r) => [r.instanceName, r.intranetIp || r.internetIp, r.uuid, r.name, r.version, r.detail, r.path, ISO(r.ts)],
  },
  cron: {
    kind: 'cron',
    header: ['Instance', 'IP', 'Uuid', 'User', 'Period', 'Command', 'Source'],
    row: (r) => [r.instanceName, r.intranetIp || r.internetIp, r.uuid, r.userName, r.detail, r.name, r.path],
  },
};

const INSTANCE_HEADER = ['InstanceName', 'Uuid', 'IntranetIp', 'InternetIp', 'Status', 'Os', 'Kernel', 'Cpu', 'Cores', 'MemMB', 'Group', 'Tags', 'Importance', 'Vendor', 'LastInventory'];
const instanceRow = (v: InstanceView): Cell[] => [v.instanceName, v.uuid, v.intranetIp, v.internetIp, v.clientStatus, v.osName, v.kernel, v.cpuInfo, v.cores, v.memMb, v.groupName, v.tags.map((t) => t.name).join(','), v.importance, v.vendorName, ISO(v.lastInventoryAt)];

export interface ExportInfo {
  id: number;
  fileName: string;
  status: 'exporting' | 'success' | 'failed';
  progress: number;
  totalCount: number;
  currentCount: number;
  message: string;
  /** Path of the download route, with the one-time token (absent until done). */
  link: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * ExportRecord / DescribeExportInfo: writes the asset lists as .xlsx under `<home>/exports` in the
 * background and reports progress. The download link carries a random token, like a pre-signed
 * object-store URL: GET /exports/assets/<id>/<token>, valid for 24 h.
 */
export class AssetExportService {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly assets: AssetService,
    private readonly dir: string,
  ) {}

  async start(accountId: string, type: string, paramsJson: string | undefined, now = Date.now()): Promise<{ id: number; fileName: string }> {
    if (!(EXPORT_TYPES as readonly string[]).includes(type)) throw new VigilError('InvalidParameter', `ExportType must be one of ${EXPORT_TYPES.join(', ')}.`, 400);
    const params = parseParams(paramsJson);
    return this.startJob(accountId, type, (progress) => this.assetRows(accountId, type as ExportType, params, progress), now);
  }

  /**
   * Any export job (assets here; vulnerabilities through ExportVul): `produce` returns the sheet's
   * rows (header first, at most MAX_EXPORT_ROWS + 1) and reports progress; the file, status,
   * progress and download link are handled here for every kind.
   */
  async startJob(accountId: string, type: string, produce: (progress: (current: number, total: number) => Promise<void>) => Promise<Cell[][]>, now = Date.now()): Promise<{ id: number; fileName: string }> {
    const token = randomBytes(24).toString('base64url');
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    const fileName = `${type}_${stamp}.xlsx`;
    const id = await this.db.transaction().execute(async (tx) => {
      const next = await nextId(tx, 'asset_exports', accountId);
      await tx
        .insertInto('asset_exports')
        .values({ account_id: accountId, id: next, export_type: type, file_name: fileName, status: 'exporting', progress: 0, total_count: 0, current_count: 0, file_path: null, token, expires_at: now + LINK_TTL_MS, message: '', created_at: now })
        .execute();
      return next;
    });
    const job = this.run(accountId, id, type, produce)
      .catch(async (err: unknown) => {
        await this.db.updateTable('asset_exports').set({ status: 'failed', message: err instanceof Error ? err.message.slice(0, 500) : 'export failed' }).where('account_id', '=', accountId).where('id', '=', id).execute();
      })
      .finally(() => this.running.delete(job));
    this.running.add(job);
    return { id, fileName };
  }

  /** Waits for background exports (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async assetRows(accountId: string, type: ExportType, params: Record<string, unknown>, progress: (current: number, total: number) => Promise<void>): Promise<Cell[][]> {
    const rows: Cell[][] = [];
    if (type === 'assetInstance') {
      rows.push(INSTANCE_HEADER);
      const criteria = parseCriteria(typeof params.Criteria === 'string' ? params.Criteria : undefined);
      const logicalExp = params.LogicalExp === 'OR' ? 'OR' : 'AND';
      for (let page = 1; ; page++) {
        const res = await queryInstances(this.db, this.assets, accountId, { criteria, logicalExp, currentPage: page, pageSize: PAGE });
        for (const v of res.items) rows.push(instanceRow(v));
        await progress(rows.length - 1, Math.min(res.totalCount, MAX_EXPORT_ROWS));
        if (res.items.length < PAGE || rows.length - 1 >= MAX_EXPORT_ROWS) break;
      }
    } else {
      const spec = ITEM_EXPORTS[type];
      rows.push(spec.header);
      const filter = itemFilter(params);
      for (let page = 1; ; page++) {
        const res = await queryItems(this.db, accountId, spec.kind, filter, page, PAGE);
        for (const r of res.items) rows.push(spec.row(r));
        await progress(rows.length - 1, Math.min(res.totalCount, MAX_EXPORT_ROWS));
        if (res.items.length < PAGE || rows.length - 1 >= MAX_EXPORT_ROWS) break;
      }
    }
    return rows;
  }

  private async run(accountId: string, id: number, type: string, produce: (progress: (current: number, total: number) => Promise<void>) => Promise<Cell[][]>): Promise<void> {
    const progress = async (current: number, total: number) => {
      await this.db
        .updateTable('asset_exports')
        .set({ current_count: current, total_count: total, progress: total === 0 ? 100 : Math.min(99, Math.floor((current * 100) / total)) })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .execute();
    };
    const rows = (await produce(progress)).slice(0, MAX_EXPORT_ROWS + 1);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${sha256(`${accountId}:${id}`).slice(0, 16)}-${id}.xlsx`);
    writeFileSync(path, writeXlsx(type, rows), { mode: 0o600 });
    await this.db
      .updateTable('asset_exports')
      .set({ status: 'success', progress: 100, current_count: Math.max(0, rows.length - 1), total_count: Math.max(0, rows.length - 1), file_path: path })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  async info(accountId: string, id: number): Promise<ExportInfo> {
    const r = await this.db.selectFrom('asset_exports').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!r) throw new VigilError('ExportNotExist', `Export ${id} does not exist.`, 404);
    return {
      id: r.id,
      fileName: r.file_name,
      status: r.status === 'success' ? 'success' : r.status === 'failed' ? 'failed' : 'exporting',
      progress: r.progress,
      totalCount: r.total_count,
      currentCount: r.current_count,
      message: r.message,
      link: r.status === 'success' ? `/exports/assets/${r.id}/${r.token}` : '',
    };
  }

  /** The file behind a download link, or null for a wrong/expired token (compared in constant time). */
  async resolveDownload(id: number, token: string, now = Date.now()): Promise<{ path: string; fileName: string } | null> {
    const rows = await this.db.selectFrom('asset_exports').select(['file_path', 'file_name', 'token', 'expires_at', 'status']).where('id', '=', id).execute();
    const r = rows.find((x) => {
      const a = Buffer.from(sha256(x.token), 'hex');
      const b = Buffer.from(sha256(token), 'hex');
      return timingSafeEqual(a, b);
    });
    if (!r || r.status !== 'success' || !r.file_path || r.expires_at < now) return null;
    return { path: r.file_path, fileName: r.file_name };
  }
}

function parseParams(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const p = JSON.parse(json) as unknown;
    if (p && typeof p === 'object' && !Array.isArray(p)) return p as Record<string, unknown>;
  } catch {
    // Fall through to the error below.
  }
  throw new VigilError('InvalidParameter', 'Params must be a JSON object of the list filters.', 400);
}

function itemFilter(p: Record<string, unknown>): ItemFilter {
  const s = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  const port = s('Port') ?? (typeof p.Port === 'number' ? String(p.Port) : undefined);
  return {
    ...(s('Uuid') ? { uuid: s('Uuid') } : {}),
    ...(s('Name') ? { name: s('Name') } : {}),
    ...(s('User') ? { user: s('User') } : {}),
    ...(port !== undefined && Number.isInteger(Number(port)) ? { port: Number(port) } : {}),
    ...(s('Remark') ? { remark: s('Remark') } : {}),
  };
}
