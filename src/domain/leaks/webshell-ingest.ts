import type { AgentHub } from '../../server/agent-hub.js';
import { WEBSHELL_REPORT_KIND } from '../../agent/webshell-feature.js';
import type { WebshellService } from './webshell-service.js';

type Log = { warn(o: object, m: string): void };

/** Feeds agent `webshell` reports (snapshots, or queued events sent after a reconnect) into the store. */
export function wireWebshellIngest(hub: AgentHub, service: WebshellService, log: Log): void {
  const ingest = (accountId: string, agentId: string, data: unknown) =>
    void service.ingest(accountId, agentId, data).catch((err: unknown) => log.warn({ err, agentId }, 'webshell report ingest failed'));
  hub.on('snapshot', (s) => {
    if (s.kind === WEBSHELL_REPORT_KIND) ingest(s.accountId, s.agentId, s.data);
  });
  hub.on('events', (b) => {
    for (const e of b.events) if (e.kind === WEBSHELL_REPORT_KIND) ingest(b.accountId, b.agentId, e.data);
  });
}
