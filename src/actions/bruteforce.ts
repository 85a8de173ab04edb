import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { LOGIN_TYPES, type LoginType, type RuleInput, type RuleProtocols } from '../domain/bruteforce/bruteforce-service.js';

/** Sas pages: CurrentPage from 1, PageSize 1..100 (default 20). */
function page(current: string | number | undefined, size: string | number | undefined): { page: number; size: number; offset: number } {
  const p = current === undefined || current === '' ? 1 : Number(current);
  const s = size === undefined || size === '' ? 20 : Number(size);
  if (!Number.isSafeInteger(p) || p < 1) throw new VigilError('InvalidParameter', 'CurrentPage must be a positive integer.', 400);
  if (!Number.isSafeInteger(s) || s < 1 || s > 100) throw new VigilError('InvalidParameter', 'PageSize must be 1..100.', 400);
  return { page: p, size: s, offset: (p - 1) * s };
}

function protocols(raw: string | undefined): RuleProtocols {
  const all: RuleProtocols = { Ssh: 'on', Rdp: 'on', SqlServer: 'on' };
  if (raw === undefined || raw.trim() === '') return all;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    throw new VigilError('InvalidParameter', 'ProtocolType must be JSON, e.g. {"Ssh":"on","Rdp":"off","SqlServer":"off"}.', 400);
  }
  if (typeof o !== 'object' || o === null) throw new VigilError('InvalidParameter', 'ProtocolType must be a JSON object.', 400);
  const rec = o as Record<string, unknown>;
  for (const k of ['Ssh', 'Rdp', 'SqlServer'] as const) {
    const v = rec[k];
    if (v === undefined) continue;
    if (v !== 'on' && v !== 'off') throw new VigilError('InvalidParameter', `ProtocolType.${k} must be "on" or "off".`, 400);
    all[k] = v;
  }
  return all;
}

/** Sas counts Span and ForbiddenTime in minutes; Vigil's `TimeUnit=second` takes seconds (short tests, fine-grained rules). */
function seconds(v: number, unit: string | undefined, name: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new VigilError('InvalidParameter', `${name} must be a positive integer.`, 400);
  if (unit !== undefined && unit !== 'second' && unit !== 'minute') throw new VigilError('InvalidParameter', 'TimeUnit must be "minute" (Sas) or "second".', 400);
  return unit === 'second' ? v : v * 60;
}

function sourceIps(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 100);
}

const RULE_PARAMS = {
  DefaultRule: Type.Optional(Type.Boolean()),
  ProtocolType: Type.Optional(Type.String({ maxLength: 256 })),
  SourceIp: Type.Optional(Type.String({ maxLength: 1024 })),
  /** Vigil: `second` makes Span and ForbiddenTime seconds (default `minute`, as Sas). */
  TimeUnit: Type.Optional(Type.String({ maxLength: 8 })),
};

export const createAntiBruteForceRule = defineAction({
  name: 'CreateAntiBruteForceRule',
  product: 'Sas',
  ramActions: ['yundun-sas:CreateAntiBruteForceRule'],
  rw: 'Write',
  description:
    'Creates an anti-brute-force rule: FailCount failed logins within Span minutes from one source block it for ForbiddenTime minutes on the hosts in UuidList (nftables, iptables fallback). The default rule applies to hosts in no rule. SourceIp lists sources the rule never blocks.',
  params: Type.Object({
    ...RULE_PARAMS,
    FailCount: Type.Integer(),
    ForbiddenTime: Type.Integer(),
    Name: Type.String({ minLength: 1, maxLength: 128 }),
    Span: Type.Integer(),
    UuidList: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10_000 }),
  }),
  response: Type.Object({ RequestId: Type.String(), CreateAntiBruteForceRule: Type.Object({ RuleId: Type.Integer() }) }),
  async handler(ctx, p) {
    const input: RuleInput = {
      name: p.Name,
      failCount: p.FailCount,
      spanSeconds: seconds(p.Span, p.TimeUnit, 'Span'),
      forbiddenSeconds: seconds(p.ForbiddenTime, p.TimeUnit, 'ForbiddenTime'),
      defaultRule: p.DefaultRule === true,
      protocols: protocols(p.ProtocolType),
      sourceIps: sourceIps(p.SourceIp),
      uuids: [...new Set(p.UuidList)],
    };
    const id = await ctx.services.bruteForce.createRule(ctx.principal.accountId, input);
    return { CreateAntiBruteForceRule: { RuleId: id } };
  },
});

export const modifyAntiBruteForceRule = defineAction({
  name: 'ModifyAntiBruteForceRule',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyAntiBruteForceRule'],
  rw: 'Write',
  description: 'Changes an anti-brute-force rule; the hosts concerned get the new rule at once.',
  params: Type.Object({
    ...RULE_PARAMS,
    FailCount: Type.Optional(Type.Integer()),
    ForbiddenTime: Type.Optional(Type.Integer()),
    Id: Type.Integer(),
    Name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    Span: Type.Optional(Type.Integer()),
    UuidList: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10_000 })),
  }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const patch: Partial<RuleInput> = {
      ...(p.Name !== undefined ? { name: p.Name } : {}),
      ...(p.FailCount !== undefined ? { failCount: p.FailCount } : {}),
      ...(p.Span !== undefined ? { spanSeconds: seconds(p.Span, p.TimeUnit, 'Span') } : {}),
      ...(p.ForbiddenTime !== undefined ? { forbiddenSeconds: seconds(p.ForbiddenTime, p.TimeUnit, 'ForbiddenTime') } : {}),
      ...(p.DefaultRule !== undefined ? { defaultRule: p.DefaultRule } : {}),
      ...(p.ProtocolType !== undefined ? { protocols: protocols(p.ProtocolType) } : {}),
      ...(p.SourceIp !== undefined ? { sourceIps: sourceIps(p.SourceIp) } : {}),
      ...(p.UuidList !== undefined ? { uuids: [...new Set(p.UuidList)] } : {}),
    };
    await ctx.services.bruteForce.modifyRule(ctx.principal.accountId, p.Id, patch);
    return {};
  },
});

export const deleteAntiBruteForceRule = defineAction({
  name: 'DeleteAntiBruteForceRule',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteAntiBruteForceRule'],
  rw: 'Write',
  description: 'Deletes anti-brute-force rules; their hosts fall back to the default rule (blocks already in place run out).',
  params: Type.Object({ Ids: Type.Array(Type.Integer(), { minItems: 1, maxItems: 1000 }) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.bruteForce.deleteRules(ctx.principal.accountId, [...new Set(p.Ids)]);
    return {};
  },
});

const Rule = Type.Object({
  Id: Type.Integer(),
  Name: Type.String(),
  FailCount: Type.Integer(),
  ForbiddenTime: Type.Integer(),
  Span: Type.Integer(),
  DefaultRule: Type.Boolean(),
  EnableSmartRule: Type.Boolean(),
  MachineCount: Type.Integer(),
  UuidList: Type.Array(Type.String()),
  CreateTimestamp: Type.Integer(),
  ProtocolType: Type.Object({ Ssh: Type.String(), Rdp: Type.String(), SqlServer: Type.String() }),
  /** Vigil: sources the rule never blocks. */
  SourceIp: Type.String(),
  /** Vigil: exact durations (Span/ForbiddenTime are whole minutes, rounded up). */
  SpanSeconds: Type.Integer(),
  ForbiddenTimeSeconds: Type.Integer(),
});
const PageInfo = Type.Object({ Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer() });

export const describeAntiBruteForceRules = defineAction({
  name: 'DescribeAntiBruteForceRules',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeAntiBruteForceRules'],
  rw: 'Read',
  description: 'Lists anti-brute-force rules (filter by Id or Name).',
  params: Type.Object({
    CurrentPage: Type.Optional(Type.Integer()),
    Id: Type.Optional(Type.Integer()),
    Name: Type.Optional(Type.String({ maxLength: 128 })),
    PageSize: Type.Optional(Type.String({ maxLength: 10 })),
    SourceIp: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  response: Type.Object({ RequestId: Type.String(), PageInfo, Rules: Type.Array(Rule) }),
  async handler(ctx, p) {
    const pg = page(p.CurrentPage, p.PageSize);
    const r = await ctx.services.bruteForce.listRules(ctx.principal.accountId, { ...(p.Id !== undefined ? { id: p.Id } : {}), ...(p.Name ? { name: p.Name } : {}), offset: pg.offset, limit: pg.size });
    return {
      PageInfo: { Count: r.items.length, CurrentPage: pg.page, PageSize: pg.size, TotalCount: r.total },
      Rules: r.items.map((x) => ({
        Id: x.id,
        Name: x.name,
        FailCount: x.failCount,
        ForbiddenTime: Math.ceil(x.forbiddenSeconds / 60),
        Span: Math.ceil(x.spanSeconds / 60),
        DefaultRule: x.defaultRule,
        EnableSmartRule: false,
        MachineCount: x.uuids.length,
        UuidList: x.uuids,
        CreateTimestamp: x.createdAt,
        ProtocolType: x.protocols,
        SourceIp: x.sourceIps.join(','),
        SpanSeconds: x.spanSeconds,
        ForbiddenTimeSeconds: x.forbiddenSeconds,
      })),
    };
  },
});

const Machine = Type.Object({
  Id: Type.Integer(),
  Uuid: Type.String(),
  InstanceId: Type.String(),
  InstanceName: Type.String(),
  IntranetIp: Type.String(),
  InternetIp: Type.String(),
  BlockIp: Type.String(),
  Status: Type.Integer(),
  Port: Type.Integer(),
  Bound: Type.String(),
  Reason: Type.String(),
  ErrorCode: Type.String(),
  BlockExpireDate: Type.Integer(),
  /** Vigil: when the block started, the rule, the firewall backend. */
  BlockTime: Type.Integer(),
  RuleName: Type.String(),
  Backend: Type.String(),
});

export const describeBruteForceRecords = defineAction({
  name: 'DescribeBruteForceRecords',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeBruteForceRecords'],
  rw: 'Read',
  description: 'Sources blocked by anti-brute-force rules, per host. Status 1 blocking, 0 lifted (expired or unblocked), 2 the block failed on the host (ErrorCode says why).',
  params: Type.Object({
    BlockIp: Type.Optional(Type.String({ maxLength: 64 })),
    CurrentPage: Type.Optional(Type.Integer()),
    InstanceId: Type.Optional(Type.String({ maxLength: 64 })),
    PageSize: Type.Optional(Type.Integer()),
    Remark: Type.Optional(Type.String({ maxLength: 256 })),
    Status: Type.Optional(Type.Integer()),
  }),
  response: Type.Object({ RequestId: Type.String(), PageInfo, MachineList: Type.Array(Machine) }),
  async handler(ctx, p) {
    const pg = page(p.CurrentPage, p.PageSize);
    const r = await ctx.services.bruteForce.listBlocks(ctx.principal.accountId, {
      ...(p.BlockIp ? { ip: p.BlockIp } : {}),
      ...(p.InstanceId ? { uuid: p.InstanceId } : {}),
      ...(p.Status !== undefined ? { status: p.Status } : {}),
      offset: pg.offset,
      limit: pg.size,
    });
    return {
      PageInfo: { Count: r.items.length, CurrentPage: pg.page, PageSize: pg.size, TotalCount: r.total },
      MachineList: r.items.map((b) => ({
        Id: b.id,
        Uuid: b.uuid,
        InstanceId: b.uuid,
        InstanceName: b.instanceName,
        IntranetIp: b.intranetIp,
        InternetIp: '',
        BlockIp: b.ip,
        Status: b.status,
        Port: 0,
        Bound: 'in',
        Reason: b.reason,
        ErrorCode: b.error,
        BlockExpireDate: b.expiresAt,
        BlockTime: b.blockedAt,
        RuleName: b.ruleName,
        Backend: b.backend,
      })),
    };
  },
});

export const disableBruteForceRecord = defineAction({
  name: 'DisableBruteForceRecord',
  product: 'Sas',
  ramActions: ['yundun-sas:DisableBruteForceRecord'],
  rw: 'Write',
  description: 'Unblocks a source on a host now (the agent removes the firewall entry and answers; a failure is returned, not hidden).',
  params: Type.Object({
    BlockIp: Type.String({ minLength: 1, maxLength: 64 }),
    Bound: Type.Optional(Type.String({ maxLength: 8 })),
    Id: Type.Optional(Type.Integer()),
    Port: Type.Optional(Type.String({ maxLength: 16 })),
    Uuid: Type.String({ minLength: 1, maxLength: 64 }),
  }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.bruteForce.unblock(ctx.principal.accountId, p.Uuid, p.BlockIp);
    return {};
  },
});

function loginType(t: string): LoginType {
  const hit = LOGIN_TYPES.find((x) => x === t);
  if (!hit) throw new VigilError('InvalidParameter', `Type must be one of ${LOGIN_TYPES.join(', ')}.`, 400);
  return hit;
}

const BaseConfig = Type.Object({
  Id: Type.Integer(),
  Ip: Type.String(),
  StartTime: Type.String(),
  EndTime: Type.String(),
  Account: Type.String(),
  Location: Type.String(),
  TotalCount: Type.Integer(),
  UuidCount: Type.Integer(),
  Targets: Type.Array(Type.Object({ Target: Type.String(), TargetType: Type.String(), Flag: Type.String() })),
});

export const describeLoginBaseConfigs = defineAction({
  name: 'DescribeLoginBaseConfigs',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeLoginBaseConfigs'],
  rw: 'Read',
  description: 'Usual login addresses, times, accounts or locations (by Type) and the hosts they apply to; a login outside them raises an abnormal-login alert.',
  params: Type.Object({
    CurrentPage: Type.Optional(Type.Integer()),
    PageSize: Type.Optional(Type.Integer()),
    Target: Type.Optional(Type.String({ maxLength: 64 })),
    Type: Type.String({ minLength: 1, maxLength: 32 }),
  }),
  response: Type.Object({ RequestId: Type.String(), Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer(), BaseConfigs: Type.Array(BaseConfig) }),
  async handler(ctx, p) {
    const pg = page(p.CurrentPage, p.PageSize);
    const r = await ctx.services.bruteForce.listLoginConfigs(ctx.principal.accountId, { type: loginType(p.Type), ...(p.Target ? { target: p.Target } : {}), offset: pg.offset, limit: pg.size });
    return {
      Count: r.items.length,
      CurrentPage: pg.page,
      PageSize: pg.size,
      TotalCount: r.total,
      BaseConfigs: r.items.map((c) => ({
        Id: c.id,
        Ip: c.ip ?? '',
        StartTime: c.startTime ?? '',
        EndTime: c.endTime ?? '',
        Account: c.account ?? '',
        Location: c.location ?? '',
        TotalCount: c.uuids.length,
        UuidCount: c.uuids.length,
        Targets: c.uuids.map((u) => ({ Target: u, TargetType: 'uuid', Flag: 'add' })),
      })),
    };
  },
});

function targets(raw: string): { uuid: string; flag: 'add' | 'del' }[] {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new VigilError('InvalidParameter', 'Target must be JSON: [{"target":"<uuid>","targetType":"uuid","flag":"add"}].', 400);
  }
  if (!Array.isArray(v) || v.length > 10_000) throw new VigilError('InvalidParameter', 'Target must be a JSON array (at most 10000 entries).', 400);
  return v.map((t) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof o.target !== 'string' || !o.target) throw new VigilError('InvalidParameter', 'Target entries need a "target" uuid.', 400);
    if (o.targetType !== undefined && o.targetType !== 'uuid') throw new VigilError('InvalidParameter', 'Target: only targetType "uuid" is supported.', 400);
    const flag = o.flag === 'del' ? 'del' : o.flag === 'add' || o.flag === undefined ? 'add' : null;
    if (!flag) throw new VigilError('InvalidParameter', 'Target flag must be "add" or "del".', 400);
    return { uuid: o.target.slice(0, 64), flag };
  });
}

export const modifyLoginBaseConfig = defineAction({
  name: 'ModifyLoginBaseConfig',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyLoginBaseConfig'],
  rw: 'Write',
  description:
    'Adds a usual login IP/CIDR ({"ip"}), time window ({"startTime","endTime"} HH:MM:SS host time), account ({"account"}) or location, or changes its hosts with Target add/del entries. Hosts get the settings at once.',
  params: Type.Object({
    Config: Type.String({ minLength: 2, maxLength: 2048 }),
    Target: Type.String({ minLength: 2, maxLength: 1_000_000 }),
    Type: Type.String({ minLength: 1, maxLength: 32 }),
  }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.bruteForce.modifyLoginConfig(ctx.principal.accountId, loginType(p.Type), p.Config, targets(p.Target));
    return {};
  },
});

export const deleteLoginBaseConfig = defineAction({
  name: 'DeleteLoginBaseConfig',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteLoginBaseConfig'],
  rw: 'Write',
  description: 'Removes a usual login setting (Config as in ModifyLoginBaseConfig); with Target only from that host.',
  params: Type.Object({
    Config: Type.String({ minLength: 2, maxLength: 2048 }),
    Target: Type.Optional(Type.String({ maxLength: 64 })),
    Type: Type.String({ minLength: 1, maxLength: 32 }),
  }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.bruteForce.deleteLoginConfig(ctx.principal.accountId, loginType(p.Type), p.Config, p.Target || undefined);
    return {};
  },
});

export const BRUTEFORCE_ACTIONS = [
  createAntiBruteForceRule,
  modifyAntiBruteForceRule,
  deleteAntiBruteForceRule,
  describeAntiBruteForceRules,
  describeBruteForceRecords,
  disableBruteForceRecord,
  describeLoginBaseConfigs,
  modifyLoginBaseConfig,
  deleteLoginBaseConfig,
];
