import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { summarizeAgents } from '../domain/summary/summary-service.js';

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
    const { offlineWindowSec } = await ctx.services.agents.registry.linkSettings(ctx.principal.accountId);
    const s = await summarizeAgents(ctx.services.store.db, ctx.principal.accountId, ctx.meta.now.getTime(), offlineWindowSec * 1000);
    return { AegisClientOfflineCount: s.offline, AegisClientOnlineCount: s.online, SecurityScore: s.score, Success: true };
  },
});
