import { Type } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { PAGE_FIELDS } from './sas-paging.js';
import { VigilError } from '../domain/errors.js';
import { TraceInvestigations, type TraceTaskView } from '../domain/traces/trace-tasks.js';

// Vigil actions: Sas has no per-host trojan clean-up investigation (its DescribeTraceInfo* actions
// are the attack-graph of one alert), so these names are Vigil's own.

function investigations(ctx: ActionContext): TraceInvestigations {
  return new TraceInvestigations(ctx.services.store.db, ctx.services.agents);
}

const Task = Type.Object({
  TaskId: Type.String(),
  Uuid: Type.String(),
  InstanceName: Type.String(),
  Status: Type.String({ description: 'Processing | Success | Failure | Expired' }),
  CreateTime: Type.Integer(),
  FinishTime: Type.Integer(),
  Error: Type.String(),
  Level: Type.String({ description: 'Highest item level: serious | suspicious | info (empty until done).' }),
  SeriousCount: Type.Integer(),
  SuspiciousCount: Type.Integer(),
  InfoCount: Type.Integer(),
});

async function taskRows(ctx: ActionContext, items: TraceTaskView[]) {
  const names = new Map((await ctx.services.assets.views(ctx.principal.accountId, [...new Set(items.map((i) => i.uuid))])).map((v) => [v.uuid, v.instanceName]));
  return items.map((t) => ({
    TaskId: t.taskId,
    Uuid: t.uuid,
    InstanceName: names.get(t.uuid) ?? '',
    Status: t.status,
    CreateTime: t.createdAt,
    FinishTime: t.status === 'Processing' ? 0 : t.updatedAt,
    Error: t.error,
    Level: t.level,
    SeriousCount: t.counts.serious,
    SuspiciousCount: t.counts.suspicious,
    InfoCount: t.counts.info,
  }));
}

export const createIntrusionTraceTask = defineAction({
  name: 'CreateIntrusionTraceTask',
  product: 'Sas',
  ramActions: ['yundun-sas:CreateIntrusionTraceTask'],
  rw: 'Write',
  description:
    'Vigil: starts an intrusion-trace investigation on one host (logins, accepted remote logins, cron, recently changed system files, suspicious accounts, executables in temp dirs, unpackaged services). Returns the task; an offline host runs it when it reconnects (1 h). A running investigation of the host is returned instead of a second one.',
  params: Type.Object({ Uuid: Type.String({ minLength: 1, maxLength: 64 }), RecentHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })) }),
  response: Type.Object({ RequestId: Type.String(), TaskId: Type.String() }),
  async handler(ctx, p) {
    return { TaskId: await investigations(ctx).create(ctx.principal.accountId, p.Uuid, p.RecentHours ?? 24) };
  },
});

export const describeIntrusionTraceTasks = defineAction({
  name: 'DescribeIntrusionTraceTasks',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeIntrusionTraceTasks'],
  rw: 'Read',
  description: 'Vigil: investigations of the account (or of one host), newest first, with status and item counts by level.',
  params: Type.Object({ Uuid: Type.Optional(Type.String({ maxLength: 64 })), CurrentPage: Type.Optional(Type.Integer({ minimum: 1 })), PageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
  response: Type.Object({ RequestId: Type.String(), ...PAGE_FIELDS, Tasks: Type.Array(Task) }),
  async handler(ctx, p) {
    const page = p.CurrentPage ?? 1;
    const size = p.PageSize ?? 20;
    const r = await investigations(ctx).list(ctx.principal.accountId, p.Uuid || undefined, (page - 1) * size, size);
    return { Tasks: await taskRows(ctx, r.items), Count: r.items.length, CurrentPage: page, PageSize: size, TotalCount: r.total };
  },
});

const Item = Type.Object({
  Code: Type.String(),
  Level: Type.String(),
  Title: Type.String(),
  Explanation: Type.String(),
  Evidence: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
});
const Section = Type.Object({ Id: Type.String(), Title: Type.String(), Level: Type.String(), Truncated: Type.Boolean(), Items: Type.Array(Item) });

export const describeIntrusionTraceReport = defineAction({
  name: 'DescribeIntrusionTraceReport',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeIntrusionTraceReport'],
  rw: 'Read',
  description: 'Vigil: the report of one investigation: sections in clean-up order, each item with its level, evidence and an explanation (why it matters, what to check).',
  params: Type.Object({ TaskId: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({
    RequestId: Type.String(),
    Task: Task,
    Report: Type.Optional(
      Type.Object({
        Hostname: Type.String(),
        GeneratedAt: Type.Integer(),
        Level: Type.String(),
        Sections: Type.Array(Section),
        Unreadable: Type.Array(Type.String()),
        Cleanup: Type.Array(Type.Object({ Action: Type.String(), Path: Type.String(), LineNo: Type.Integer(), Expected: Type.String() })),
      }),
    ),
  }),
  async handler(ctx, p) {
    const { task, report } = await investigations(ctx).get(ctx.principal.accountId, p.TaskId);
    const [row] = await taskRows(ctx, [task]);
    if (!row) throw new VigilError('TaskNotFound', `No intrusion-trace task with TaskId ${p.TaskId}.`, 404);
    if (!report) return { Task: row };
    return {
      Task: row,
      Report: {
        Hostname: report.hostname,
        GeneratedAt: report.generatedAtMs,
        Level: report.level,
        Unreadable: report.unreadable,
        Cleanup: report.cleanup.map((c) => ({ Action: c.action, Path: c.path, LineNo: 'lineNo' in c && typeof c.lineNo === 'number' ? c.lineNo : 0, Expected: 'expected' in c && typeof c.expected === 'string' ? c.expected : '' })),
        Sections: report.sections.map((s) => ({
          Id: s.id,
          Title: s.title,
          Level: s.level,
          Truncated: s.truncated,
          Items: s.items.map((i) => ({ Code: i.code ?? '', Level: i.level, Title: i.title, Explanation: i.explanation, Evidence: i.evidence })),
        })),
      },
    };
  },
});

export const TRACE_ACTIONS = [createIntrusionTraceTask, describeIntrusionTraceTasks, describeIntrusionTraceReport];
