import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { sha256Hex } from '../../iam/crypto.js';

const MAX_FINDINGS_PER_REPORT = 500;
const HEX64 = /^[0-9a-f]{64}$/;

export interface WebshellView {
  Id: string;
  Uuid: string;
  FilePath: string;
  Sha256: string;
  Rule: string;
  Confidence: string;
  Level: string;
  Message: string;
  Evidence: string;
  Trigger: string;
  FirstSeenTime: number;
  LastSeenTime: number;
}

const str = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * Webshell findings reported by agents (snapshot / event kind `webshell`). Stored here until the
 * alert pipeline takes them over; a file's finding is one row per (host, path, content, rule).
 */
export class WebshellService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a report from an agent; the data is untrusted, so every field is checked and bounded. */
  async ingest(accountId: string, agentId: string, data: unknown, now = Date.now()): Promise<number> {
    const d = (data ?? {}) as { findings?: unknown; trigger?: unknown };
    if (!Array.isArray(d.findings)) return 0;
    const trigger = ['task', 'watch', 'schedule'].includes(String(d.trigger)) ? String(d.trigger) : 'task';
    let stored = 0;
    for (const raw of d.findings.slice(0, MAX_FINDINGS_PER_REPORT)) {
      const f = (raw ?? {}) as Record<string, unknown>;
      const path = str(f.path, 2048);
      const sha = str(f.sha256, 64).toLowerCase();
      const rule = str(f.ruleId, 128);
      if (!path || !HEX64.test(sha) || !rule) continue;
      const evidence = Array.isArray(f.evidence)
        ? f.evidence.slice(0, 3).map((e) => ({ offset: Number((e as Record<string, unknown>).offset) || 0, excerpt: str((e as Record<string, unknown>).excerpt, 160) }))
        : [];
      const id = sha256Hex([accountId, agentId, path, sha, rule].join('\0')).slice(0, 32);
      const existing = await this.db.selectFrom('webshell_findings').select('id').where('id', '=', id).executeTakeFirst();
      if (existing) {
        await this.db.updateTable('webshell_findings').set({ last_seen_at: now }).where('id', '=', id).execute();
      } else {
        await this.db
          .insertInto('webshell_findings')
          .values({
            id,
            account_id: accountId,
            agent_id: agentId,
            path,
            sha256: sha,
            rule,
            confidence: str(f.confidence, 16) || 'low',
            evidence: JSON.stringify({ level: str(f.level, 16), message: str(f.message, 512), items: evidence }),
            scan_trigger: trigger,
            first_seen_at: now,
            last_seen_at: now,
          })
          .execute()
          // A concurrent report of the same file (watcher and task at once) inserted it first.
          .catch(() => this.db.updateTable('webshell_findings').set({ last_seen_at: now }).where('id', '=', id).execute());
      }
      stored++;
    }
    return stored;
  }

  async list(accountId: string, q: { page: number; pageSize: number; uuid?: string }): Promise<{ total: number; items: WebshellView[] }> {
    let base = this.db.selectFrom('webshell_findings').where('account_id', '=', accountId);
    if (q.uuid) base = base.where('agent_id', '=', q.uuid);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('last_seen_at', 'desc').orderBy('id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
    return {
      total: Number(total.n),
      items: rows.map((r) => {
        const ev = JSON.parse(r.evidence) as { level?: string; message?: string; items?: Array<{ excerpt: string }> };
        return {
          Id: r.id,
          Uuid: r.agent_id,
          FilePath: r.path,
          Sha256: r.sha256,
          Rule: r.rule,
          Confidence: r.confidence,
          Level: ev.level ?? '',
          Message: ev.message ?? '',
          Evidence: (ev.items ?? []).map((i) => i.excerpt).join('\n'),
          Trigger: r.scan_trigger,
          FirstSeenTime: Number(r.first_seen_at),
          LastSeenTime: Number(r.last_seen_at),
        };
      }),
    };
  }
}
