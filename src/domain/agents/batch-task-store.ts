import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { BatchHostView, BatchTaskView } from './batch-install.js';

interface BatchTaskTable {
  task_id: string;
  account_id: string;
  code: string;
  downloader: string;
  parallelism: number;
  created_at: number;
  finished_at: number;
  hosts_json: string;
}

export interface StoredBatchTask extends BatchTaskView {
  accountId: string;
}

/** How long finished tasks are kept. */
export const KEEP_TASKS_MS = 7 * 86_400_000;

/**
 * Batch install tasks in the database: the task and its per-host state/results (never credentials,
 * which live only in the running task's memory). A task that was running when the server stopped
 * is closed on the next start with its unfinished hosts marked `interrupted`.
 */
export class BatchTaskStore {
  private readonly db: Kysely<Database & { batch_install_tasks: BatchTaskTable }>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ batch_install_tasks: BatchTaskTable }>();
  }

  async save(t: StoredBatchTask): Promise<void> {
    const row: BatchTaskTable = {
      task_id: t.taskId,
      account_id: t.accountId,
      code: t.code,
      downloader: t.downloader,
      parallelism: t.parallelism,
      created_at: t.createdAt,
      finished_at: t.finishedAt,
      hosts_json: JSON.stringify(t.hosts),
    };
    await this.db
      .insertInto('batch_install_tasks')
      .values(row)
      .onConflict((oc) => oc.column('task_id').doUpdateSet({ finished_at: row.finished_at, hosts_json: row.hosts_json }))
      .execute();
  }

  async get(accountId: string, taskId: string): Promise<StoredBatchTask | null> {
    const r = await this.db.selectFrom('batch_install_tasks').selectAll().where('task_id', '=', taskId).where('account_id', '=', accountId).executeTakeFirst();
    return r ? fromRow(r) : null;
  }

  async list(accountId: string, limit = 200): Promise<StoredBatchTask[]> {
    const rows = await this.db.selectFrom('batch_install_tasks').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Closes tasks left running by a previous server process; drops finished tasks older than KEEP_TASKS_MS. */
  async recover(now: number): Promise<number> {
    await this.db.deleteFrom('batch_install_tasks').where('finished_at', '>', 0).where('finished_at', '<', now - KEEP_TASKS_MS).execute();
    const open = await this.db.selectFrom('batch_install_tasks').selectAll().where('finished_at', '=', 0).execute();
    for (const r of open) {
      const t = fromRow(r);
      for (const h of t.hosts) {
        if (h.state !== 'pending' && h.state !== 'running') continue;
        h.state = 'failed';
        h.result = 'interrupted';
        h.message = 'The server stopped before this host finished; credentials are not stored, so start a new batch for it.';
        h.finishedAt = now;
      }
      t.finishedAt = now;
      await this.save(t);
    }
    return open.length;
  }
}

function fromRow(r: BatchTaskTable): StoredBatchTask {
  let hosts: BatchHostView[] = [];
  try {
    const parsed: unknown = JSON.parse(r.hosts_json);
    if (Array.isArray(parsed)) hosts = parsed as BatchHostView[];
  } catch {
    // a damaged row shows its task without hosts rather than failing the list
  }
  return {
    accountId: r.account_id,
    taskId: r.task_id,
    code: r.code,
    downloader: r.downloader === 'wget' ? 'wget' : 'curl',
    parallelism: Number(r.parallelism),
    createdAt: Number(r.created_at),
    finishedAt: Number(r.finished_at),
    hosts,
  };
}
