import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { splitList } from '../domain/assets/sql-helpers.js';
import { hostRecords } from '../domain/vulns/vul-query.js';
import { describeSettings, modifySetting, scanView } from '../domain/vulns/vul-settings.js';
import { createWhitelist, deleteWhitelist, modifyWhitelistTarget, parseTargetInfo, parseWhitelist } from '../domain/vulns/vul-whitelist.js';
import { MAX_EXPORT_ROWS } from '../domain/assets/export-service.js';
import type { Cell } from '../domain/assets/xlsx-writer.js';
import { filterOf, viewFilter } from './vulns.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));
const Rid = { RequestId: Type.String() };
const SettingT = Type.Object({ Type: Type.String(), Config: Type.String(), OverAllConfig: Type.String() });

export const modifyCreateVulWhitelist = defineAction({
  name: 'ModifyCreateVulWhitelist',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyCreateVulWhitelist'],
  rw: 'Write',
  description: 'Whitelists vulnerabilities (Whitelist: JSON [{"Name","Type","AliasName"}]) for every host or for TargetInfo {"type":"Uuid"|"GroupId","uuids","groupIds"}; their findings disappear from the lists.',
  params: Type.Object({ Reason: Str(1024), TargetInfo: Str(200_000), Whitelist: Type.String({ minLength: 2, maxLength: 200_000 }) }),
  response: Type.Object({ ...Rid, VulWhitelistList: Type.Array(Type.Object({ Id: Type.String(), Name: Type.String() })) }),
  async handler(ctx, p) {
    const items = parseWhitelist(p.Whitelist);
    const target = parseTargetInfo(p.TargetInfo);
    const ids = await createWhitelist(ctx.services.store.db, ctx.principal.accountId, items, p.Reason ?? '', target);
    await ctx.services.vulns.evaluateAll(ctx.principal.accountId);
    return { VulWhitelistList: ids.map((id, i) => ({ Id: String(id), Name: items[i]?.name ?? '' })) };
  },
});

export const deleteVulWhitelist = defineAction({
  name: 'DeleteVulWhitelist',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteVulWhitelist'],
  rw: 'Write',
  description: 'Removes whitelist entries (Id: comma list, or Whitelist: JSON [{"Name"}]); their findings are reported again.',
  params: Type.Object({ Id: Str(4096), Whitelist: Str(200_000) }),
  response: Type.Object(Rid),
  async handler(ctx, p) {
    const ids = splitList(p.Id, 500).map(Number);
    if (ids.some((n) => !Number.isInteger(n))) throw new VigilError('InvalidParameter', 'Id is a comma list of whitelist ids.', 400);
    const names = p.Whitelist ? parseWhitelist(p.Whitelist).map((w) => w.name) : [];
    await deleteWhitelist(ctx.services.store.db, ctx.principal.accountId, ids, names);
    await ctx.services.vulns.evaluateAll(ctx.principal.accountId);
    return {};
  },
});

export const modifyVulWhitelistTarget = defineAction({
  name: 'ModifyVulWhitelistTarget',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyVulWhitelistTarget'],
  rw: 'Write',
  description: 'Changes the hosts (TargetInfo; empty = all) and the reason of a whitelist entry.',
  params: Type.Object({ Id: Type.Integer({ minimum: 1 }), Reason: Str(1024), SourceIp: Str(64), TargetInfo: Str(200_000) }),
  response: Type.Object(Rid),
  async handler(ctx, p) {
    await modifyWhitelistTarget(ctx.services.store.db, ctx.principal.accountId, p.Id, p.Reason, parseTargetInfo(p.TargetInfo));
    await ctx.services.vulns.evaluateAll(ctx.principal.accountId);
    return {};
  },
});

export const describeVulConfig = defineAction({
  name: 'DescribeVulConfig',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeVulConfig'],
  rw: 'Read',
  description: 'Vulnerability settings: per type on/off (cve, sys, cms, app, emg, yum), scanMode (all | real), vulLevel (urgency levels shown: asap,later,nntf) and scanCycle (1day, 3days, 1week, 2weeks).',
  params: Type.Object({ SourceIp: Str(64), Type: Str(32) }),
  response: Type.Object({ ...Rid, TotalCount: Type.Integer(), TargetConfigs: Type.Array(SettingT) }),
  async handler(ctx, p) {
    const list = await describeSettings(ctx.services.store.db, ctx.principal.accountId, p.Type ? { type: p.Type } : {});
    return { TotalCount: list.length, TargetConfigs: list.map((s) => ({ Type: s.type, Config: s.config, OverAllConfig: s.overall })) };
  },
});

export const modifyVulConfig = defineAction({
  name: 'ModifyVulConfig',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyVulConfig'],
  rw: 'Write',
  description: 'Sets one vulnerability setting for the account: Type cve|sys|cms|app|emg|yum with Config on|off, scanMode all|real, vulLevel a comma list of asap,later,nntf, scanCycle 1day|3days|1week|2weeks.',
  params: Type.Object({ Config: Type.String({ minLength: 1, maxLength: 64 }), Type: Type.String({ minLength: 1, maxLength: 32 }) }),
  response: Type.Object(Rid),
  async handler(ctx, p) {
    await modifySetting(ctx.services.store.db, ctx.principal.accountId, p.Type, p.Config);
    return {};
  },
});

export const describeVulTargetConfig = defineAction({
  name: 'DescribeVulTargetConfig',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeVulTargetConfig'],
  rw: 'Read',
  description: 'Which vulnerability types are scanned on one host (Config: the host\'s on/off, OverAllConfig: the account\'s).',
  params: Type.Object({ Type: Str(16), Uuid: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({ ...Rid, TotalCount: Type.Integer(), TargetConfigs: Type.Array(SettingT) }),
  async handler(ctx, p) {
    await ctx.services.assets.requireUuids(ctx.principal.accountId, [p.Uuid]);
    const list = await describeSettings(ctx.services.store.db, ctx.principal.accountId, { uuid: p.Uuid, ...(p.Type ? { type: p.Type } : {}) });
    return { TotalCount: list.length, TargetConfigs: list.map((s) => ({ Type: s.type, Config: s.config, OverAllConfig: s.overall })) };
  },
});

export const modifyVulTargetConfig = defineAction({
  name: 'ModifyVulTargetConfig',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyVulTargetConfig'],
  rw: 'Write',
  description: 'Switches scanning of one vulnerability type (cve, sys, cms, app, emg, yum) on or off for one host (Config on|off).',
  params: Type.Object({ Config: Type.String({ minLength: 1, maxLength: 16 }), SourceIp: Str(64), Type: Type.String({ minLength: 1, maxLength: 16 }), Uuid: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object(Rid),
  async handler(ctx, p) {
    await ctx.services.assets.requireUuids(ctx.principal.accountId, [p.Uuid]);
    await modifySetting(ctx.services.store.db, ctx.principal.accountId, p.Type, p.Config, p.Uuid);
    return {};
  },
});

const STATUS_TEXT: Record<number, string> = { 1: 'unfixed', 2: 'fix failed', 4: 'fixing', 6: 'verifying', 7: 'fixed', 8: 'fixed, needs reboot', 10: 'ignored' };
const ISO = (ms: number) => (ms ? new Date(ms).toISOString() : '');
const EXPORT_HEADER = ['Name', 'AliasName', 'Level', 'CVSS', 'CVEs', 'Urgency', 'Tags', 'Status', 'Instance', 'IP', 'Uuid', 'Packages', 'FixedVersions', 'FirstSeen', 'LastSeen', 'Reason'];

export const exportVul = defineAction({
  name: 'ExportVul',
  product: 'Sas',
  ramActions: ['yundun-aegis:ExportVul', 'yundun-sas:ExportVul'],
  rw: 'Write',
  description: 'Starts an .xlsx export of the vulnerability list (same filters as DescribeVulList); poll DescribeVulExportInfo for the download Link.',
  params: Type.Object({
    AliasName: Str(),
    AttachTypes: Str(),
    ContainerName: Str(),
    CreateTsEnd: Type.Optional(Type.Integer()),
    CreateTsStart: Type.Optional(Type.Integer()),
    CveId: Str(64),
    Dealed: Str(4),
    GroupId: Str(32),
    ImageName: Str(),
    Lang: Str(8),
    Necessity: Str(32),
    Path: Str(),
    RaspDefend: Type.Optional(Type.Integer()),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
    SearchTags: Str(512),
    Type: Type.String({ minLength: 1, maxLength: 16 }),
    Uuids: Str(64_000),
    VpcInstanceIds: Str(4096),
  }),
  response: Type.Object({ ...Rid, CurrentCount: Type.Integer(), ExportStatus: Type.String(), FileName: Type.String(), Id: Type.Integer(), Progress: Type.Integer(), TotalCount: Type.Integer() }),
  async handler(ctx, p) {
    const acc = ctx.principal.accountId;
    const db = ctx.services.store.db;
    const filter = filterOf(p);
    const job = await ctx.services.assetExports.startJob(
      acc,
      `vul_${p.Type.replace(/\W/g, '')}`,
      async (progress) => {
        const view = await scanView(db, acc, p.Type);
        const rows: Cell[][] = [EXPORT_HEADER];
        if (p.Type !== 'cve' || !view.enabled) return rows;
        await ctx.services.vulns.evaluateStale(acc);
        let recs = await hostRecords(db, acc, { ...filter, ...viewFilter(view) });
        if (p.CreateTsStart !== undefined) recs = recs.filter((r) => r.firstTs >= (p.CreateTsStart ?? 0));
        if (p.CreateTsEnd !== undefined) recs = recs.filter((r) => r.firstTs <= (p.CreateTsEnd ?? 0));
        const views = new Map((await ctx.services.assets.views(acc, [...new Set(recs.map((r) => r.uuid))])).map((v) => [v.uuid, v]));
        if (p.GroupId) recs = recs.filter((r) => String(views.get(r.uuid)?.groupId ?? '') === p.GroupId);
        for (const r of recs.slice(0, MAX_EXPORT_ROWS)) {
          const v = views.get(r.uuid);
          rows.push([
            r.advisory.id,
            r.advisory.summary,
            r.advisory.severity,
            r.advisory.cvssScore !== undefined ? r.advisory.cvssScore.toFixed(1) : '',
            r.advisory.cves.join(','),
            r.necessity,
            r.tags.join(','),
            STATUS_TEXT[r.status] ?? String(r.status),
            v?.instanceName ?? r.uuid,
            v?.intranetIp || v?.internetIp || '',
            r.uuid,
            r.packages.map((x) => `${x.package} ${x.installed_version}`).join('\n'),
            r.packages.map((x) => x.fixed_version).join('\n'),
            ISO(r.firstTs),
            ISO(r.lastTs),
            r.reason,
          ]);
        }
        await progress(rows.length - 1, rows.length - 1);
        return rows;
      },
      ctx.meta.now.getTime(),
    );
    return { CurrentCount: 0, ExportStatus: 'exporting', FileName: job.fileName, Id: job.id, Progress: 0, TotalCount: 0 };
  },
});

export const describeVulExportInfo = defineAction({
  name: 'DescribeVulExportInfo',
  product: 'Sas',
  ramActions: ['yundun-aegis:DescribeVulExportInfo', 'yundun-sas:DescribeVulExportInfo'],
  rw: 'Read',
  description: 'Progress of an ExportVul; Link (relative to the server) downloads the .xlsx when ExportStatus is success.',
  params: Type.Object({ ExportId: Type.Integer({ minimum: 1 }), ResourceDirectoryAccountId: Type.Optional(Type.Integer()) }),
  response: Type.Object({ ...Rid, CurrentCount: Type.Integer(), ExportStatus: Type.String(), FileName: Type.String(), Id: Type.Integer(), Link: Type.String(), Message: Type.String(), Progress: Type.Integer(), TotalCount: Type.Integer() }),
  async handler(ctx, p) {
    const i = await ctx.services.assetExports.info(ctx.principal.accountId, p.ExportId);
    return { CurrentCount: i.currentCount, ExportStatus: i.status, FileName: i.fileName, Id: i.id, Link: i.link, Message: i.message, Progress: i.progress, TotalCount: i.totalCount };
  },
});

export const VULN_SETTING_ACTIONS = [modifyCreateVulWhitelist, deleteVulWhitelist, modifyVulWhitelistTarget, describeVulConfig, modifyVulConfig, describeVulTargetConfig, modifyVulTargetConfig, exportVul, describeVulExportInfo];
