import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';

/**
 * Inventory item kinds a host's vulnerability evaluation reads (host-evaluation.ts, host-apps.ts):
 * its packages and — for the necessity's "exposed" factor — its listening ports. With the OS name
 * and kernel of the instance row, these are all of its inputs that come from an inventory.
 */
export const VULN_INPUT_ITEM_KINDS: ReadonlySet<string> = new Set(['software', 'port']);

/**
 * A new inventory whose vulnerability inputs equal the previous one's (no software/port row and no
 * OS name/kernel changed): an evaluation current for the previous inventory (`fromInventoryAt`) is
 * current for the new one (`toInventoryAt`), so its state moves along instead of the host being
 * re-evaluated (evaluateStale compares vul_host_state.inventory_at with last_inventory_at). A state
 * for another inventory (an evaluation still pending, or older) is left alone: that host stays stale
 * and is evaluated as before. Runs in the ingest's transaction.
 */
export async function carryEvaluation(db: Kysely<Database> | Transaction<Database>, accountId: string, uuid: string, fromInventoryAt: number, toInventoryAt: number): Promise<boolean> {
  if (fromInventoryAt <= 0 || toInventoryAt === fromInventoryAt) return false;
  const r = await db
    .updateTable('vul_host_state')
    .set({ inventory_at: toInventoryAt })
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .where('inventory_at', '=', fromInventoryAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
