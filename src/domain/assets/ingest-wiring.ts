import type { AgentHub } from '../../server/agent-hub.js';
import { INVENTORY_TASK_KIND } from '../../agent/inventory-feature.js';
import type { AssetService } from './asset-service.js';

/** Snapshot kind the agent sends its HostInventory as (`{type:'snapshot', kind:'inventory', full:true, data, hash}`, or `full:false` with an InventoryDelta as data). */
export const INVENTORY_SNAPSHOT_KIND = 'inventory';

const FULL_TASK_TTL_MS = 3_600_000;

type Log = { warn(o: object, m: string): void };

/**
 * Feeds agent inventory snapshots into the asset center, and lists a host as soon as its agent
 * says hello (before the first inventory lands).
 */
export function wireAssetIngest(hub: AgentHub, assets: AssetService, log: Log): void {
  hub.on('snapshot', (s) => {
    if (s.kind !== INVENTORY_SNAPSHOT_KIND) return;
    if (s.full) {
      void assets.ingestInventory(s.accountId, s.agentId, s.data, Date.now(), s.hash ? { hash: s.hash } : {}).catch((err: unknown) => log.warn({ err, agentId: s.agentId }, 'inventory ingest failed'));
      return;
    }
    // A delta applies only on top of the snapshot it was computed against; else ask for a full one.
    void assets
      .ingestDelta(s.accountId, s.agentId, s.data)
      .then(async (r) => {
        if ('needFull' in r) await hub.enqueueTask(s.accountId, s.agentId, INVENTORY_TASK_KIND, { full: true }, FULL_TASK_TTL_MS);
      })
      .catch(async (err: unknown) => {
        log.warn({ err, agentId: s.agentId }, 'inventory delta failed; asking for a full snapshot');
        await hub.enqueueTask(s.accountId, s.agentId, INVENTORY_TASK_KIND, { full: true }, FULL_TASK_TTL_MS).catch(() => undefined);
      });
  });
  hub.on('online', (a) => {
    void assets.ensureInstanceForAgent(a.accountId, a.agentId).catch((err: unknown) => log.warn({ err, agentId: a.agentId }, 'asset registration failed'));
  });
}
