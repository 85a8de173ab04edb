import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

/** An agent is online while its last heartbeat is younger than this window (3 × the 60 s interval). */
export const DEFAULT_OFFLINE_WINDOW_MS = 180_000;

export interface AgentSummary {
  online: number;
  offline: number;
  score: number;
}

/**
 * Counts from the store. The score is the model reduced to the inputs that exist so far:
 * 100 minus 5 per unprotected (offline) host, floored at 0. Alert, vulnerability and baseline
 * deductions join it as those capabilities land.
 */
export async function summarizeAgents(db: Kysely<Database>, accountId: string, now: number, windowMs = DEFAULT_OFFLINE_WINDOW_MS): Promise<AgentSummary> {
  const rows = await db.selectFrom('agents').select(['last_heartbeat_at']).where('account_id', '=', accountId).execute();
  let online = 0;
  for (const r of rows) if (r.last_heartbeat_at !== null && now - r.last_heartbeat_at <= windowMs) online++;
  const offline = rows.length - online;
  return { online, offline, score: Math.max(0, 100 - 5 * offline) };
}
