import type { AgentHub } from '../../server/agent-hub.js';
import type { AlertService } from './alert-service.js';
import { ALERT_EVENT_KIND } from './alert-types.js';

type Log = { warn(o: object, m: string): void };

/** Feeds agents' `alert` events into the alert pipeline. */
export function wireAlertIngest(hub: AgentHub, alerts: AlertService, log: Log): void {
  hub.on('events', (batch) => {
    const mine = batch.events.filter((e) => e.kind === ALERT_EVENT_KIND);
    if (mine.length === 0) return;
    void (async () => {
      for (const e of mine) await alerts.ingest(batch.accountId, batch.agentId, e.data, e.time);
    })().catch((err: unknown) => log.warn({ err, agentId: batch.agentId }, 'alert ingest failed'));
  });
}
