import type { AgentHub } from '../../server/agent-hub.js';
import type { BaselineService } from './baseline-service.js';
import { BASELINE_SNAPSHOT_KIND } from './baseline-types.js';

type Log = { warn(o: object, m: string): void };

/** Feeds agent `baseline` snapshots into the baseline service. */
export function wireBaselineIngest(hub: AgentHub, baseline: BaselineService, log: Log): void {
  hub.on('snapshot', (s) => {
    if (s.kind !== BASELINE_SNAPSHOT_KIND) return;
    void baseline.ingest(s.accountId, s.agentId, s.data).catch((err: unknown) => log.warn({ err, agentId: s.agentId }, 'baseline ingest failed'));
  });
}
