import type { Kysely } from 'kysely';
import type { TraceReport } from '../../engines/traces/index.js';
import type { AgentHub } from '../../server/agent-hub.js';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';

/** Same kind string as the agent's `TRACES_TASK_KIND` (src/agent/traces-feature.ts). */
export const TRACES_TASK = 'traces.collect';
/** An investigation is deliverable to an offline host for this long. */
const TASK_TTL_MS = 3_600_000;

export type TraceTaskStatus = 'Processing' | 'Success' | 'Failure' | 'Expired';

export interface TraceTaskView {
  taskId: string;
  uuid: string;
  status: TraceTaskStatus;
  createdAt: number;
  updatedAt: number;
  error: string;
  level: string;
  counts: { serious: number; suspicious: number; info: number };
}

const STATUS: Record<Database['agent_tasks']['status'], TraceTaskStatus> = { queued: 'Processing', delivered: 'Processing', done: 'Success', failed: 'Failure', expired: 'Expired' };

function parseReport(json: string | null): TraceReport | null {
  if (json === null) return null;
  try {
    const r = JSON.parse(json) as TraceReport;
    return typeof r === 'object' && r !== null && Array.isArray(r.sections) ? r : null;
  } catch {
    return null;
  }
}

function view(row: Database['agent_tasks'], report: TraceReport | null): TraceTaskView {
  return {
    taskId: row.id,
    uuid: row.agent_id,
    status: STATUS[row.status],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    error: row.error ?? (row.status === 'done' && !report ? 'the agent returned no readable report' : ''),
    level: report?.level ?? '',
    counts: report?.counts ?? { serious: 0, suspicious: 0, info: 0 },
  };
}

/**
 * Intrusion-trace investigations: an agent task per request; the agent's report is the
 * task result and stays in the store (`agent_tasks`) as the host's investigation history.
 */
export class TraceInvestigations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly hub: Pick<AgentHub, 'enqueueTask'>,
  ) {}

  async create(accountId: string, uuid: string, recentHours = 24): Promise<string> {
    if (!Number.isInteger(recentHours) || recentHours < 1 || recentHours > 168) throw new VigilError('InvalidParameter', 'RecentHours must be an integer 1..168.', 400);
    const running = await this.db
      .selectFrom('agent_tasks')
      .select('id')
      .where('account_id', '=', accountId)
      .where('agent_id', '=', uuid)
      .where('kind', '=', TRACES_TASK)
      .where('status', 'in', ['queued', 'delivered'])
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    if (running) return running.id; // one investigation at a time per host
    return this.hub.enqueueTask(accountId, uuid, TRACES_TASK, { recentHours }, TASK_TTL_MS);
  }

  async list(accountId: string, uuid: string | undefined, offset: number, limit: number): Promise<{ items: TraceTaskView[]; total: number }> {
    let q = this.db.selectFrom('agent_tasks').where('account_id', '=', accountId).where('kind', '=', TRACES_TASK);
    if (uuid) q = q.where('agent_id', '=', uuid);
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(offset).limit(limit).execute();
    return { items: rows.map((r) => view(r, parseReport(r.result_json))), total };
  }

  async get(accountId: string, taskId: string): Promise<{ task: TraceTaskView; report: TraceReport | null }> {
    const row = await this.db.selectFrom('agent_tasks').selectAll().where('id', '=', taskId).where('account_id', '=', accountId).where('kind', '=', TRACES_TASK).executeTakeFirst();
    if (!row) throw new VigilError('TaskNotFound', `No intrusion-trace task with TaskId ${taskId}.`, 404);
    const report = parseReport(row.result_json);
    return { task: view(row, report), report };
  }
}
