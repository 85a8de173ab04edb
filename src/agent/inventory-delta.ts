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

/**
 * A sent snapshot's items, each section as the JSON of its items: what the next delta is computed
 * against. Kept instead of the HostInventory itself, which is several times larger as objects and
 * whose strings can pin whole source files (a package name sliced out of /var/lib/dpkg/status keeps
 * the 1.5 MB file text alive).
 */
export type InventoryItems = Record<InventorySection, string[]>;

export function inventoryItems(inv: HostInventory): InventoryItems {
  const out = {} as InventoryItems;
  for (const s of INVENTORY_SECTIONS) out[s] = (inv[s] as unknown[]).map((item) => JSON.stringify(item));
  return out;
}

/** Items of `next` not in `prev` (added) and of `prev` not in `next` (removed), as multisets of their JSON. */
export function inventoryDelta(prev: HostInventory | InventoryItems, next: HostInventory, base: string, hash: string): InventoryDelta {
  const prevItems = 'collectedAt' in prev ? inventoryItems(prev) : prev;
  const host: Record<string, unknown> = { ...next };
  for (const s of INVENTORY_SECTIONS) delete host[s];
  const sections: InventoryDelta['sections'] = {};
  for (const s of INVENTORY_SECTIONS) {
    const left = new Map<string, number>();
    for (const k of prevItems[s]) left.set(k, (left.get(k) ?? 0) + 1);
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
