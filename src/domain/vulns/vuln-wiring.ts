import type { AgentHub } from '../../server/agent-hub.js';
import { INVENTORY_SNAPSHOT_KIND } from '../assets/ingest-wiring.js';
import type { VulnService } from './vuln-service.js';

/**
 * A new inventory snapshot re-evaluates the host's vulnerabilities. The asset ingest runs on the
 * same event, so the evaluation is scheduled shortly after; queries also evaluate stale hosts first.
 */
export function wireVulnEvaluation(hub: AgentHub, vulns: VulnService): void {
  vulns.attachHub(hub);
  vulns.startScanCycle();
  hub.on('snapshot', (s) => {
    if (s.kind === INVENTORY_SNAPSHOT_KIND) vulns.scheduleStale(s.accountId);
  });
}
