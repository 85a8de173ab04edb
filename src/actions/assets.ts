import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import type { InstanceView } from '../domain/assets/asset-types.js';
import { criteriaList, fieldStatistics, parseCriteria, queryInstances } from '../domain/assets/instance-query.js';
import { splitList } from '../domain/assets/sql-helpers.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));
const UuidList = Type.Optional(Type.String({ maxLength: 64_000, description: 'Comma-separated host uuids.' }));

const Instance = Type.Object({
  AlarmStatus: Type.String(),
  AppId: Type.String(),
  AppName: Type.String(),
  AssetType: Type.String(),
  AssetTypeName: Type.String(),
  AuthModifyTime: Type.Integer(),
  AuthVersion: Type.Integer(),
  AuthVersionName: Type.String(),
  Bind: Type.Boolean(),
  BindFileProtectType: Type.String(),
  ClientStatus: Type.String(),
  ClientSubStatus: Type.String(),
  ClusterId: Type.String(),
  ClusterName: Type.String(),
  Cores: Type.Integer(),
  CpuInfo: Type.String(),
  CreatedTime: Type.Integer(),
  ExposedStatus: Type.Integer(),
  Flag: Type.Integer(),
  FlagName: Type.String(),
  GroupId: Type.Integer(),
  GroupTrace: Type.String(),
  HasContainer: Type.String(),
  HcStatus: Type.String(),
  HealthCheckCount: Type.Integer(),
  Importance: Type.Integer(),
  InstanceId: Type.String(),
  InstanceName: Type.String(),
  InternetIp: Type.String(),
  IntranetIp: Type.String(),
  Ip: Type.String(),
  IpListString: Type.String(),
  Kernel: Type.String(),
  LastLoginTimestamp: Type.Integer(),
  MacListString: Type.String(),
  Mem: Type.Integer(),
  Namespace: Type.String(),
  Os: Type.String(),
  OsName: Type.String(),
  PodCount: Type.Integer(),
  PostPaidFlag: Type.Integer(),
  Region: Type.String(),
  RegionId: Type.String(),
  RegionName: Type.String(),
  RiskCount: Type.String(),
  RiskStatus: Type.String(),
  SafeEventCount: Type.Integer(),
  ServiceId: Type.String(),
  Status: Type.String(),
  Tag: Type.String(),
  TagId: Type.String(),
  TagResources: Type.String(),
  Uuid: Type.String(),
  Vendor: Type.Integer(),
  VendorName: Type.String(),
  VendorUid: Type.String(),
  VendorUserName: Type.String(),
  VpcInstanceId: Type.String(),
  VulCount: Type.Integer(),
  VulStatus: Type.String(),
});

/** No tiers in Vigil: every host has every feature, shown as the top Sas edition. */
const AUTH_VERSION = 7;

function instanceFields(v: InstanceView) {
  return {
    AlarmStatus: 'NO',
    AppId: '',
    AppName: '',
    AssetType: '0',
    AssetTypeName: 'Server',
    AuthModifyTime: v.createdAt,
    AuthVersion: AUTH_VERSION,
    AuthVersionName: 'Ultimate',
    Bind: true,
    BindFileProtectType: '',
    ClientStatus: v.clientStatus,
    ClientSubStatus: v.clientStatus,
    ClusterId: '',
    ClusterName: '',
    Cores: v.cores,
    CpuInfo: v.cpuInfo,
    CreatedTime: v.createdAt,
    ExposedStatus: 0,
    Flag: v.vendor === 0 ? 0 : 1,
    FlagName: v.vendorName,
    GroupId: v.groupId,
    GroupTrace: v.groupName,
    HasContainer: 'false',
    HcStatus: 'NO',
    HealthCheckCount: 0,
    Importance: v.importance,
    InstanceId: v.uuid,
    InstanceName: v.instanceName,
    InternetIp: v.internetIp,
    IntranetIp: v.intranetIp,
    Ip: v.intranetIp || v.internetIp || (v.ips[0] ?? ''),
    IpListString: v.ips.join(','),
    Kernel: v.kernel,
    LastLoginTimestamp: v.lastHeartbeatAt ?? v.lastInventoryAt,
    MacListString: v.macs.join(','),
    Mem: v.memMb,
    Namespace: '',
    Os: v.os,
    OsName: v.osName,
    PodCount: 0,
    PostPaidFlag: 0,
    Region: v.regionId,
    RegionId: v.regionId,
    RegionName: v.regionId,
    RiskCount: '0',
    RiskStatus: 'NO',
    SafeEventCount: 0,
    ServiceId: '',
    Status: 'Running',
    Tag: v.tags.map((t) => t.name).join(','),
    TagId: v.tags.map((t) => String(t.id)).join(','),
    TagResources: '',
    Uuid: v.uuid,
    Vendor: v.vendor,
    VendorName: v.vendorName,
    VendorUid: '',
    VendorUserName: '',
    VpcInstanceId: '',
    VulCount: 0,
    VulStatus: 'NO',
  };
}

/** NextToken is the offset of the next page, opaque to callers. */
const encodeToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function decodeToken(token: string | undefined): number | undefined {
  if (!token) return undefined;
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new VigilError('InvalidParameter', 'NextToken is not one this server issued.', 400);
  return Number(m[1]);
}

export const describeCloudCenterInstances = defineAction({
  name: 'DescribeCloudCenterInstances',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeCloudCenterInstances'],
  rw: 'Read',
  description: 'Lists hosts of the asset center; Criteria is a JSON array of {name,value} (fields: DescribeCriteria) joined by LogicalExp AND|OR.',
  params: Type.Object({
    Criteria: Str(8192),
    CurrentPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    Flags: Str(),
    Importance: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    Lang: Str(8),
    LogicalExp: Type.Optional(Type.Union([Type.Literal('AND'), Type.Literal('OR')])),
    MachineTypes: Str(64),
    NextToken: Str(128),
    NoGroupTrace: Type.Optional(Type.Boolean()),
    PageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    RegionId: Str(64),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
    UseNextToken: Type.Optional(Type.Boolean()),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    Instances: Type.Array(Instance),
    PageInfo: Type.Object({ Count: Type.Integer(), CurrentPage: Type.Integer(), NextToken: Type.String(), PageSize: Type.Integer(), TotalCount: Type.Integer() }),
    Success: Type.Boolean(),
  }),
  async handler(ctx, p) {
    const pageSize = p.PageSize ?? 20;
    const offset = p.UseNextToken ? (decodeToken(p.NextToken) ?? 0) : ((p.CurrentPage ?? 1) - 1) * pageSize;
    // Offsets from a NextToken may not be page-aligned; the query pages by whole pages, so align here.
    const currentPage = Math.floor(offset / pageSize) + 1;
    const page = await queryInstances(ctx.services.store.db, ctx.services.assets, ctx.principal.accountId, {
      criteria: parseCriteria(p.Criteria),
      logicalExp: p.LogicalExp ?? 'AND',
      ...(p.Importance !== undefined ? { importance: p.Importance } : {}),
      currentPage,
      pageSize,
    });
    const nextOffset = (currentPage - 1) * pageSize + page.items.length;
    return {
      Instances: page.items.map((v) => ({ ...instanceFields(v), ...(p.NoGroupTrace ? { GroupTrace: '' } : {}) })),
      PageInfo: { Count: page.items.length, CurrentPage: currentPage, NextToken: nextOffset < page.totalCount ? encodeToken(nextOffset) : '', PageSize: pageSize, TotalCount: page.totalCount },
      Success: true,
    };
  },
});

export const describeCriteria = defineAction({
  name: 'DescribeCriteria',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeCriteria'],
  rw: 'Read',
  description: 'Searchable fields of DescribeCloudCenterInstances with the values of select fields; Value narrows input fields to suggestions.',
  params: Type.Object({ MachineTypes: Str(64), SupportAutoTag: Type.Optional(Type.Boolean()), Value: Str(256) }),
  response: Type.Object({
    RequestId: Type.String(),
    CriteriaList: Type.Array(Type.Object({ MultiValues: Type.String(), Name: Type.String(), Type: Type.String(), Values: Type.String() })),
  }),
  async handler(ctx, p) {
    const list = await criteriaList(ctx.services.store.db, ctx.services.assets, ctx.principal.accountId, p.Value);
    return { CriteriaList: list.map((c) => ({ Name: c.name, Type: c.type, Values: c.values.join(','), MultiValues: '' })) };
  },
});

const Int = () => Type.Integer();
export const describeFieldStatistics = defineAction({
  name: 'DescribeFieldStatistics',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeFieldStatistics'],
  rw: 'Read',
  description: 'Asset counts by status, importance and vendor.',
  params: Type.Object({ MachineTypes: Str(64), RegionId: Str(64), ResourceDirectoryAccountId: Type.Optional(Type.Integer()) }),
  response: Type.Object({
    RequestId: Type.String(),
    GroupedFields: Type.Object({
      AliYunInstanceCount: Int(), AwsInstanceCount: Int(), AzureInstanceCount: Int(), BaiduInstanceCount: Int(), ExposedInstanceCount: Int(),
      GeneralAssetCount: Int(), GoogleInstanceCount: Int(), GroupCount: Int(), HuaweiInstanceCount: Int(), IdcInstanceCount: Int(),
      ImportantAssetCount: Int(), InstanceCount: Int(), InstanceSyncTaskCount: Int(), KingsoftInstanceCount: Int(), NewInstanceCount: Int(),
      NoRiskInstanceCount: Int(), NotBindMachineInstanceCount: Int(), NotRunningStatusCount: Int(), OfflineInstanceCount: Int(),
      OutMachineInstanceCount: Int(), PauseInstanceCount: Int(), RegionCount: Int(), RiskInstanceCount: Int(), StateCloudInstanceCount: Int(),
      TencentInstanceCount: Int(), TestAssetCount: Int(), TripartiteInstanceCount: Int(), UcloudInstanceCount: Int(),
      UnKnowStatusInstanceCount: Int(), UnprotectedInstanceCount: Int(), VolcengineInstanceCount: Int(), VpcCount: Int(),
      ExposedInstanceCoreCount: Int(), InstanceCoreCount: Int(), NewInstanceCoreCount: Int(), NotRunningStatusCoreCount: Int(),
      RiskInstanceCoreCount: Int(), UnprotectedInstanceCoreCount: Int(),
    }),
  }),
  async handler(ctx) {
    const s = await fieldStatistics(ctx.services.store.db, ctx.principal.accountId, ctx.meta.now.getTime());
    const v = (code: number) => s.vendorCounts[code] ?? 0;
    return {
      GroupedFields: {
        AliYunInstanceCount: v(0), AwsInstanceCount: v(7), AzureInstanceCount: v(5), BaiduInstanceCount: 0, ExposedInstanceCount: 0,
        GeneralAssetCount: s.generalCount, GoogleInstanceCount: 0, GroupCount: s.groupCount, HuaweiInstanceCount: v(4), IdcInstanceCount: s.idcCount,
        ImportantAssetCount: s.importantCount, InstanceCount: s.instanceCount, InstanceSyncTaskCount: 0, KingsoftInstanceCount: 0, NewInstanceCount: s.newCount,
        NoRiskInstanceCount: s.instanceCount, NotBindMachineInstanceCount: 0, NotRunningStatusCount: 0, OfflineInstanceCount: s.offlineCount,
        OutMachineInstanceCount: s.instanceCount - v(0), PauseInstanceCount: s.pauseCount, RegionCount: s.regionCount, RiskInstanceCount: 0, StateCloudInstanceCount: 0,
        TencentInstanceCount: v(3), TestAssetCount: s.testCount, TripartiteInstanceCount: s.instanceCount - v(0) - v(2), UcloudInstanceCount: 0,
        UnKnowStatusInstanceCount: 0, UnprotectedInstanceCount: s.offlineCount, VolcengineInstanceCount: 0, VpcCount: 0,
        ExposedInstanceCoreCount: 0, InstanceCoreCount: s.coreCount, NewInstanceCoreCount: s.newCoreCount, NotRunningStatusCoreCount: 0,
        RiskInstanceCoreCount: 0, UnprotectedInstanceCoreCount: s.offlineCoreCount,
      },
    };
  },
});

export const describeAllGroups = defineAction({
  name: 'DescribeAllGroups',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeAllGroups'],
  rw: 'Read',
  description: 'Asset groups; GroupFlag 1 marks the default group.',
  params: Type.Object({ Lang: Str(8) }),
  response: Type.Object({
    RequestId: Type.String(),
    Count: Type.Integer(),
    Groups: Type.Array(Type.Object({ GroupFlag: Type.Integer(), GroupId: Type.Integer(), GroupName: Type.String() })),
  }),
  async handler(ctx) {
    const groups = await ctx.services.assets.listGroups(ctx.principal.accountId);
    return { Count: groups.length, Groups: groups.map((g) => ({ GroupFlag: g.isDefault ? 1 : 0, GroupId: g.id, GroupName: g.name })) };
  },
});

export const createOrUpdateAssetGroup = defineAction({
  name: 'CreateOrUpdateAssetGroup',
  product: 'Sas',
  ramActions: ['yundun-sas:CreateOrUpdateAssetGroup'],
  rw: 'Write',
  description: 'Creates a group (no GroupId) or renames one; the hosts in Uuids move into it.',
  params: Type.Object({ GroupId: Type.Optional(Type.Integer({ minimum: 1 })), GroupName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), Uuids: UuidList }),
  response: Type.Object({ RequestId: Type.String(), GroupId: Type.Integer() }),
  async handler(ctx, p) {
    const id = await ctx.services.assets.createOrUpdateGroup(ctx.principal.accountId, p.GroupId, p.GroupName?.trim(), splitList(p.Uuids));
    return { GroupId: id };
  },
});

export const deleteGroup = defineAction({
  name: 'DeleteGroup',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteGroup'],
  rw: 'Write',
  description: 'Deletes a group; its hosts move to the default group.',
  params: Type.Object({ GroupId: Type.Integer({ minimum: 1 }), SourceIp: Str(64) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.assets.deleteGroup(ctx.principal.accountId, p.GroupId);
    return {};
  },
});

export const modifyTagWithUuid = defineAction({
  name: 'ModifyTagWithUuid',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyTagWithUuid'],
  rw: 'Write',
  description: 'Sets the tags (TagList, comma-separated names; empty clears) of the hosts in UuidList.',
  params: Type.Object({ MachineTypes: Str(64), TagId: Str(64), TagList: Type.String({ maxLength: 4096 }), Target: Str(64_000), UuidList: UuidList }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const uuids = splitList(p.UuidList ?? p.Target);
    if (uuids.length === 0) throw new VigilError('MissingUuidList', 'UuidList names the hosts to tag.', 400);
    const tags = splitList(p.TagList, 50);
    if (tags.some((t) => t.length > 128)) throw new VigilError('InvalidParameter', 'A tag name is at most 128 characters.', 400);
    await ctx.services.assets.setTags(ctx.principal.accountId, uuids, tags);
    return {};
  },
});

export const deleteTagWithUuid = defineAction({
  name: 'DeleteTagWithUuid',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteTagWithUuid'],
  rw: 'Write',
  description: 'Removes a tag from the hosts in UuidList, or deletes it from every host when UuidList is empty.',
  params: Type.Object({ TagName: Type.String({ minLength: 1, maxLength: 128 }), UuidList: UuidList }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.assets.deleteTag(ctx.principal.accountId, p.TagName, splitList(p.UuidList));
    return {};
  },
});

export const describeGroupedTags = defineAction({
  name: 'DescribeGroupedTags',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeGroupedTags'],
  rw: 'Read',
  description: 'Tags with the number of hosts carrying each.',
  params: Type.Object({ MachineTypes: Str(64) }),
  response: Type.Object({
    RequestId: Type.String(),
    Count: Type.Integer(),
    GroupedFileds: Type.Array(Type.Object({ Count: Type.String(), Name: Type.String(), TagId: Type.Integer() })),
    HttpStatusCode: Type.Integer(),
    Success: Type.Boolean(),
  }),
  async handler(ctx) {
    const tags = await ctx.services.assets.groupedTags(ctx.principal.accountId);
    return { Count: tags.length, GroupedFileds: tags.map((t) => ({ Count: String(t.count), Name: t.name, TagId: t.id })), HttpStatusCode: 200, Success: true };
  },
});

export const modifyAssetImportant = defineAction({
  name: 'ModifyAssetImportant',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyAssetImportant'],
  rw: 'Write',
  description: 'Sets the importance of hosts: ImportantCode 2 important, 1 general, 0 test.',
  params: Type.Object({ ImportantCode: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })), UuidList: UuidList }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const uuids = splitList(p.UuidList);
    if (uuids.length === 0) throw new VigilError('MissingUuidList', 'UuidList names the hosts to change.', 400);
    await ctx.services.assets.setImportance(ctx.principal.accountId, uuids, p.ImportantCode ?? 1);
    return {};
  },
});

export const describeAssetDetailByUuid = defineAction({
  name: 'DescribeAssetDetailByUuid',
  product: 'Sas',
  ramActions: ['yundun-aegis:DescribeAssetDetailByUuid'],
  rw: 'Read',
  description: 'One host: hardware, OS, addresses, status, group and tags.',
  params: Type.Object({ Lang: Str(8), SourceIp: Str(64), Uuid: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({
    RequestId: Type.String(),
    AssetDetail: Type.Object({
      AssetType: Type.String(), AuthModifyTime: Type.Integer(), AuthVersion: Type.Integer(), Bind: Type.Boolean(), ClientStatus: Type.String(),
      ClientVersion: Type.String(), Cpu: Type.Integer(), CpuInfo: Type.String(), CreateTime: Type.Integer(), DiskInfoList: Type.Array(Type.String()),
      Flag: Type.Integer(), GroupTrace: Type.String(), HostName: Type.String(), InstanceId: Type.String(), InstanceName: Type.String(),
      InternetIp: Type.String(), IntranetIp: Type.String(), Ip: Type.String(), IpList: Type.Array(Type.String()), Kernel: Type.String(),
      MacList: Type.Array(Type.String()), Mem: Type.Integer(), Memory: Type.Integer(), Os: Type.String(), OsDetail: Type.String(),
      OsName: Type.String(), Region: Type.String(), RegionId: Type.String(), RegionName: Type.String(), SysInfo: Type.String(),
      Tag: Type.String(), Uuid: Type.String(), VpcInstanceId: Type.String(),
    }),
  }),
  async handler(ctx, p) {
    const v = await ctx.services.assets.view(ctx.principal.accountId, p.Uuid);
    return {
      AssetDetail: {
        AssetType: '0', AuthModifyTime: v.createdAt, AuthVersion: AUTH_VERSION, Bind: true, ClientStatus: v.clientStatus,
        ClientVersion: v.agentVersion, Cpu: v.cores, CpuInfo: v.cpuInfo, CreateTime: v.createdAt, DiskInfoList: [],
        Flag: v.vendor === 0 ? 0 : 1, GroupTrace: v.groupName, HostName: v.hostname, InstanceId: v.uuid, InstanceName: v.instanceName,
        InternetIp: v.internetIp, IntranetIp: v.intranetIp, Ip: v.intranetIp || v.internetIp || (v.ips[0] ?? ''), IpList: v.ips, Kernel: v.kernel,
        MacList: v.macs, Mem: Math.round(v.memMb / 1024), Memory: v.memMb, Os: v.os, OsDetail: `${v.osName} ${v.arch}`.trim(),
        OsName: v.osName, Region: v.regionId, RegionId: v.regionId, RegionName: v.regionId, SysInfo: v.osName,
        Tag: v.tags.map((t) => t.name).join(','), Uuid: v.uuid, VpcInstanceId: '',
      },
    };
  },
});

export const ASSET_ACTIONS = [
  describeCloudCenterInstances,
  describeCriteria,
  describeFieldStatistics,
  describeAllGroups,
  createOrUpdateAssetGroup,
  deleteGroup,
  modifyTagWithUuid,
  deleteTagWithUuid,
  describeGroupedTags,
  modifyAssetImportant,
  describeAssetDetailByUuid,
];
