import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { summarizeAgents, type AgentSummary } from '../domain/summary/summary-service.js';

/** Dashboards and scripts poll this action; counts a second old are as good and spare the store. */
const SUMMARY_TTL_MS = 1_000;
const recent = new Map<string, { at: number; summary: AgentSummary }>();

export const describeSummaryInfo = defineAction({
  name: 'DescribeSummaryInfo',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeSummaryInfo'],
  rw: 'Read',
  description: 'Agent online/offline counts and the security score of the account.',
  params: Type.Object({ Lang: Type.Optional(Type.String({ maxLength: 8 })), SourceIp: Type.Optional(Type.String({ maxLength: 64 })) }),
  response: Type.Object({
    RequestId: Type.String(),
    AegisClientOfflineCount: Type.Integer(),
    AegisClientOnlineCount: Type.Integer(),
    SecurityScore: Type.Integer(),
    Success: Type.Boolean(),
  }),
  async handler(ctx) {
    const now = ctx.meta.now.getTime();
    const hit = recent.get(ctx.principal.accountId);
    let s = hit && now - hit.at < SUMMARY_TTL_MS ? hit.summary : null;
    if (!s) {
      const { offlineWindowSec } = await ctx.services.agents.registry.linkSettings(ctx.principal.accountId);
      s = await summarizeAgents(ctx.services.store.db, ctx.principal.accountId, now, offlineWindowSec * 1000);
      recent.set(ctx.principal.accountId, { at: now, summary: s });
    }
    return { AegisClientOfflineCount: s.offline, AegisClientOnlineCount: s.online, SecurityScore: s.score, Success: true };
  },
});
