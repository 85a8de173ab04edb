import { Type } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { splitList } from '../domain/assets/sql-helpers.js';
import { groupedRecords, hostRecords, type FindingFilter, type HostRecord } from '../domain/vulns/vul-query.js';
import type { VulTarget } from '../domain/vulns/vuln-service.js';
import { parseEcosystem } from '../engines/vulnmatch/index.js';
import { PAGE_FIELDS } from './sas-paging.js';
import { scanView, type ScanView } from '../domain/vulns/vul-settings.js';
import { relatedProcesses } from '../domain/vulns/related-processes.js';
import { emgRecords } from '../domain/vulns/emg-vulns.js';
import { EMG_VUL_TYPE, FINDING_VUL_TYPES, type FindingVulType } from '../domain/vulns/vul-types.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));
const Page = { CurrentPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), PageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) };
/** Types Vigil has findings for: cve, app, cms (advisory matcher) and emg (baseline results); sys (Windows) and sca are empty lists. */
const OS_TYPE = 'cve';
const findingType = (t: string | undefined): FindingVulType | undefined => FINDING_VUL_TYPES.find((x) => x === (t ?? OS_TYPE));

const encodeToken = (page: number) => Buffer.from(`p:${page}`).toString('base64url');
function pageOf(p: { CurrentPage?: number; NextToken?: string; UseNextToken?: boolean }): number {
  if (!p.UseNextToken || !p.NextToken) return p.CurrentPage ?? 1;
  const m = /^p:(\d{1,9})$/.exec(Buffer.from(p.NextToken, 'base64url').toString('utf8'));
  if (!m) throw new VigilError('InvalidParameter', 'NextToken is not one this server issued.', 400);
  return Number(m[1]);
}

export function filterOf(p: { Uuids?: string; AliasName?: string; Necessity?: string; Dealed?: string; StatusList?: string; Name?: string; CveId?: string; SearchTags?: string }): FindingFilter {
  const dealed = p.Dealed?.toLowerCase();
  const statuses = splitList(p.StatusList, 20).map(Number);
  if (statuses.some((s) => !Number.isInteger(s))) throw new VigilError('InvalidParameter', 'StatusList is a comma list of status codes.', 400);
  return {
    ...(p.Uuids ? { uuids: splitList(p.Uuids) } : {}),
    ...(p.Name ? { names: splitList(p.Name, 100) } : {}),
    ...(p.AliasName ? { aliasName: p.AliasName } : {}),
    ...(p.Necessity ? { necessity: splitList(p.Necessity, 3) } : {}),
    ...(statuses.length ? { statuses } : {}),
    ...(dealed === 'y' || dealed === 'n' ? { dealed } : {}),
    ...(p.CveId ? { cveId: p.CveId } : {}),
    ...(p.SearchTags ? { tags: splitList(p.SearchTags, 20) } : {}),
  };
}

/** The scan settings (ModifyVulConfig / ModifyVulTargetConfig) as a finding filter. */
export function viewFilter(v: ScanView): FindingFilter {
  return { ...(v.hostsOff.length ? { excludeUuids: v.hostsOff } : {}), levels: v.levels, realOnly: v.realOnly };
}

function upgradeCommand(ecosystem: string, pkg: string, fixed = ''): string {
  const scheme = (() => {
    try {
      return parseEcosystem(ecosystem).scheme;
    } catch {
      return undefined;
    }
  })();
  if (scheme === 'dpkg') return `apt-get install --only-upgrade ${pkg}`;
  if (scheme === 'rpm') return `dnf update ${pkg}`;
  if (scheme === 'apk') return `apk upgrade ${pkg}`;
  if (fixed && scheme === 'pep440') return `pip install '${pkg}>=${fixed}'`;
  if (fixed && scheme === 'semver' && ecosystem === 'npm') return `npm install ${pkg}@${fixed}`;
  return '';
}

const NecessityT = Type.Object({ Assets_factor: Type.String(), Cvss_factor: Type.String(), Enviroment_factor: Type.String(), Is_calc: Type.String(), Status: Type.String(), Time_factor: Type.String(), Total_score: Type.String() });
const RpmEntity = Type.Object({ ContainerName: Type.String(), ExtendField: Type.String(), FullVersion: Type.String(), ImageName: Type.String(), MatchDetail: Type.String(), MatchList: Type.Array(Type.String()), Name: Type.String(), Path: Type.String(), Pid: Type.String(), UpdateCmd: Type.String(), Version: Type.String() });
const VulRecord = Type.Object({
  AliasName: Type.String(),
  AuthVersion: Type.String(),
  Bind: Type.Boolean(),
  ContainerId: Type.String(),
  ExtendContentJson: Type.Object({
    AbsolutePath: Type.String(),
    AliasName: Type.String(),
    Description: Type.String(),
    EmgProof: Type.String(),
    Ip: Type.String(),
    LastTs: Type.Integer(),
    Necessity: NecessityT,
    Os: Type.String(),
    OsRelease: Type.String(),
    PrimaryId: Type.Integer(),
    RpmEntityList: Type.Array(RpmEntity),
    Status: Type.String(),
    Tag: Type.String(),
    Target: Type.String(),
    cveList: Type.Array(Type.String()),
  }),
  FirstTs: Type.Integer(),
  GroupId: Type.Integer(),
  InstanceId: Type.String(),
  InstanceName: Type.String(),
  InternetIp: Type.String(),
  IntranetIp: Type.String(),
  LastTs: Type.Integer(),
  ModifyTs: Type.Integer(),
  Name: Type.String(),
  Necessity: Type.String(),
  Online: Type.Boolean(),
  OsName: Type.String(),
  OsVersion: Type.String(),
  PrimaryId: Type.Integer(),
  Progress: Type.Integer(),
  RaspDefend: Type.Integer(),
  RaspStatus: Type.Integer(),
  RealRisk: Type.Boolean(),
  RegionId: Type.String(),
  Related: Type.String(),
  RepairTs: Type.Integer(),
  ResultCode: Type.String(),
  ResultMessage: Type.String(),
  RuleTag: Type.String(),
  Status: Type.Integer(),
  Tag: Type.String(),
  Type: Type.String(),
  Uuid: Type.String(),
  // Vigil extensions (extra fields are ignored by the SDKs): severity, CVSS and the ignore reason.
  Level: Type.String(),
  CvssScore: Type.String(),
  Reason: Type.String(),
  // Vigil extension: running processes that map a file of an affected package (dpkg hosts).
  RelatedProcesses: Type.Array(Type.Object({ Package: Type.String(), Pid: Type.Integer(), Name: Type.String(), Path: Type.String() })),
});

export async function toVulRecords(ctx: ActionContext, recs: HostRecord[]) {
  const views = new Map((await ctx.services.assets.views(ctx.principal.accountId, [...new Set(recs.map((r) => r.uuid))])).map((v) => [v.uuid, v]));
  const related = await Promise.all(recs.map((r) => relatedProcesses(ctx.services.store.db, ctx.principal.accountId, r.uuid, r.packages.map((p) => p.package))));
  return recs.map((r, i) => {
    const v = views.get(r.uuid);
    const procs = related[i] ?? [];
    const tags = r.tags.join(',');
    return {
      AliasName: r.advisory.summary,
      AuthVersion: '',
      Bind: true,
      ContainerId: '',
      ExtendContentJson: {
        AbsolutePath: '',
        AliasName: r.advisory.summary,
        Description: r.advisory.summary,
        EmgProof: r.emgProof ?? '',
        Ip: v?.intranetIp || v?.internetIp || '',
        LastTs: r.lastTs,
        Necessity: { Assets_factor: '', Cvss_factor: '', Enviroment_factor: '', Is_calc: '0', Status: '', Time_factor: '', Total_score: '', ...r.necessityFactors },
        Os: v?.os ?? 'linux',
        OsRelease: v?.osName ?? '',
        PrimaryId: r.primaryId,
        RpmEntityList: r.packages.map((p) => ({
          ContainerName: '',
          ExtendField: '',
          FullVersion: p.installed_version,
          ImageName: '',
          MatchDetail: `${p.package} version ${p.installed_version} is less than ${p.fixed_version || '(no fixed version yet)'}${p.kernel ? ' (judged against the running kernel)' : ''}${p.status === 8 ? '; the fixed version is installed, reboot to use it' : ''}`,
          MatchList: [`${p.advisory_package} < ${p.fixed_version || '*'} (${p.ecosystem})`],
          Name: p.package,
          Path: '',
          Pid: procs.filter((x) => x.package === p.package).map((x) => x.pid).join(','),
          UpdateCmd: p.status === 8 ? 'reboot' : upgradeCommand(p.ecosystem, p.package, p.fixed_version),
          Version: p.installed_version,
        })),
        Status: String(r.status),
        Tag: tags,
        Target: r.target ?? '',
        cveList: r.advisory.cves,
      },
      FirstTs: r.firstTs,
      GroupId: v?.groupId ?? 0,
      InstanceId: r.uuid,
      InstanceName: v?.instanceName ?? r.uuid,
      InternetIp: v?.internetIp ?? '',
      IntranetIp: v?.intranetIp ?? '',
      LastTs: r.lastTs,
      ModifyTs: r.modifyTs,
      Name: r.advisory.id,
      Necessity: r.necessity,
      Online: v?.clientStatus === 'online',
      OsName: v?.osName ?? '',
      OsVersion: v?.osName ?? '',
      PrimaryId: r.primaryId,
      Progress: r.status === 4 ? 50 : 0,
      RaspDefend: 0,
      RaspStatus: 0,
      RealRisk: r.necessity === 'asap' || r.tags.includes('exploit-exists'),
      RegionId: v?.regionId ?? '',
      Related: r.advisory.cves.join(','),
      RepairTs: r.repairTs,
      ResultCode: r.resultCode,
      ResultMessage: r.resultMessage,
      RuleTag: tags,
      Status: r.status,
      Tag: r.type === OS_TYPE ? 'oval' : r.type,
      Type: r.type,
      Uuid: r.uuid,
      Level: r.advisory.severity,
      CvssScore: r.advisory.cvssScore !== undefined ? r.advisory.cvssScore.toFixed(1) : '',
      Reason: r.reason,
      RelatedProcesses: procs.map((x) => ({ Package: x.package, Pid: x.pid, Name: x.name, Path: x.path })),
    };
  });
}

export const describeVulList = defineAction({
  name: 'DescribeVulList',
  product: 'Sas',
  // The seed lists it under yundun-aegis; the per-API docs under yundun-sas: either grants it.
  ramActions: ['yundun-aegis:DescribeVulList', 'yundun-sas:DescribeVulList'],
  rw: 'Read',
  description: 'Vulnerabilities per host: Type cve (Linux OS packages), app (PyPI, npm, Maven packages), cms (WordPress, Drupal, Joomla cores) matched against the advisory DB, and emg (unauthenticated services from the baseline results), with affected packages, fix commands, urgency and status.',
  params: Type.Object({
    AliasName: Str(),
    AttachTypes: Str(),
    ClusterId: Str(),
    ...Page,
    Dealed: Str(4),
    GroupId: Str(32),
    Ids: Str(4096),
    Lang: Str(8),
    Name: Str(4096),
    Necessity: Str(32),
    NextToken: Str(128),
    RaspDefend: Type.Optional(Type.Integer()),
    Remark: Str(),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
    StatusList: Str(128),
    TargetType: Str(32),
    Type: Type.String({ minLength: 1, maxLength: 16 }),
    UseNextToken: Type.Optional(Type.Boolean()),
    Uuids: Str(64_000),
    VpcInstanceIds: Str(4096),
  }),
  response: Type.Object({ RequestId: Type.String(), CurrentPage: Type.Integer(), NextToken: Type.String(), PageSize: Type.Integer(), TotalCount: Type.Integer(), VulRecords: Type.Array(VulRecord) }),
  async handler(ctx, p) {
    const current = pageOf(p);
    const size = p.PageSize ?? 10;
    const view = await scanView(ctx.services.store.db, ctx.principal.accountId, p.Type);
    const ftype = findingType(p.Type);
    if ((!ftype && p.Type !== EMG_VUL_TYPE) || !view.enabled) return { CurrentPage: current, NextToken: '', PageSize: size, TotalCount: 0, VulRecords: [] };
    let recs: HostRecord[];
    if (ftype) {
      await ctx.services.vulns.evaluateStale(ctx.principal.accountId);
      recs = await hostRecords(ctx.services.store.db, ctx.principal.accountId, { ...filterOf(p), ...viewFilter(view), types: [ftype] });
    } else {
      recs = await emgRecords(ctx.services.store.db, ctx.principal.accountId, { ...filterOf(p), ...viewFilter(view) });
    }
    if (p.Remark) {
      const views = await ctx.services.assets.views(ctx.principal.accountId, [...new Set(recs.map((r) => r.uuid))]);
      const hit = new Set(views.filter((v) => `${v.instanceName} ${v.intranetIp} ${v.internetIp}`.includes(p.Remark ?? '')).map((v) => v.uuid));
      recs = recs.filter((r) => hit.has(r.uuid));
    }
    if (p.Ids) {
      const ids = new Set(splitList(p.Ids).map(Number));
      recs = recs.filter((r) => ids.has(r.primaryId));
    }
    if (p.GroupId) {
      const views = await ctx.services.assets.views(ctx.principal.accountId, [...new Set(recs.map((r) => r.uuid))]);
      const inGroup = new Set(views.filter((v) => String(v.groupId) === p.GroupId).map((v) => v.uuid));
      recs = recs.filter((r) => inGroup.has(r.uuid));
    }
    const pageRecs = recs.slice((current - 1) * size, current * size);
    return {
      CurrentPage: current,
      NextToken: current * size < recs.length ? encodeToken(current + 1) : '',
      PageSize: size,
      TotalCount: recs.length,
      VulRecords: await toVulRecords(ctx, pageRecs),
    };
  },
});

export const describeGroupedVul = defineAction({
  name: 'DescribeGroupedVul',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeGroupedVul'],
  rw: 'Read',
  description: 'Vulnerabilities grouped by advisory (RHSA/ALSA/DSA/USN…): hosts to fix by urgency (asap, later, not now), handled hosts, tags and CVEs.',
  params: Type.Object({
    AliasName: Str(),
    AssetType: Str(32),
    AttachTypes: Str(),
    ClusterId: Str(),
    ContainerFieldName: Str(),
    ContainerFieldValue: Str(),
    ...Page,
    CveId: Str(64),
    Dealed: Str(4),
    GroupId: Str(32),
    Lang: Str(8),
    Necessity: Str(32),
    RaspDefend: Type.Optional(Type.Integer()),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
    SearchTags: Str(512),
    TargetType: Str(32),
    Type: Str(16),
    Uuids: Str(64_000),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    CurrentPage: Type.Integer(),
    PageSize: Type.Integer(),
    TotalCount: Type.Integer(),
    GroupedVulItems: Type.Array(
      Type.Object({
        AliasName: Type.String(),
        AsapCount: Type.Integer(),
        GmtFirst: Type.Integer(),
        GmtLast: Type.Integer(),
        HandledCount: Type.Integer(),
        LanguageType: Type.String(),
        LaterCount: Type.Integer(),
        Name: Type.String(),
        NntfCount: Type.Integer(),
        RaspDefend: Type.Integer(),
        Related: Type.String(),
        Tags: Type.String(),
        TotalFixCount: Type.Integer(),
        Type: Type.String(),
        Level: Type.String(),
        CvssScore: Type.String(),
      }),
    ),
  }),
  async handler(ctx, p) {
    const current = p.CurrentPage ?? 1;
    const size = p.PageSize ?? 10;
    const type = p.Type ?? OS_TYPE;
    const view = await scanView(ctx.services.store.db, ctx.principal.accountId, type);
    const ftype = findingType(type);
    if (!ftype || !view.enabled) return { CurrentPage: current, PageSize: size, TotalCount: 0, GroupedVulItems: [] };
    await ctx.services.vulns.evaluateStale(ctx.principal.accountId);
    const groups = await groupedRecords(ctx.services.store.db, ctx.principal.accountId, { ...filterOf(p), ...viewFilter(view), types: [ftype] });
    return {
      CurrentPage: current,
      PageSize: size,
      TotalCount: groups.length,
      GroupedVulItems: groups.slice((current - 1) * size, current * size).map((g) => ({
        AliasName: g.advisory.summary,
        AsapCount: g.asap,
        GmtFirst: g.first,
        GmtLast: g.last,
        HandledCount: g.handled,
        LanguageType: '',
        LaterCount: g.later,
        Name: g.advisory.id,
        NntfCount: g.nntf,
        RaspDefend: 0,
        Related: g.advisory.cves.join(','),
        Tags: g.tags.join(','),
        TotalFixCount: g.handled,
        Type: ftype,
        Level: g.advisory.severity,
        CvssScore: g.advisory.cvssScore !== undefined ? g.advisory.cvssScore.toFixed(1) : '',
      })),
    };
  },
});

function parseInfo(info: string): VulTarget[] {
  let value: unknown;
  try {
    value = JSON.parse(info);
  } catch {
    throw new VigilError('InvalidParameter', 'Info is a JSON array of {"name","uuid"}.', 400);
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > 1000) throw new VigilError('InvalidParameter', 'Info is a JSON array of 1 to 1000 {"name","uuid"}.', 400);
  return value.map((v: unknown) => {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || typeof o.uuid !== 'string' || o.name === '' || o.uuid === '' || o.name.length > 128 || o.uuid.length > 64) {
      throw new VigilError('InvalidParameter', 'Each Info item needs "name" (the vulnerability Name) and "uuid".', 400);
    }
    return { name: o.name, uuid: o.uuid };
  });
}

export const modifyOperateVul = defineAction({
  name: 'ModifyOperateVul',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyOperateVul', 'yundun-aegis:ModifyOperateVul'],
  rw: 'Write',
  description: 'Handles vulnerabilities on hosts: vul_fix (the agent upgrades the packages), vul_fix_preview (Vigil: the agent\'s dry run, returned as Previews), vul_verify (match the host again now), vul_ignore / vul_undo_ignore (with Reason).',
  params: Type.Object({ From: Str(64), Info: Type.String({ minLength: 2, maxLength: 200_000 }), OperateType: Type.String({ maxLength: 32 }), Reason: Str(1024), Type: Type.String({ maxLength: 16 }) }),
  response: Type.Object({
    RequestId: Type.String(),
    // Vigil extension, for OperateType vul_fix_preview only: the agent's dry run per host.
    Previews: Type.Optional(
      Type.Array(
        Type.Object({
          Uuid: Type.String(),
          Packages: Type.Array(Type.String()),
          Command: Type.String(),
          Changes: Type.Array(Type.Object({ Action: Type.String(), Name: Type.String(), From: Type.String(), To: Type.String() })),
          ExtraPackages: Type.Array(Type.String()),
          Output: Type.String(),
          Error: Type.String(),
        }),
      ),
    ),
  }),
  async handler(ctx, p) {
    const ftype = findingType(p.Type);
    if (!ftype) throw new VigilError('InvalidParameter', `Type ${p.Type} cannot be operated on this server; use cve, app or cms (emg follows the baseline results).`, 400);
    // The agent's fix upgrades OS packages only; application and CMS findings are ignored or verified.
    if (ftype !== OS_TYPE && (p.OperateType === 'vul_fix' || p.OperateType === 'vul_fix_preview')) {
      throw new VigilError('InvalidParameter', `OperateType ${p.OperateType} upgrades OS packages; Type ${ftype} findings support vul_ignore, vul_undo_ignore and vul_verify.`, 400);
    }
    const targets = parseInfo(p.Info);
    const acc = ctx.principal.accountId;
    const v = ctx.services.vulns;
    if (p.OperateType === 'vul_ignore') await v.ignore(acc, targets, p.Reason ?? '');
    else if (p.OperateType === 'vul_undo_ignore') await v.undoIgnore(acc, targets);
    else if (p.OperateType === 'vul_verify') await v.verify(acc, targets);
    else if (p.OperateType === 'vul_fix') await v.fix(acc, targets);
    else if (p.OperateType === 'vul_fix_preview') {
      const previews = await v.previewFix(acc, targets);
      return {
        Previews: previews.map((x) => ({
          Uuid: x.uuid,
          Packages: x.packages,
          Command: x.command,
          Changes: x.changes.map((c) => ({ Action: c.action, Name: c.name, From: c.from ?? '', To: c.to ?? '' })),
          ExtraPackages: x.extra,
          Output: x.output,
          Error: x.error,
        })),
      };
    } else throw new VigilError('InvalidParameter', 'OperateType is vul_fix, vul_fix_preview, vul_verify, vul_ignore or vul_undo_ignore.', 400);
    return {};
  },
});

export const modifyStartVulScan = defineAction({
  name: 'ModifyStartVulScan',
  product: 'Sas',
  ramActions: ['yundun-aegis:ModifyStartVulScan'],
  rw: 'Write',
  description: 'Matches the hosts (all, or Uuids) against the advisory DB again now, from their stored inventories.',
  params: Type.Object({ Types: Str(128), Uuids: Str(64_000) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const uuids = splitList(p.Uuids);
    if (uuids.length === 0) {
      await ctx.services.vulns.evaluateAll(ctx.principal.accountId);
      return {};
    }
    await ctx.services.assets.requireUuids(ctx.principal.accountId, uuids);
    for (const u of uuids) await ctx.services.vulns.evaluate(ctx.principal.accountId, u);
    return {};
  },
});

export const describeVulWhitelist = defineAction({
  name: 'DescribeVulWhitelist',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeVulWhitelist'],
  rw: 'Read',
  description: 'Vulnerabilities on the whitelist (never reported for any host).',
  params: Type.Object({ ...Page, Lang: Str(8) }),
  response: Type.Object({
    RequestId: Type.String(),
    ...PAGE_FIELDS,
    VulWhitelists: Type.Array(Type.Object({ AliasName: Type.String(), Id: Type.String(), Name: Type.String(), Reason: Type.String(), TargetInfo: Type.String(), Type: Type.String(), Whitelist: Type.String() })),
  }),
  async handler(ctx, p) {
    const current = p.CurrentPage ?? 1;
    const size = p.PageSize ?? 20;
    const db = ctx.services.store.db;
    const total = await db.selectFrom('vul_whitelist').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', ctx.principal.accountId).executeTakeFirst();
    const rows = await db.selectFrom('vul_whitelist').selectAll().where('account_id', '=', ctx.principal.accountId).orderBy('id').limit(size).offset((current - 1) * size).execute();
    return {
      Count: rows.length,
      CurrentPage: current,
      PageSize: size,
      TotalCount: Number(total?.n ?? 0),
      VulWhitelists: rows.map((r) => ({ AliasName: r.alias_name, Id: String(r.id), Name: r.name, Reason: r.reason, TargetInfo: r.target_info, Type: OS_TYPE, Whitelist: JSON.stringify([{ Name: r.name, Type: OS_TYPE, AliasName: r.alias_name }]) })),
    };
  },
});

export const VULN_ACTIONS = [describeVulList, describeGroupedVul, modifyOperateVul, modifyStartVulScan, describeVulWhitelist];
