import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { ALERT_LEVELS, type AlertFilter, type AlertLevel, type AlertView } from '../domain/alerts/alert-types.js';
import { OPERATION_CODES, type OperationCode } from '../domain/alerts/alert-service.js';
import { PAGE_FIELDS } from './sas-paging.js';

function pageOf(current: string | undefined, size: string | undefined): { page: number; size: number } {
  const page = current === undefined || current === '' ? 1 : Number(current);
  const pageSize = size === undefined || size === '' ? 20 : Number(size);
  if (!Number.isSafeInteger(page) || page < 1) throw new VigilError('InvalidParameter', 'CurrentPage must be a positive integer.', 400);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new VigilError('InvalidParameter', 'PageSize must be 1..100.', 400);
  return { page, size: pageSize };
}

/** Sas times arrive as epoch ms or `YYYY-MM-DD HH:mm:ss` (UTC). */
function timeOf(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const t = raw.trim();
  const n = /^\d+$/.test(t) ? Number(t) : Date.parse(t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);
  if (!Number.isFinite(n)) throw new VigilError('InvalidParameter', `${name} is not a time.`, 400);
  return n;
}

function csv(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 1000);
}

function fmt(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

const Detail = Type.Object({ NameDisplay: Type.String(), Type: Type.String(), Value: Type.String(), ValueDisplay: Type.String() });
const SuspEvent = Type.Object({
  Id: Type.Integer(),
  Uuid: Type.String(),
  Name: Type.String(),
  AlarmEventNameDisplay: Type.String(),
  AlarmEventType: Type.String(),
  EventSubType: Type.String(),
  Level: Type.String(),
  EventStatus: Type.Integer(),
  OccurrenceTime: Type.String(),
  OccurrenceTimeStamp: Type.Integer(),
  LastTime: Type.String(),
  LastTimeStamp: Type.Integer(),
  InstanceName: Type.String(),
  InternetIp: Type.String(),
  IntranetIp: Type.String(),
  UniqueInfo: Type.String(),
  AlarmUniqueInfo: Type.String(),
  SecurityEventIds: Type.String(),
  Desc: Type.String(),
  CanBeDealOnLine: Type.Boolean(),
  SupportOperateCode: Type.String(),
  OperateErrorCode: Type.String(),
  OperateMsg: Type.String(),
  OperateTime: Type.Integer(),
  MarkMisRules: Type.String(),
  EventNotes: Type.Array(Type.Object({ Note: Type.String(), NoteId: Type.Integer(), NoteTime: Type.String() })),
  Details: Type.Array(Detail),
  /** Vigil: occurrences aggregated into this alert. */
  Count: Type.Integer(),
  /** Vigil: the rule that raised it (e.g. revshell.stdio-socket). */
  RuleId: Type.String(),
  /** Vigil: the structured details (process chain, fds, peer, file, user) as JSON. */
  DetailsJson: Type.String(),
});

function supportedCodes(a: AlertView): string[] {
  const codes = ['ignore', 'manual_handled', 'advance_mark_mis_info'];
  if (a.details.pid !== undefined) codes.push('kill_process');
  if (a.details.file?.path || a.details.exe) codes.push('quara');
  if (a.details.pid !== undefined && (a.details.file?.path || a.details.exe)) codes.push('kill_and_quara');
  if (a.details.peer?.remoteAddress) codes.push('block_ip');
  if ((a.details.persistence?.plan.length ?? 0) > 0) codes.push('clean_persistence');
  return codes;
}

function detailsOf(a: AlertView): Array<{ NameDisplay: string; Type: string; Value: string; ValueDisplay: string }> {
  const d = a.details;
  const out: Array<[string, string]> = [];
  if (d.processChain?.length) out.push(['Process chain', d.processChain.map((p) => `${p.comm}(${p.pid}) ${p.cmdline.join(' ')}`.trim()).join(' <- ')]);
  if (d.exe) out.push(['Executable', d.exe]);
  if (d.cmdline?.length) out.push(['Command line', d.cmdline.join(' ')]);
  if (d.uid !== undefined) out.push(['User (uid)', String(d.uid)]);
  if (d.fds?.length) out.push(['File descriptors', d.fds.map((f) => `${f.fd} -> ${f.target}`).join(', ')]);
  if (d.peer) out.push(['Network peer', `${d.peer.proto} ${d.peer.remoteAddress}:${d.peer.remotePort} (local port ${d.peer.localPort})`]);
  if (d.via?.length) out.push(['Relay', d.via.map((h) => `${h.link} ${h.resource} -> ${h.comm}(${h.pid})`).join(', ')]);
  if (d.file?.path) out.push(['File', d.file.path]);
  if (d.evidence) out.push(['Evidence', d.evidence]);
  return out.map(([k, v]) => ({ NameDisplay: k, Type: 'text', Value: v, ValueDisplay: v }));
}

export const describeSuspEvents = defineAction({
  name: 'DescribeSuspEvents',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeSuspEvents'],
  rw: 'Read',
  description: 'Lists security alerts (aggregated per host, rule and key) with filters by level, status, dealt-with, hosts, name and time, newest first.',
  params: Type.Object({
    AlarmUniqueInfo: Type.Optional(Type.String({ maxLength: 128 })),
    CurrentPage: Type.Optional(Type.String({ maxLength: 10 })),
    PageSize: Type.Optional(Type.String({ maxLength: 10 })),
    Dealed: Type.Optional(Type.String({ maxLength: 1 })),
    EventNames: Type.Optional(Type.String({ maxLength: 1024 })),
    From: Type.Optional(Type.String({ maxLength: 64 })),
    GroupId: Type.Optional(Type.Integer()),
    Id: Type.Optional(Type.Integer()),
    Lang: Type.Optional(Type.String({ maxLength: 8 })),
    Levels: Type.Optional(Type.String({ maxLength: 128 })),
    Name: Type.Optional(Type.String({ maxLength: 256 })),
    Remark: Type.Optional(Type.String({ maxLength: 256 })),
    SourceIp: Type.Optional(Type.String({ maxLength: 64 })),
    Status: Type.Optional(Type.String({ maxLength: 128 })),
    TimeEnd: Type.Optional(Type.String({ maxLength: 32 })),
    TimeStart: Type.Optional(Type.String({ maxLength: 32 })),
    Uuids: Type.Optional(Type.String({ maxLength: 100_000 })),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    ...PAGE_FIELDS,
    SuspEvents: Type.Array(SuspEvent),
  }),
  async handler(ctx, p) {
    const { page, size } = pageOf(p.CurrentPage, p.PageSize);
    const levels = csv(p.Levels);
    const badLevel = levels.find((l) => !ALERT_LEVELS.includes(l as AlertLevel));
    if (badLevel) throw new VigilError('InvalidParameter', `Levels: unknown level "${badLevel.slice(0, 20)}" (serious, suspicious, remind).`, 400);
    const statuses = csv(p.Status).map(Number);
    if (statuses.some((s) => !Number.isSafeInteger(s))) throw new VigilError('InvalidParameter', 'Status must be an EventStatus code.', 400);
    const dealed = p.Dealed?.toUpperCase();
    const filter: AlertFilter = {
      offset: (page - 1) * size,
      limit: size,
      ...(levels.length ? { levels: levels as AlertLevel[] } : {}),
      ...(statuses.length && !statuses.includes(0) ? { statuses } : {}),
      ...(dealed === 'N' || dealed === 'Y' ? { dealed } : {}),
      ...(p.Uuids ? { uuids: csv(p.Uuids) } : {}),
      ...(p.Name ? { name: p.Name } : {}),
      ...(p.Id !== undefined ? { id: p.Id } : {}),
    };
    const ts = timeOf('TimeStart', p.TimeStart);
    const te = timeOf('TimeEnd', p.TimeEnd);
    if (ts !== undefined) filter.timeStart = ts;
    if (te !== undefined) filter.timeEnd = te;
    const r = await ctx.services.alerts.list(ctx.principal.accountId, filter);
    const items = p.AlarmUniqueInfo ? r.items.filter((a) => a.uniqueInfo === p.AlarmUniqueInfo) : r.items;
    return {
      Count: items.length,
      CurrentPage: page,
      PageSize: size,
      TotalCount: r.total,
      SuspEvents: items.map((a) => ({
        Id: a.id,
        Uuid: a.uuid,
        Name: a.name,
        AlarmEventNameDisplay: a.name,
        AlarmEventType: a.ruleId.split('.')[0] ?? '',
        EventSubType: a.ruleId,
        Level: a.level,
        EventStatus: a.status,
        OccurrenceTime: fmt(a.firstTime),
        OccurrenceTimeStamp: a.firstTime,
        LastTime: fmt(a.lastTime),
        LastTimeStamp: a.lastTime,
        InstanceName: a.instanceName,
        InternetIp: a.internetIp,
        IntranetIp: a.intranetIp,
        UniqueInfo: a.uniqueInfo,
        AlarmUniqueInfo: a.uniqueInfo,
        SecurityEventIds: String(a.id),
        Desc: a.details.evidence ?? '',
        CanBeDealOnLine: true,
        SupportOperateCode: supportedCodes(a).join(','),
        OperateErrorCode: a.operateErrorCode,
        OperateMsg: a.operateMsg,
        OperateTime: a.operateTime ?? 0,
        MarkMisRules: a.markMisRules,
        EventNotes: a.notes.map((n) => ({ Note: n.note, NoteId: n.noteId, NoteTime: fmt(n.noteTime) })),
        Details: detailsOf(a),
        Count: a.count,
        RuleId: a.ruleId,
        DetailsJson: JSON.stringify(a.details),
      })),
    };
  },
});

export const handleSecurityEvents = defineAction({
  name: 'HandleSecurityEvents',
  product: 'Sas',
  ramActions: ['yundun-sas:HandleSecurityEvents'],
  rw: 'Write',
  description:
    'Handles alerts: kill_process, quara, kill_and_quara, block_ip, clean_persistence (Vigil: the miner persistence listed in the alert) (run as agent tasks; the alert goes handling → handled, or back to pending with OperateMsg on failure), ignore, manual_handled, advance_mark_mis_info (whitelist rule from MarkMissParam). MarkBatch applies it to every pending alert of the same rule.',
  params: Type.Object({
    MarkBatch: Type.Optional(Type.String({ maxLength: 8 })),
    MarkMissParam: Type.Optional(Type.String({ maxLength: 20_000 })),
    OperationCode: Type.String({ minLength: 1, maxLength: 64 }),
    OperationParams: Type.Optional(Type.String({ maxLength: 4096 })),
    Remark: Type.Optional(Type.String({ maxLength: 1024 })),
    SecurityEventIds: Type.Array(Type.String({ maxLength: 32 }), { minItems: 1, maxItems: 1000 }),
    SourceIp: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  response: Type.Object({ RequestId: Type.String(), HandleSecurityEventsResponse: Type.Object({ TaskId: Type.Integer() }) }),
  async handler(ctx, p) {
    const code = OPERATION_CODES.find((c) => c === p.OperationCode);
    if (!code) throw new VigilError('InvalidParameter', `OperationCode "${p.OperationCode.slice(0, 40)}" is not supported (${OPERATION_CODES.join(', ')}).`, 400);
    const ids = p.SecurityEventIds.map((s) => Number(s));
    if (ids.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new VigilError('InvalidParameter', 'SecurityEventIds must be event ids.', 400);
    const taskId = await ctx.services.alerts.handle(ctx.principal.accountId, {
      code: code as OperationCode,
      alertIds: [...new Set(ids)],
      markBatch: p.MarkBatch === 'true',
      ...(p.MarkMissParam !== undefined ? { markMissParam: p.MarkMissParam } : {}),
      ...(p.OperationParams !== undefined ? { operationParams: p.OperationParams } : {}),
      ...(p.Remark !== undefined ? { remark: p.Remark } : {}),
    });
    return { HandleSecurityEventsResponse: { TaskId: taskId } };
  },
});

export const describeSecurityEventOperationStatus = defineAction({
  name: 'DescribeSecurityEventOperationStatus',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeSecurityEventOperationStatus'],
  rw: 'Read',
  description: 'Progress of a HandleSecurityEvents task: Processing, Success or Failure overall and per event (with the error code).',
  params: Type.Object({
    SecurityEventIds: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 1000 })),
    SourceIp: Type.Optional(Type.String({ maxLength: 64 })),
    TaskId: Type.Integer(),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    SecurityEventOperationStatusResponse: Type.Object({
      TaskStatus: Type.String(),
      SecurityEventOperationStatuses: Type.Array(Type.Object({ SecurityEventId: Type.Integer(), Status: Type.String(), ErrorCode: Type.String() })),
    }),
  }),
  async handler(ctx, p) {
    const ids = (p.SecurityEventIds ?? []).map(Number).filter((n) => Number.isSafeInteger(n));
    const s = await ctx.services.alerts.operationStatus(ctx.principal.accountId, p.TaskId, ids);
    return {
      SecurityEventOperationStatusResponse: {
        TaskStatus: s.taskStatus,
        SecurityEventOperationStatuses: s.items.map((i) => ({ SecurityEventId: i.alertId, Status: i.status, ErrorCode: i.errorCode })),
      },
    };
  },
});

export const describeSuspEventQuaraFiles = defineAction({
  name: 'DescribeSuspEventQuaraFiles',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeSuspEventQuaraFiles'],
  rw: 'Read',
  description: 'Lists files quarantined by alert handling (quaraDone, or rollbackDone once restored).',
  params: Type.Object({
    CurrentPage: Type.Optional(Type.String({ maxLength: 10 })),
    PageSize: Type.Optional(Type.String({ maxLength: 10 })),
    From: Type.Optional(Type.String({ maxLength: 64 })),
    GroupId: Type.Optional(Type.String({ maxLength: 32 })),
    QuaraTag: Type.Optional(Type.String({ maxLength: 64 })),
    SourceIp: Type.Optional(Type.String({ maxLength: 64 })),
    Status: Type.Optional(Type.String({ maxLength: 32 })),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    ...PAGE_FIELDS,
    QuaraFiles: Type.Array(
      Type.Object({
        Id: Type.Integer(),
        Uuid: Type.String(),
        EventName: Type.String(),
        EventType: Type.String(),
        Path: Type.String(),
        Md5: Type.String(),
        Sha256: Type.String(),
        Status: Type.String(),
        Tag: Type.String(),
        ModifyTime: Type.String(),
        InstanceName: Type.String(),
        Ip: Type.String(),
        InternetIp: Type.String(),
      }),
    ),
  }),
  async handler(ctx, p) {
    const { page, size } = pageOf(p.CurrentPage, p.PageSize);
    const r = await ctx.services.alerts.listQuaraFiles(ctx.principal.accountId, (page - 1) * size, size);
    const items = p.Status ? r.items.filter((q) => q.status === p.Status) : r.items;
    return {
      Count: items.length,
      CurrentPage: page,
      PageSize: size,
      TotalCount: r.total,
      QuaraFiles: items.map((q) => ({
        Id: q.id,
        Uuid: q.uuid,
        EventName: q.alertName,
        EventType: '',
        Path: q.path,
        Md5: '',
        Sha256: q.sha256,
        Status: q.status,
        Tag: '',
        ModifyTime: fmt(q.createdAt),
        InstanceName: q.instanceName,
        Ip: q.ip,
        InternetIp: '',
      })),
    };
  },
});

export const rollbackSuspEventQuaraFile = defineAction({
  name: 'RollbackSuspEventQuaraFile',
  product: 'Sas',
  ramActions: ['yundun-sas:RollbackSuspEventQuaraFile'],
  rw: 'Write',
  description: 'Restores a quarantined file to its original path, mode and owner (the agent refuses if something now exists there).',
  params: Type.Object({ From: Type.Optional(Type.String({ maxLength: 64 })), QuaraFileId: Type.Integer({ minimum: 1 }), SourceIp: Type.Optional(Type.String({ maxLength: 64 })) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.alerts.rollbackQuaraFile(ctx.principal.accountId, p.QuaraFileId);
    return {};
  },
});

export const describeSecurityEventMarkMissList = defineAction({
  name: 'DescribeSecurityEventMarkMissList',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeSecurityEventMarkMissList'],
  rw: 'Read',
  description: 'Lists the whitelist (false-positive) rules created by advance_mark_mis_info: rule, field, condition, value and host scope.',
  params: Type.Object({
    CurrentPage: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    PageSize: Type.Integer({ minimum: 1, maximum: 100 }),
    EventName: Type.Optional(Type.String({ maxLength: 128 })),
    Remark: Type.Optional(Type.String({ maxLength: 256 })),
    SourceIp: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    List: Type.Array(
      Type.Object({ Id: Type.Integer(), EventName: Type.String(), EventNameOriginal: Type.String(), Field: Type.String(), Operate: Type.String(), FieldValue: Type.String(), Uuids: Type.String() }),
    ),
    PageInfo: Type.Object({ Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer() }),
  }),
  async handler(ctx, p) {
    const all = (await ctx.services.alerts.whitelist(ctx.principal.accountId)).filter((r) => !p.EventName || r.ruleId === p.EventName);
    const page = all.slice((p.CurrentPage - 1) * p.PageSize, p.CurrentPage * p.PageSize);
    return {
      List: page.map((r) => ({ Id: r.id, EventName: r.ruleId, EventNameOriginal: r.ruleId, Field: r.field, Operate: r.operate, FieldValue: r.fieldValue, Uuids: r.scopeUuid })),
      PageInfo: { Count: page.length, CurrentPage: p.CurrentPage, PageSize: p.PageSize, TotalCount: all.length },
    };
  },
});

export const deleteSecurityEventMarkMissList = defineAction({
  name: 'DeleteSecurityEventMarkMissList',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteSecurityEventMarkMissList'],
  rw: 'Write',
  description: 'Deletes whitelist rules by Id: matching events alert again from then on (alerts already marked stay as they are).',
  params: Type.Object({ Ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 })) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.alerts.deleteWhitelistRules(ctx.principal.accountId, p.Ids ?? []);
    return {};
  },
});

export const ALERT_ACTIONS = [describeSuspEvents, handleSecurityEvents, describeSecurityEventOperationStatus, describeSuspEventQuaraFiles, rollbackSuspEventQuaraFile, describeSecurityEventMarkMissList, deleteSecurityEventMarkMissList];
