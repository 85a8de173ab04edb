import type { AgentHub } from '../../server/agent-hub.js';
import type { BruteForceService } from './bruteforce-service.js';
import { BRUTEFORCE_BLOCK_EVENT, BRUTEFORCE_UNBLOCK_EVENT, parseBlockEvent, parseUnblockEvent } from './bruteforce-types.js';

type Log = { warn(o: object, m: string): void };

/** Agents get their brute-force config when they come online; their block/unblock events are stored. */
export function wireBruteForce(hub: AgentHub, svc: BruteForceService, log: Log): void {
  hub.on('online', ({ agentId, accountId }) => {
    void svc.pushTo(accountId, agentId).catch((err: unknown) => log.warn({ err, agentId }, 'brute-force config push failed'));
  });
  hub.on('events', (batch) => {
    const mine = batch.events.filter((e) => e.kind === BRUTEFORCE_BLOCK_EVENT || e.kind === BRUTEFORCE_UNBLOCK_EVENT);
    if (mine.length === 0) return;
    void (async () => {
      for (const e of mine) {
        if (e.kind === BRUTEFORCE_BLOCK_EVENT) {
          const d = parseBlockEvent(e.data);
          if (d) await svc.recordBlock(batch.accountId, batch.agentId, d, e.time);
        } else {
          const d = parseUnblockEvent(e.data);
          if (d) await svc.recordUnblock(batch.accountId, batch.agentId, d, e.time);
        }
      }
    })().catch((err: unknown) => log.warn({ err, agentId: batch.agentId }, 'brute-force event ingest failed'));
  });
}
