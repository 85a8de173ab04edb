import { INVENTORY_SECTIONS, type InventorySection } from '../../agent/inventory-delta.js';
import { isObject } from '../../agent/protocol.js';
import type { ItemKind } from './inventory-rows.js';
import { normalizeInventory } from './normalize-inventory.js';

const SECTION_OF: Record<ItemKind, InventorySection> = {
  process: 'processes',
  port: 'ports',
  account: 'accounts',
  software: 'software',
  cron: 'cron',
  service: 'services',
  module: 'modules',
  middleware: 'middleware',
};

export interface ParsedDelta {
  base: string;
  hash: string;
  host: Record<string, unknown>;
  sections: Partial<Record<InventorySection, { added: unknown[]; removed: unknown[] }>>;
}

/** Shape check of an agent's `full: false` inventory snapshot; null when malformed. */
export function parseDelta(data: unknown): ParsedDelta | null {
  if (!isObject(data) || typeof data.base !== 'string' || typeof data.hash !== 'string' || !isObject(data.host) || !isObject(data.sections)) return null;
  const sections: ParsedDelta['sections'] = {};
  for (const s of INVENTORY_SECTIONS) {
    const v = data.sections[s];
    if (v === undefined) continue;
    if (!isObject(v) || !Array.isArray(v.added) || !Array.isArray(v.removed)) return null;
    sections[s] = { added: v.added, removed: v.removed };
  }
  return { base: data.base.slice(0, 64), hash: data.hash.slice(0, 64), host: data.host, sections };
}

/**
 * The full inventory a delta describes: the stored items of each section (their data_json, which is
 * the normalized item), minus the delta's removed items, plus its added ones — items are compared
 * in normalized form, as they were stored. `null` when a removed item is not stored (the server's
 * copy is not the delta's base: the agent must send a full snapshot).
 */
export function applyDelta(stored: ReadonlyArray<{ kind: string; data_json: string }>, delta: ParsedDelta, now: number): Record<string, unknown> | null {
  const lists = new Map<InventorySection, string[]>(INVENTORY_SECTIONS.map((s) => [s, []]));
  for (const r of stored) {
    const s = SECTION_OF[r.kind as ItemKind] as InventorySection | undefined;
    if (s) lists.get(s)?.push(r.data_json);
  }
  const out: Record<string, unknown> = { ...delta.host };
  for (const s of INVENTORY_SECTIONS) {
    const have = lists.get(s) ?? [];
    const d = delta.sections[s];
    if (d) {
      const norm = (items: unknown[]) => (normalizeInventory({ [s]: items }, now)[s] as unknown[]).map((x) => JSON.stringify(x));
      for (const gone of norm(d.removed)) {
        const i = have.indexOf(gone);
        if (i < 0) return null;
        have.splice(i, 1);
      }
      have.push(...norm(d.added));
    }
    out[s] = have.map((j) => JSON.parse(j) as unknown);
  }
  return out;
}
