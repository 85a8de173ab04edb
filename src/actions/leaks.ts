import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import type { LeakRecord } from '../domain/leaks/leak-types.js';
import { WEBSHELL_TASK_KIND } from '../agent/webshell-feature.js';

const TASK_TTL_MS = 600_000;
const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const accountUid = (accountId: string) => (/^\d+$/.test(accountId) && Number.isSafeInteger(Number(accountId)) ? Number(accountId) : 0);

const DealType = Type.Union([Type.Literal('disable'), Type.Literal('add-whitelist'), Type.Literal('manual')]);

/** Fields of a leak Vigil adds to Sas's (where it was found and who owns the key). */
const vigilLeakFields = {
  Status: Type.String({ description: 'pending | whitelisted | disabled | manual' }),
  Provider: Type.String(),
  RuleId: Type.String(),
  File: Type.String(),
  Line: Type.Integer(),
  Commit: Type.String(),
  Author: Type.String(),
  OwnerUserName: Type.String({ description: "Owner of the key when it is one of this account's Vigil AccessKeys; empty otherwise." }),
  SourceId: Type.String(),
};

function vigilFields(r: LeakRecord) {
  return {
    Status: r.status,
    Provider: r.provider,
    RuleId: r.ruleId,
    File: r.file,
    Line: r.line,
    Commit: r.commit ?? '',
    Author: r.author ?? '',
    OwnerUserName: r.ownerUserName ?? '',
    SourceId: r.sourceId,
  };
}

const whitelistStatus = (r: LeakRecord) => (r.status === 'whitelisted' ? 'yes' : 'no');

export const describeAccesskeyLeakList = defineAction({
  name: 'DescribeAccesskeyLeakList',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeAccesskeyLeakList'],
  rw: 'Read',
  description: 'Lists leaked credentials found in the registered directories and git repositories (AK泄露检测). Status: pending, deal (any handled state), or whitelisted / disabled / manual.',
  params: Type.Object({
    CurrentPage: Type.Integer({ minimum: 1 }),
    PageSize: Type.Integer({ minimum: 1, maximum: 100 }),
    Query: Type.Optional(Type.String({ maxLength: 256 })),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
    StartTs: Type.Optional(Type.Integer()),
    Status: Type.Optional(Type.String({ maxLength: 32 })),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    CurrentPage: Type.Integer(),
    PageSize: Type.Integer(),
    TotalCount: Type.Integer(),
    AkLeakCount: Type.Integer({ description: 'Leaks still pending.' }),
    GmtLast: Type.Integer({ description: 'When the newest pending leak was found (epoch ms), 0 if none.' }),
    AccessKeyLeakList: Type.Array(
      Type.Object({
        Id: Type.Integer(),
        AccesskeyId: Type.String(),
        Aliuid: Type.Integer(),
        Asset: Type.String(),
        DealTime: Type.String(),
        DealType: Type.String(),
        GmtModified: Type.Integer(),
        InstanceName: Type.String(),
        Source: Type.String(),
        TokenValid: Type.Integer(),
        Type: Type.String(),
        Url: Type.String(),
        UserName: Type.String(),
        WhitelistStatus: Type.String(),
        ...vigilLeakFields,
      }),
    ),
  }),
  async handler(ctx, p) {
    const r = await ctx.services.leaks.list(ctx.principal.accountId, {
      page: p.CurrentPage,
      pageSize: p.PageSize,
      ...(p.Status ? { status: p.Status } : {}),
      ...(p.Query ? { query: p.Query } : {}),
      ...(p.StartTs !== undefined ? { startTs: p.StartTs } : {}),
    });
    return {
      CurrentPage: p.CurrentPage,
      PageSize: p.PageSize,
      TotalCount: r.total,
      AkLeakCount: r.pending,
      GmtLast: r.lastAt ?? 0,
      AccessKeyLeakList: r.records.map((x) => ({
        Id: x.id,
        AccesskeyId: x.keyId ?? '',
        Aliuid: accountUid(ctx.principal.accountId),
        Asset: x.sourceLocation,
        DealTime: iso(x.dealAt),
        DealType: x.dealType ?? '',
        GmtModified: x.updatedAt,
        InstanceName: x.sourceName,
        Source: x.sourceKind,
        TokenValid: x.tokenValid,
        Type: x.ruleId,
        Url: x.sourceLocation ? `file://${x.sourceLocation}/${x.file}` : x.file,
        UserName: x.ownerUserName ?? '',
        WhitelistStatus: whitelistStatus(x),
        ...vigilFields(x),
      })),
    };
  },
});

export const describeAccessKeyLeakDetail = defineAction({
  name: 'DescribeAccessKeyLeakDetail',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeAccessKeyLeakDetail'],
  rw: 'Read',
  description:
    'One leak: where it was found (file, line, commit, author), the redacted excerpt in `Code`, the owner user of a Vigil key and whether the key still works (TokenValid). ' +
    'Caveat (as with Alibaba Cloud): the response field `Code` holds the code snippet, so @alicloud/pop-core treats every 2xx answer as an error (`<snippet>Error`); ' +
    'call this action with @alicloud/openapi-client (v2/v3), which ignores `Code` on 2xx, or read `err.data` from pop-core.',
  params: Type.Object({ Id: Type.Integer(), ResourceDirectoryAccountId: Type.Optional(Type.Integer()) }),
  response: Type.Object({
    RequestId: Type.String(),
    AccesskeyId: Type.String(),
    Asset: Type.String(),
    Code: Type.String({ description: 'The redacted line the secret was found on.' }),
    DealTime: Type.String(),
    DealType: Type.String(),
    Github: Type.Object({
      FileName: Type.String(),
      FileType: Type.String(),
      FileUpdateTime: Type.String(),
      FileUrl: Type.String(),
      RepoName: Type.String(),
      RepoUrl: Type.String(),
      User: Type.String(),
      UserPicUrl: Type.String(),
    }),
    GmtCreate: Type.String(),
    GmtModified: Type.String(),
    Remark: Type.String(),
    Source: Type.String(),
    TokenValid: Type.Integer(),
    Type: Type.String(),
    WhitelistStatus: Type.String(),
    WhitelistTime: Type.Integer(),
    ...vigilLeakFields,
  }),
  async handler(ctx, p) {
    const x = await ctx.services.leaks.detail(ctx.principal.accountId, p.Id);
    const ext = /\.([A-Za-z0-9]{1,10})$/.exec(x.file)?.[1] ?? '';
    return {
      AccesskeyId: x.keyId ?? '',
      Asset: x.sourceLocation,
      Code: x.excerpt,
      DealTime: iso(x.dealAt),
      DealType: x.dealType ?? '',
      Github: {
        FileName: x.file,
        FileType: ext,
        FileUpdateTime: x.commitDate ?? '',
        FileUrl: x.sourceLocation ? `file://${x.sourceLocation}/${x.file}` : x.file,
        RepoName: x.sourceName,
        RepoUrl: x.sourceLocation ? `file://${x.sourceLocation}` : '',
        User: x.author ?? '',
        UserPicUrl: '',
      },
      GmtCreate: iso(x.createdAt),
      GmtModified: iso(x.updatedAt),
      Remark: x.remark,
      Source: x.sourceKind,
      TokenValid: x.tokenValid,
      Type: x.ruleId,
      WhitelistStatus: whitelistStatus(x),
      WhitelistTime: x.status === 'whitelisted' && x.dealAt !== null ? x.dealAt : 0,
      ...vigilFields(x),
    };
  },
});

export const modifyAccessKeyLeakDeal = defineAction({
  name: 'ModifyAccessKeyLeakDeal',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyAccessKeyLeakDeal'],
  rw: 'Write',
  description:
    'Handles leaks: Type=disable deactivates the leaked key (only for this account\'s own Vigil AccessKeys; the key then fails with InvalidAccessKeyId.Inactive), ' +
    'add-whitelist ignores this secret wherever it is found again, manual marks the leak handled.',
  params: Type.Object({
    Id: Type.Optional(Type.Integer()),
    IdList: Type.Optional(Type.Array(Type.Integer(), { maxItems: 200 })),
    Remark: Type.Optional(Type.String({ maxLength: 1024 })),
    Type: DealType,
  }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const ids = [...(p.Id !== undefined ? [p.Id] : []), ...(p.IdList ?? [])];
    await ctx.services.leaks.deal(ctx.principal.accountId, ids, p.Type, p.Remark ?? '', ctx.meta.now.getTime());
    return {};
  },
});

const SourceView = Type.Object({
  Id: Type.String(),
  Kind: Type.Union([Type.Literal('dir'), Type.Literal('git')]),
  Location: Type.String(),
  Name: Type.String(),
  IntervalMinutes: Type.Integer(),
  LastScanTime: Type.Optional(Type.Integer()),
  LastScanStatus: Type.String(),
  LastScanMessage: Type.String(),
  CreateTime: Type.Integer(),
});

export const createLeakScanSource = defineAction({
  name: 'CreateLeakScanSource',
  product: 'Sas',
  ramActions: ['yundun-sas:CreateLeakScanSource'],
  rw: 'Write',
  description:
    'Registers a directory or git repository on the server host for AccessKey-leak scanning (Vigil action). Location: an absolute path or a file:// URL of a local clone; remote URLs are refused. ' +
    'IntervalMinutes > 0 scans on that schedule; 0 scans only on demand (StartLeakScan).',
  params: Type.Object({
    Kind: Type.Union([Type.Literal('dir'), Type.Literal('git')]),
    Location: Type.String({ minLength: 1, maxLength: 1024 }),
    Name: Type.Optional(Type.String({ maxLength: 128 })),
    IntervalMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  }),
  response: Type.Object({ RequestId: Type.String(), Source: SourceView }),
  async handler(ctx, p) {
    const source = await ctx.services.leaks.addSource(ctx.principal.accountId, { kind: p.Kind, location: p.Location, ...(p.Name ? { name: p.Name } : {}), intervalMinutes: p.IntervalMinutes ?? 1440 }, ctx.meta.now.getTime());
    return { Source: source };
  },
});

export const describeLeakScanSources = defineAction({
  name: 'DescribeLeakScanSources',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeLeakScanSources'],
  rw: 'Read',
  description: 'Lists the directories and git repositories registered for AccessKey-leak scanning, with their last scan (Vigil action).',
  params: Type.Object({}),
  response: Type.Object({ RequestId: Type.String(), Sources: Type.Array(SourceView) }),
  async handler(ctx) {
    return { Sources: await ctx.services.leaks.listSources(ctx.principal.accountId) };
  },
});

export const deleteLeakScanSource = defineAction({
  name: 'DeleteLeakScanSource',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteLeakScanSource'],
  rw: 'Write',
  description: 'Stops scanning a source (Vigil action); leaks already found are kept.',
  params: Type.Object({ Id: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.leaks.deleteSource(ctx.principal.accountId, p.Id);
    return {};
  },
});

export const startLeakScan = defineAction({
  name: 'StartLeakScan',
  product: 'Sas',
  ramActions: ['yundun-sas:StartLeakScan'],
  rw: 'Write',
  description: '一键扫描 Scan now: scans one registered source (Id) or all of them and answers when done (Vigil action).',
  params: Type.Object({ Id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
  response: Type.Object({
    RequestId: Type.String(),
    Results: Type.Array(Type.Object({ SourceId: Type.String(), Found: Type.Integer(), Added: Type.Integer(), Truncated: Type.Boolean(), Message: Type.String() })),
  }),
  async handler(ctx, p) {
    const ids = p.Id ? [p.Id] : (await ctx.services.leaks.listSources(ctx.principal.accountId)).map((s) => s.Id);
    const results = [];
    for (const id of ids) {
      const r = await ctx.services.leaks.scanSource(ctx.principal.accountId, id);
      results.push({ SourceId: r.sourceId, Found: r.found, Added: r.added, Truncated: r.truncated, Message: r.message });
    }
    return { Results: results };
  },
});

export const startWebshellScan = defineAction({
  name: 'StartWebshellScan',
  product: 'Sas',
  ramActions: ['yundun-sas:StartWebshellScan'],
  rw: 'Write',
  description:
    'Asks agents to scan web roots for webshells (Vigil action). Paths: comma-separated absolute directories (default: the roots in the host\'s nginx/Apache configs, else /var/www). ' +
    'The agent then watches those roots and re-scans changed files within seconds. Findings: DescribeWebshellList.',
  params: Type.Object({ Uuids: Type.String({ minLength: 1, maxLength: 64_000 }), Paths: Type.Optional(Type.String({ maxLength: 16_000 })) }),
  response: Type.Object({ RequestId: Type.String(), TaskIds: Type.Array(Type.String()) }),
  async handler(ctx, p) {
    const uuids = [...new Set(p.Uuids.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, 1000);
    const paths = p.Paths ? p.Paths.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    if (paths && (paths.length > 16 || paths.some((x) => !x.startsWith('/')))) throw new VigilError('InvalidParameter.Paths', 'Paths: at most 16 absolute directories.', 400);
    const known = await ctx.services.store.db.selectFrom('agents').select('id').where('account_id', '=', ctx.principal.accountId).where('id', 'in', uuids).execute();
    if (known.length !== uuids.length) throw new VigilError('InvalidUuid', 'Some Uuids are not hosts of this account.', 400);
    const taskIds = [];
    for (const u of uuids) taskIds.push(await ctx.services.agents.enqueueTask(ctx.principal.accountId, u, WEBSHELL_TASK_KIND, paths ? { paths } : {}, TASK_TTL_MS));
    return { TaskIds: taskIds };
  },
});

export const describeWebshellList = defineAction({
  name: 'DescribeWebshellList',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeWebshellList'],
  rw: 'Read',
  description: 'Webshell findings reported by agents (file, rule, sha256, evidence), newest first (Vigil action; moves into the alert list once the alert pipeline ingests them).',
  params: Type.Object({
    CurrentPage: Type.Optional(Type.Integer({ minimum: 1 })),
    PageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    Uuid: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    CurrentPage: Type.Integer(),
    PageSize: Type.Integer(),
    TotalCount: Type.Integer(),
    WebshellList: Type.Array(
      Type.Object({
        Id: Type.String(), Uuid: Type.String(), FilePath: Type.String(), Sha256: Type.String(), Rule: Type.String(), Confidence: Type.String(), Level: Type.String(),
        Message: Type.String(), Evidence: Type.String(), Trigger: Type.String(), FirstSeenTime: Type.Integer(), LastSeenTime: Type.Integer(),
      }),
    ),
  }),
  async handler(ctx, p) {
    const page = p.CurrentPage ?? 1;
    const size = p.PageSize ?? 20;
    const r = await ctx.services.webshells.list(ctx.principal.accountId, { page, pageSize: size, ...(p.Uuid ? { uuid: p.Uuid } : {}) });
    return { CurrentPage: page, PageSize: size, TotalCount: r.total, WebshellList: r.items };
  },
});

export const LEAK_ACTIONS = [
  describeAccesskeyLeakList, describeAccessKeyLeakDetail, modifyAccessKeyLeakDeal,
  createLeakScanSource, describeLeakScanSources, deleteLeakScanSource, startLeakScan,
  startWebshellScan, describeWebshellList,
];
