import { randomUUID } from 'node:crypto';
import { collectHostInventory, ExeHashCache } from '../host/inventory/index.js';
import type { AgentLink } from './link.js';
import { registerTask } from './task-handlers.js';
import { isShedding } from './budget.js';
import { discoverWebRoots } from './webshell-feature.js';

/** Task kind the server queues for RefreshAssets / ModifyPushAllTask (see src/actions/assets-tasks.ts). */
export const INVENTORY_TASK_KIND = 'inventory.collect';
const SCHEDULE_MS = 6 * 3_600_000;
const RETRY_MS = 10_000;
/** While over the resource budget scheduled collection waits; on-demand tasks still run. */
const SHED_RETRY_MS = 60_000;

type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/**
 * Asset fingerprints: one full `inventory` snapshot after the link comes up, then on a
 * schedule and on demand. Inventory is not protection, so it continues while the host is paused.
 */
export function startInventory(link: AgentLink, log: Log): { stop(): void; collectNow(): Promise<{ sent: boolean; items: number }> } {
  const hashCache = new ExeHashCache();
  let running: Promise<{ sent: boolean; items: number }> | null = null;

  const collectNow = () => {
    running ??= (async () => {
      try {
        // CMS cores are looked for in the web roots nginx/Apache serve (the webshell scan's roots).
        const webRoots = await discoverWebRoots().catch(() => undefined);
        const data = await collectHostInventory({ hashCache, ...(webRoots?.length ? { webRoots } : {}) });
        const items = data.processes.length + data.ports.length + data.software.length + data.accounts.length;
        const sent = link.send({ type: 'snapshot', id: randomUUID(), kind: 'inventory', full: true, data });
        return { sent, items };
      } finally {
        running = null;
      }
    })();
    return running;
  };

  registerTask(INVENTORY_TASK_KIND, {
    protection: false,
    run: async () => {
      const r = await collectNow();
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
      collectNow().then(
        (r) => schedule(r.sent ? SCHEDULE_MS : RETRY_MS),
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
    },
  };
}
