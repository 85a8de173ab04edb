import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { EXPORT_TYPES, MAX_EXPORT_ROWS } from '../domain/assets/export-service.js';
import { BASELINE_EXPORT_TYPE, baselineExportRows } from '../domain/baseline/baseline-export.js';

function jsonParams(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const p = JSON.parse(raw) as unknown;
    if (p && typeof p === 'object' && !Array.isArray(p)) return p as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new VigilError('InvalidParameter', 'Params must be a JSON object of the list filters.', 400);
}

export const exportRecord = defineAction({
  name: 'ExportRecord',
  product: 'Sas',
  ramActions: ['yundun-sas:ExportRecord'],
  rw: 'Write',
  description: 'Starts an .xlsx export of an asset list (ExportType assetInstance, process, port, user, software, cron) or of baseline check results (exportHcWarning; Params Uuids, RiskIds, CheckIds, StatusList, RiskLevels); Params is a JSON object of the list filters. Poll DescribeExportInfo.',
  params: Type.Object({
    ExportFileType: Type.Optional(Type.String({ maxLength: 16 })),
    ExportType: Type.String({ minLength: 1, maxLength: 64 }),
    Lang: Type.Optional(Type.String({ maxLength: 8 })),
    Params: Type.Optional(Type.String({ maxLength: 16_384 })),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
  }),
  response: Type.Object({ RequestId: Type.String(), FileName: Type.String(), Id: Type.Integer() }),
  async handler(ctx, p) {
    if (p.ExportType === BASELINE_EXPORT_TYPE) {
      const accountId = ctx.principal.accountId;
      const params = jsonParams(p.Params);
      const hosts = async (uuids: string[]) => {
        const views = await ctx.services.assets.views(accountId, uuids);
        return new Map(views.map((v) => [v.uuid, { name: v.instanceName, ip: v.intranetIp || v.internetIp }]));
      };
      const job = await ctx.services.assetExports.startJob(accountId, p.ExportType, (progress) => baselineExportRows(ctx.services.baseline, accountId, params, hosts, progress, MAX_EXPORT_ROWS), ctx.meta.now.getTime());
      return { FileName: job.fileName, Id: job.id };
    }
    if (!(EXPORT_TYPES as readonly string[]).includes(p.ExportType)) throw new VigilError('InvalidParameter', `ExportType must be one of ${[...EXPORT_TYPES, BASELINE_EXPORT_TYPE].join(', ')}.`, 400);
    const job = await ctx.services.assetExports.start(ctx.principal.accountId, p.ExportType, p.Params, ctx.meta.now.getTime());
    return { FileName: job.fileName, Id: job.id };
  },
});

export const describeExportInfo = defineAction({
  name: 'DescribeExportInfo',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeExportInfo'],
  rw: 'Read',
  description: 'Progress of an export; Link (relative to the server) downloads the .xlsx when ExportStatus is success.',
  params: Type.Object({ ExportId: Type.Integer({ minimum: 1 }), ResourceDirectoryAccountId: Type.Optional(Type.Integer()) }),
  response: Type.Object({
    RequestId: Type.String(),
    CurrentCount: Type.Integer(),
    ExportStatus: Type.String(),
    FileName: Type.String(),
    Id: Type.Integer(),
    Link: Type.String(),
    Message: Type.String(),
    Progress: Type.Integer(),
    TotalCount: Type.Integer(),
  }),
  async handler(ctx, p) {
    const i = await ctx.services.assetExports.info(ctx.principal.accountId, p.ExportId);
    return { CurrentCount: i.currentCount, ExportStatus: i.status, FileName: i.fileName, Id: i.id, Link: i.link, Message: i.message, Progress: i.progress, TotalCount: i.totalCount };
  },
});

export const ASSET_EXPORT_ACTIONS = [exportRecord, describeExportInfo];
