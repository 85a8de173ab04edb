import type { AnyAction } from './catalog-types.js';
import { describeSummaryInfo } from './summary.js';
import { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from './access-keys.js';
import { lookupEvents } from './audit.js';

/** Every action the gateway serves; one declaration each. */
export const ALL_ACTIONS: readonly AnyAction[] = [describeSummaryInfo, createAccessKey, listAccessKeys, updateAccessKey, deleteAccessKey, lookupEvents];

export function buildCatalog(actions: readonly AnyAction[] = ALL_ACTIONS): Map<string, AnyAction> {
  const map = new Map<string, AnyAction>();
  for (const a of actions) {
    if (map.has(a.name)) throw new Error(`action ${a.name} is declared twice`);
    map.set(a.name, a);
  }
  return map;
}
