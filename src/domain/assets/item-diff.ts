import type { ItemRow } from './inventory-rows.js';

export interface StoredItemKey {
  item_key: string;
  item_hash: string;
}

export interface ItemDiff {
  /** Keys of stored rows the new snapshot no longer has ('' = rows written before item keys existed). */
  removed: string[];
  added: ItemRow[];
  /** Same identity, other content: updated in place. */
  changed: ItemRow[];
  unchanged: number;
}

/** What turns the stored rows of a host into `next` (pure; keys are unique within `next`). */
export function diffItems(stored: readonly StoredItemKey[], next: readonly ItemRow[]): ItemDiff {
  const have = new Map<string, string>();
  let legacy = false;
  for (const s of stored) {
    if (s.item_key === '') legacy = true;
    else have.set(s.item_key, s.item_hash);
  }
  const added: ItemRow[] = [];
  const changed: ItemRow[] = [];
  let unchanged = 0;
  for (const r of next) {
    const h = have.get(r.item_key);
    if (h === undefined) added.push(r);
    else {
      have.delete(r.item_key);
      if (h === r.item_hash) unchanged++;
      else changed.push(r);
    }
  }
  const removed = [...have.keys()];
  if (legacy) removed.push('');
  return { removed, added, changed, unchanged };
}
