import type { AgentHub } from '../../server/agent-hub.js';
import type { AssetService } from './asset-service.js';

/** Snapshot kind the agent sends its HostInventory as (`{type:'snapshot', kind:'inventory', full:true, data}`). */
export const INVENTORY_SNAPSHOT_KIND = 'inventory';

type Log = { warn(o: object, m: string): void };

/**
 * Feeds agent inventory snapshots into the asset center, and lists a host as soon as its agent
 * says hello (before the first inventory lands).
 */
export function wireAssetIngest(hub: AgentHub, assets: AssetService, log: Log): void {
  hub.on('snapshot', (s) => {
    if (s.kind !== INVENTORY_SNAPSHOT_KIND) return;
    void assets.ingestInventory(s.accountId, s.agentId, s.data).catch((err: unknown) => log.warn({ err, agentId: s.agentId }, 'inventory ingest failed'));
  });
  hub.on('online', (a) => {
    void assets.ensureInstanceForAgent(a.accountId, a.agentId).catch((err: unknown) => log.warn({ err, agentId: a.agentId }, 'asset registration failed'));
  });
}
