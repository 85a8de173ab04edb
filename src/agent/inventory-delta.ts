import { createHash } from 'node:crypto';
import type { HostInventory } from '../host/inventory/inventory-types.js';

/** The item lists of a HostInventory; everything else is host facts, sent whole in every delta. */
export const INVENTORY_SECTIONS = ['processes', 'ports', 'accounts', 'software', 'cron', 'services', 'modules', 'middleware'] as const;
export type InventorySection = (typeof INVENTORY_SECTIONS)[number];

/**
 * A `full: false` inventory snapshot: the host facts plus, per changed section, the items that
 * appeared and the items that went away (a changed item is in both: its old and its new form),
 * compared by content. `base` is the hash of the snapshot it applies to, `hash` the hash of the result.
 */
export interface InventoryDelta {
  base: string;
  hash: string;
  host: Record<string, unknown>;
  sections: Partial<Record<InventorySection, { added: unknown[]; removed: unknown[] }>>;
}

/** Content hash of an inventory (collection time excluded, so an unchanged host hashes the same). */
export function inventoryHash(inv: HostInventory): string {
  const { collectedAt: _at, ...rest } = inv;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 40);
}

/** Items of `next` not in `prev` (added) and of `prev` not in `next` (removed), as multisets of their JSON. */
export function inventoryDelta(prev: HostInventory, next: HostInventory, base: string, hash: string): InventoryDelta {
  const host: Record<string, unknown> = { ...next };
  for (const s of INVENTORY_SECTIONS) delete host[s];
  const sections: InventoryDelta['sections'] = {};
  for (const s of INVENTORY_SECTIONS) {
    const left = new Map<string, number>();
    for (const item of prev[s] as unknown[]) {
      const k = JSON.stringify(item);
      left.set(k, (left.get(k) ?? 0) + 1);
    }
    const added: unknown[] = [];
    for (const item of next[s] as unknown[]) {
      const k = JSON.stringify(item);
      const n = left.get(k) ?? 0;
      if (n > 0) left.set(k, n - 1);
      else added.push(item);
    }
    const removed: unknown[] = [];
    for (const [k, n] of left) for (let i = 0; i < n; i++) removed.push(JSON.parse(k));
    if (added.length > 0 || removed.length > 0) sections[s] = { added, removed };
  }
  return { base, hash, host, sections };
}
