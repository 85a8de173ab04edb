import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { invalidParam } from '../domain/errors.js';

const DAY_MS = 86_400_000;

function parseTime(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) throw invalidParam(`${name} "${value}" is not an ISO 8601 time (e.g. 2026-12-04T10:00:00Z)`);
  return t;
}

export const lookupEvents = defineAction({
  name: 'LookupEvents',
  product: 'Actiontrail',
  ramActions: ['actiontrail:LookupEvents'],
  rw: 'Read',
  description: 'Queries the audit trail: every call, console or SDK, allowed or denied (newest first).',
  params: Type.Object({
    StartTime: Type.Optional(Type.String({ maxLength: 40 })),
    EndTime: Type.Optional(Type.String({ maxLength: 40 })),
    LookupAttribute: Type.Optional(Type.Array(Type.Object({ Key: Type.String({ maxLength: 64 }), Value: Type.String({ maxLength: 512 }) }), { maxItems: 10 })),
    MaxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    NextToken: Type.Optional(Type.String({ maxLength: 256 })),
  }),
  response: Type.Object({
    RequestId: Type.String(),
    StartTime: Type.String(),
    EndTime: Type.String(),
    NextToken: Type.Optional(Type.String()),
    Events: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  }),
  async handler(ctx, p) {
    const now = ctx.meta.now.getTime();
    const end = parseTime('EndTime', p.EndTime, now);
    const start = parseTime('StartTime', p.StartTime, end - 7 * DAY_MS);
    if (start > end) throw invalidParam('StartTime must not be after EndTime');
    const { events, nextToken } = await ctx.services.audit.lookup({
      accountId: ctx.principal.accountId,
      startTime: start,
      endTime: end,
      attributes: (p.LookupAttribute ?? []).map((a) => ({ key: a.Key, value: a.Value })),
      maxResults: p.MaxResults ?? 20,
      ...(p.NextToken ? { nextToken: p.NextToken } : {}),
    });
    return {
      StartTime: new Date(start).toISOString(),
      EndTime: new Date(end).toISOString(),
      ...(nextToken ? { NextToken: nextToken } : {}),
      Events: events as unknown as Array<Record<string, unknown>>,
    };
  },
});
