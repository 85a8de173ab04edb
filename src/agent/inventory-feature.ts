import { randomUUID } from 'node:crypto';
import { ExeHashCache } from '../host/inventory/exe-hash.js';
import { paths } from './home.js';
import type { AgentLink } from './link.js';
import { registerTask } from './task-handlers.js';
import { isShedding } from './budget.js';
import { collect as runCollection } from './collections.js';
import { inventoryDelta, inventoryHash, inventoryItems, type InventoryItems } from './inventory-delta.js';

/** Task kind the server queues for RefreshAssets / ModifyPushAllTask (see src/actions/assets-tasks.ts). */
export const INVENTORY_TASK_KIND = 'inventory.collect';
const DEFAULT_SCHEDULE_MS = 6 * 3_600_000;
/** Scheduled collection period: `VIGIL_INVENTORY_INTERVAL_SEC` (60 s … 7 days), else 6 h. */
export function inventoryScheduleMs(env: NodeJS.ProcessEnv = process.env): number {
  const sec = Number(env.VIGIL_INVENTORY_INTERVAL_SEC);
  return Number.isFinite(sec) && sec >= 60 && sec <= 7 * 86_400 ? Math.round(sec * 1000) : DEFAULT_SCHEDULE_MS;
}
const RETRY_MS = 10_000;
/** While over the resource budget scheduled collection waits; on-demand tasks still run. */
const SHED_RETRY_MS = 60_000;

export interface InventoryOptions {
  scheduleMs?: number;
  /** How to start this agent program again: each collection then runs in a child process (collections.ts). */
  self?: readonly string[];
  /** Agent home: where collection children keep executable hashes between runs. */
  home?: string;
}

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/**
 * Asset fingerprints: one full `inventory` snapshot after each link-up, then on a schedule
 * and on demand. After the first full snapshot of a link-up, a collection sends a `full: false`
 * delta against the last snapshot sent (its content hash is the delta's base) — or, when scheduled
 * and nothing changed, nothing at all. A task with `{ full: true }` (the server asks for it when a
 * delta's base is not what it stored) forces a full snapshot. Inventory is not protection, so it
 * continues while the host is paused.
 */
export function startInventory(
  link: AgentLink,
  log: Log,
  opts: InventoryOptions = {},
): { stop(): void; collectNow(mode?: { full?: boolean; scheduled?: boolean }): Promise<{ sent: boolean; items: number; mode: 'full' | 'delta' | 'unchanged' }> } {
  const scheduleMs = opts.scheduleMs ?? inventoryScheduleMs();
  // Collection children keep executable hashes in the agent home; in-process collections in memory.
  const params = opts.self && opts.home ? { hashCacheFile: paths(opts.home).exeHashes } : {};
  const inProcess = opts.self ? {} : { hashCache: new ExeHashCache() };
  /** The last snapshot sent on the current link-up (a delta's base, as item JSON), with the link-up it was sent on. */
  let last: { items: InventoryItems; hash: string; linkUp: number | null } | null = null;
  type Outcome = { sent: boolean; items: number; mode: 'full' | 'delta' | 'unchanged' };
  let running: Promise<Outcome> | null = null;

  const collect = async (mode: { full?: boolean; scheduled?: boolean }): Promise<Outcome> => {
    const data = await runCollection(opts.self, 'inventory', params, inProcess);
    const items = data.processes.length + data.ports.length + data.software.length + data.accounts.length;
    const hash = inventoryHash(data);
    const linkUp = link.state.lastConnectedAt;
    const base = mode.full || !last || last.linkUp !== linkUp || linkUp === null ? null : last;
    if (base && base.hash === hash && mode.scheduled) return { sent: true, items, mode: 'unchanged' };
    const sent = base
      ? link.send({ type: 'snapshot', id: randomUUID(), kind: 'inventory', full: false, data: inventoryDelta(base.items, data, base.hash, hash) })
      : link.send({ type: 'snapshot', id: randomUUID(), kind: 'inventory', full: true, data, hash });
    // A snapshot that did not go out is no base: the next one is full again. The collected objects
    // are not kept between collections (hours apart), only their JSON.
    last = sent ? { items: inventoryItems(data), hash, linkUp } : null;
    return { sent, items, mode: base ? 'delta' : 'full' };
  };
  /** Concurrent calls share one collection, except that a forced full one runs after it. */
  const collectNow = (mode: { full?: boolean; scheduled?: boolean } = {}): Promise<Outcome> => {
    const prev = running;
    if (prev && !mode.full) return prev;
    const p: Promise<Outcome> = (prev ? prev.catch(() => undefined) : Promise.resolve()).then(() => collect(mode)).finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };
  // Full snapshot on each link-up after the first: checked every 15 s, skipped while shedding.
  const linkWatch = setInterval(() => {
    if (!last || !link.state.connected || last.linkUp === link.state.lastConnectedAt || running || isShedding()) return;
    collectNow().catch((err: unknown) => log('warn', 'inventory collection failed', { error: err instanceof Error ? err.message : String(err) }));
  }, 15_000);
  linkWatch.unref();

  registerTask(INVENTORY_TASK_KIND, {
    protection: false,
    run: async (params) => {
      const full = typeof params === 'object' && params !== null && (params as { full?: unknown }).full === true;
      const r = await collectNow({ full });
      if (!r.sent) throw new Error('inventory collected but the link is down; it is sent when the agent reconnects');
      return r;
    },
  });

  let timer: NodeJS.Timeout | null = null;
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      if (isShedding()) {
        log('info', 'scheduled inventory postponed: the agent is over its resource budget');
        schedule(SHED_RETRY_MS);
        return;
      }
      collectNow({ scheduled: true }).then(
        (r) => schedule(r.sent ? scheduleMs : RETRY_MS),
        (err: unknown) => {
          log('warn', 'inventory collection failed', { error: err instanceof Error ? err.message : String(err) });
          schedule(RETRY_MS * 6);
        },
      );
    }, ms);
    timer.unref();
  };
  schedule(2_000);
  return {
    collectNow,
    stop() {
      if (timer) clearTimeout(timer);
      clearInterval(linkWatch);
    },
  };
}
