import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';

const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());

/**
 * Vigil extension (no Alibaba Cloud counterpart): health of the audit forwarding targets from
 * `audit.forward` (syslog, webhook). Targets carry no credentials (no userinfo, query or headers).
 */
export const describeAuditForwarding = defineAction({
  name: 'DescribeAuditForwarding',
  product: 'Actiontrail',
  ramActions: ['actiontrail:DescribeAuditForwarding'],
  rw: 'Read',
  description: 'Lists the audit-trail forwarding targets (syslog, webhook) with sent, failed, dropped and queued counts.',
  params: Type.Object({}),
  response: Type.Object({
    RequestId: Type.String(),
    Targets: Type.Array(
      Type.Object({
        Kind: Type.String(),
        Target: Type.String(),
        Sent: Type.Integer(),
        Failures: Type.Integer(),
        Dropped: Type.Integer(),
        Queued: Type.Integer(),
        LastSuccessTime: Type.String(),
        LastFailureTime: Type.String(),
        LastError: Type.String(),
      }),
    ),
  }),
  async handler(ctx) {
    return {
      Targets: ctx.services.audit.forwardingStats().map((s) => ({
        Kind: s.kind,
        Target: s.target,
        Sent: s.sent,
        Failures: s.failures,
        Dropped: s.dropped,
        Queued: s.queued,
        LastSuccessTime: iso(s.lastSuccessAt),
        LastFailureTime: iso(s.lastFailureAt),
        LastError: s.lastError ?? '',
      })),
    };
  },
});
