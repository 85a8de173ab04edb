import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export interface QueuedTask {
  id: string;
  kind: string;
  params: unknown;
}

const MAX_PARAMS_BYTES = 256 * 1024;

/**
 * Server → agent tasks in the store, so a task issued while the agent is offline is delivered when
 * it reconnects (until `expires_at`). queued → delivered (agent acked) → done | failed | expired.
 */
export class AgentTaskStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(accountId: string, agentId: string, kind: string, params: unknown, ttlMs: number, now = Date.now()): Promise<string> {
    const params_json = JSON.stringify(params ?? null);
    if (params_json.length > MAX_PARAMS_BYTES) throw new Error(`task params exceed ${MAX_PARAMS_BYTES} bytes`);
    const id = randomUUID();
    await this.db
      .insertInto('agent_tasks')
      .values({ id, account_id: accountId, agent_id: agentId, kind, params_json, status: 'queued', result_json: null, error: null, created_at: now, updated_at: now, expires_at: now + ttlMs })
      .execute();
    return id;
  }

  /** Tasks still owed to the agent, oldest first. */
  async pending(agentId: string, now = Date.now()): Promise<QueuedTask[]> {
    const rows = await this.db
      .selectFrom('agent_tasks')
      .select(['id', 'kind', 'params_json'])
      .where('agent_id', '=', agentId)
      .where('status', 'in', ['queued', 'delivered'])
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .limit(500)
      .execute();
    return rows.map((r) => ({ id: r.id, kind: r.kind, params: JSON.parse(r.params_json) as unknown }));
  }

  async markDelivered(agentId: string, taskId: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('agent_tasks').set({ status: 'delivered', updated_at: now }).where('id', '=', taskId).where('agent_id', '=', agentId).where('status', '=', 'queued').execute();
  }

  /** Records the outcome; false when the task is unknown for this agent or already finished. */
  async finish(agentId: string, taskId: string, ok: boolean, data: unknown, error: string | undefined, now = Date.now()): Promise<boolean> {
    const res = await this.db
      .updateTable('agent_tasks')
      .set({ status: ok ? 'done' : 'failed', result_json: ok ? JSON.stringify(data ?? null).slice(0, 1024 * 1024) : null, error: ok ? null : (error ?? 'failed').slice(0, 4096), updated_at: now })
      .where('id', '=', taskId)
      .where('agent_id', '=', agentId)
      .where('status', 'in', ['queued', 'delivered'])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async expire(now = Date.now()): Promise<string[]> {
    const rows = await this.db.selectFrom('agent_tasks').select('id').where('status', 'in', ['queued', 'delivered']).where('expires_at', '<=', now).limit(1000).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    await this.db.updateTable('agent_tasks').set({ status: 'expired', updated_at: now }).where('id', 'in', ids).execute();
    return ids;
  }

  async get(taskId: string): Promise<Database['agent_tasks'] | undefined> {
    return this.db.selectFrom('agent_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  }
}
