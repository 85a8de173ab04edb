import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { splitList } from '../domain/assets/sql-helpers.js';

/** Task kind the agent answers with a full `snapshot` of kind `inventory`. */
export { INVENTORY_TASK_KIND } from '../agent/inventory-feature.js';
import { INVENTORY_TASK_KIND } from '../agent/inventory-feature.js';
const TASK_TTL_MS = 600_000;

/** ModifyPushAllTask names that mean "collect the inventory again" (Sas *_SNAPSHOT tasks). */
const INVENTORY_TASKS = new Set(['PROC_SNAPSHOT', 'PORT_SNAPSHOT', 'ACCOUNT_SNAPSHOT', 'SOFTWARE_SNAPSHOT', 'SCA_SNAPSHOT', 'CRON_SNAPSHOT', 'AUTORUN_SNAPSHOT', 'ASSETS_COLLECTION']);

export const refreshAssets = defineAction({
  name: 'RefreshAssets',
  product: 'Sas',
  ramActions: ['yundun-sas:RefreshAssets'],
  rw: 'Write',
  description: 'Asks every agent of the account for a fresh inventory (同步最新资产 Sync assets); offline agents get it when they reconnect.',
  params: Type.Object({
    AssetType: Type.Optional(Type.String({ maxLength: 32 })),
    CloudAssetSubType: Type.Optional(Type.Integer()),
    CloudAssetType: Type.Optional(Type.Integer()),
    Vendor: Type.Optional(Type.Integer()),
  }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx) {
    const agents = await ctx.services.store.db.selectFrom('agents').select('id').where('account_id', '=', ctx.principal.accountId).execute();
    for (const a of agents) await ctx.services.agents.enqueueTask(ctx.principal.accountId, a.id, INVENTORY_TASK_KIND, {}, TASK_TTL_MS);
    return {};
  },
});

export const modifyPushAllTask = defineAction({
  name: 'ModifyPushAllTask',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyPushAllTask'],
  rw: 'Write',
  description: 'Pushes tasks to hosts. Asset snapshot tasks (PROC_SNAPSHOT, PORT_SNAPSHOT, ACCOUNT_SNAPSHOT, SOFTWARE_SNAPSHOT, CRON_SNAPSHOT…) refresh the inventory; other task names are reported as not supported per host.',
  params: Type.Object({ SourceIp: Type.Optional(Type.String({ maxLength: 64 })), Tasks: Type.String({ minLength: 1, maxLength: 1024 }), Uuids: Type.String({ minLength: 1, maxLength: 64_000 }) }),
  response: Type.Object({
    RequestId: Type.String(),
    PushTaskRsp: Type.Object({
      PushTaskResultList: Type.Array(
        Type.Object({ GroupId: Type.Integer(), InstanceId: Type.String(), InstanceName: Type.String(), Ip: Type.String(), Message: Type.String(), Online: Type.Boolean(), OsVersion: Type.String(), Region: Type.String(), Success: Type.Boolean(), Uuid: Type.String() }),
      ),
    }),
  }),
  async handler(ctx, p) {
    const tasks = splitList(p.Tasks, 32);
    const unsupported = tasks.filter((t) => !INVENTORY_TASKS.has(t));
    const uuids = splitList(p.Uuids);
    if (uuids.length === 0) throw new VigilError('MissingUuids', 'Uuids names the hosts.', 400);
    const views = await ctx.services.assets.views(ctx.principal.accountId, uuids);
    if (views.length !== uuids.length) throw new VigilError('InvalidUuid', 'Some Uuids are not hosts of this account.', 400);
    const results = [];
    for (const v of views) {
      let success = unsupported.length === 0;
      let message = unsupported.length > 0 ? `Not supported yet: ${unsupported.join(',')}` : 'queued';
      if (tasks.some((t) => INVENTORY_TASKS.has(t))) {
        try {
          await ctx.services.agents.enqueueTask(ctx.principal.accountId, v.uuid, INVENTORY_TASK_KIND, {}, TASK_TTL_MS);
        } catch (err) {
          success = false;
          message = err instanceof Error ? err.message : 'task failed';
        }
      }
      results.push({ GroupId: v.groupId, InstanceId: v.uuid, InstanceName: v.instanceName, Ip: v.intranetIp || v.internetIp, Message: message, Online: v.clientStatus !== 'offline', OsVersion: v.osName, Region: v.regionId, Success: success, Uuid: v.uuid });
    }
    return { PushTaskRsp: { PushTaskResultList: results } };
  },
});

export const ASSET_TASK_ACTIONS = [refreshAssets, modifyPushAllTask];
