import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { splitList } from '../domain/assets/sql-helpers.js';
import { VUL_STATUS } from '../domain/vulns/vul-status.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { REBOOT_TASK_KIND } from '../domain/vulns/reboot-task.js';

const Rid = { RequestId: Type.String() };
const REBOOT_TTL_MS = 3_600_000;

/** Hosts whose findings wait for a reboot (status 8: fixed, needs reboot). */
async function needsReboot(db: Kysely<Database>, accountId: string, uuid: string): Promise<boolean> {
  const row = await db
    .selectFrom('vul_findings')
    .select('uuid')
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .where('status', '=', VUL_STATUS.fixedNeedsReboot)
    .executeTakeFirst();
  return row !== undefined;
}

export const describeMachineCanReboot = defineAction({
  name: 'DescribeMachineCanReboot',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeMachineCanReboot'],
  rw: 'Read',
  description: 'Whether a reboot would finish vulnerability fixes on the host (findings in status 8, "fixed, needs reboot") and its agent is online to carry it out.',
  params: Type.Object({ Type: Type.Optional(Type.String({ maxLength: 16 })), Uuid: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({ ...Rid, CanReboot: Type.Boolean() }),
  async handler(ctx, p) {
    const agent = await ctx.services.agents.registry.status(ctx.principal.accountId, p.Uuid);
    if (!agent) throw new VigilError('InvalidUuid', `Unknown agent uuid: ${p.Uuid}.`, 404);
    return { CanReboot: agent.status === 'online' && (await needsReboot(ctx.services.store.db, ctx.principal.accountId, p.Uuid)) };
  },
});

export const rebootMachine = defineAction({
  name: 'RebootMachine',
  product: 'Sas',
  // Rebooting a host is a compute operation: granted by ecs:RebootInstance, not by Sas full access.
  // The host is a Sas asset, not an ECS resource: a policy's `ecs:*` on acs:ecs:*:*:* does not reach
  // it, so the seed's P5 lets its holder reboot only through its MFA-conditioned statement.
  ramActions: ['ecs:RebootInstance'],
  resourceService: 'yundun-sas',
  rw: 'Write',
  description:
    'Reboots a host to finish vulnerability fixes, as its own task: the agent schedules the reboot with the host\'s shutdown command (one minute ahead, cancellable with `shutdown -c`). Needs the RAM action ecs:RebootInstance (not part of AliyunYundunSASFullAccess). Poll DescribeInstanceRebootStatus.',
  params: Type.Object({ Uuid: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object(Rid),
  async handler(ctx, p) {
    const accountId = ctx.principal.accountId;
    const agent = await ctx.services.agents.registry.status(accountId, p.Uuid);
    if (!agent) throw new VigilError('InvalidUuid', `Unknown agent uuid: ${p.Uuid}.`, 404);
    if (agent.status !== 'online') throw new VigilError('Agent.Offline', `The agent of ${p.Uuid} is ${agent.status}; a reboot can only be sent to an online agent.`, 409);
    await ctx.services.agents.enqueueTask(accountId, p.Uuid, REBOOT_TASK_KIND, {}, REBOOT_TTL_MS);
    return {};
  },
});

const STATUS = { rebooting: 0, succeeded: 1, failed: 2 } as const;

export const describeInstanceRebootStatus = defineAction({
  name: 'DescribeInstanceRebootStatus',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeInstanceRebootStatus'],
  rw: 'Read',
  description: 'The latest reboot task per host: Status 0 = waiting for the agent, 1 = reboot scheduled on the host, 2 = failed or expired (Msg says why). Hosts never asked to reboot are left out.',
  params: Type.Object({ Uuids: Type.String({ minLength: 1, maxLength: 20_000 }) }),
  response: Type.Object({
    ...Rid,
    TotalCount: Type.Integer(),
    RebootStatuses: Type.Array(Type.Object({ Uuid: Type.String(), Status: Type.Integer(), Code: Type.String(), Msg: Type.String() })),
  }),
  async handler(ctx, p) {
    const uuids = splitList(p.Uuids).slice(0, 500);
    if (uuids.length === 0) return { TotalCount: 0, RebootStatuses: [] };
    const rows = await ctx.services.store.db
      .selectFrom('agent_tasks')
      .select(['agent_id', 'status', 'error', 'created_at'])
      .where('account_id', '=', ctx.principal.accountId)
      .where('kind', '=', REBOOT_TASK_KIND)
      .where('agent_id', 'in', uuids)
      .orderBy('created_at', 'desc')
      .execute();
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!latest.has(r.agent_id)) latest.set(r.agent_id, r);
    const list = [...latest.values()].map((r) => {
      const status = r.status === 'done' ? STATUS.succeeded : r.status === 'failed' || r.status === 'expired' ? STATUS.failed : STATUS.rebooting;
      return { Uuid: r.agent_id, Status: status, Code: r.status, Msg: r.error ?? (status === STATUS.succeeded ? 'reboot scheduled on the host' : status === STATUS.rebooting ? 'waiting for the agent' : 'expired before the agent took it') };
    });
    return { TotalCount: list.length, RebootStatuses: list };
  },
});

export const REBOOT_ACTIONS = [describeMachineCanReboot, rebootMachine, describeInstanceRebootStatus];
