import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { CONDITION_TYPES, searchConditionsFor } from '../domain/assets/search-conditions.js';
import { instanceStatistics } from '../domain/assets/instance-statistics.js';
import { splitList } from '../domain/assets/sql-helpers.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));

function conditionType(t: string | undefined): string {
  const type = t && t !== '' ? t : 'ecs';
  if (!(CONDITION_TYPES as readonly string[]).includes(type)) throw new VigilError('InvalidParameter', `Type must be one of ${CONDITION_TYPES.join(', ')}.`, 400);
  return type;
}

export const describeSearchCondition = defineAction({
  name: 'DescribeSearchCondition',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeSearchCondition'],
  rw: 'Read',
  description: 'Saved filter conditions of the asset list: built-in (ConditionType system) and saved with ModifySearchCondition (user). Type ecs (hosts, default) or cloud_product.',
  params: Type.Object({ Lang: Str(8), SourceIp: Str(64), Type: Str(32) }),
  response: Type.Object({
    RequestId: Type.String(),
    ConditionList: Type.Array(Type.Object({ ConditionType: Type.String(), FilterConditions: Type.String(), Name: Type.String(), NameKey: Type.String() })),
  }),
  async handler(ctx, p) {
    const list = await searchConditionsFor(ctx.services.store.db).list(ctx.principal.accountId, conditionType(p.Type));
    return { ConditionList: list.map((c) => ({ ConditionType: c.conditionType, FilterConditions: c.filterConditions, Name: c.name, NameKey: c.nameKey })) };
  },
});

export const modifySearchCondition = defineAction({
  name: 'ModifySearchCondition',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifySearchCondition'],
  rw: 'Write',
  description: 'Saves (creates or replaces) a named asset filter: FilterConditions {"filterParams":[{"label","value":"{\\"name\\",\\"value\\"}"}],"LogicalExp":"AND|OR"}, names from DescribeCriteria.',
  params: Type.Object({ FilterConditions: Str(16_384), Name: Type.String({ minLength: 1, maxLength: 128 }), SourceIp: Str(64), Type: Str(32) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const name = p.Name.trim();
    if (!name) throw new VigilError('InvalidParameter', 'Name must not be blank.', 400);
    if (!p.FilterConditions) throw new VigilError('MissingFilterConditions', 'FilterConditions is required to save a condition.', 400);
    await searchConditionsFor(ctx.services.store.db).save(ctx.principal.accountId, conditionType(p.Type), name, p.FilterConditions, ctx.meta.now.getTime());
    return {};
  },
});

export const deleteSearchCondition = defineAction({
  name: 'DeleteSearchCondition',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteSearchCondition'],
  rw: 'Write',
  description: 'Deletes a saved asset filter (built-in ones cannot be deleted).',
  params: Type.Object({ Name: Type.String({ minLength: 1, maxLength: 128 }), SourceIp: Str(64), Type: Str(32) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await searchConditionsFor(ctx.services.store.db).remove(ctx.principal.accountId, conditionType(p.Type), p.Name.trim());
    return {};
  },
});

const I = () => Type.Integer();
const S = () => Type.String();

export const describeInstanceStatistics = defineAction({
  name: 'DescribeInstanceStatistics',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeInstanceStatistics'],
  rw: 'Read',
  description:
    'Risk counts per host (Uuid: comma list): open vulnerabilities (Vul, CveNum), failed baseline checks (Health, WeakPWNum), alerts not dealt with (Suspicious by level, Trojan, Account). Agentless and CSPM counts are 0: Vigil has no agentless scanning.',
  params: Type.Object({ From: Type.String({ minLength: 1, maxLength: 32 }), Lang: Str(8), SourceIp: Str(64), Uuid: Type.String({ minLength: 1, maxLength: 64_000 }) }),
  response: Type.Object({
    RequestId: Type.String(),
    Data: Type.Array(
      Type.Object({
        Account: I(), AgentlessAll: I(), AgentlessBaseline: I(), AgentlessMalicious: I(), AgentlessSensitiveFile: I(), AgentlessVulCve: I(),
        AgentlessVulSca: I(), AgentlessVulSys: I(), AppNum: I(), CmsNum: I(), CspmHighRiskNum: S(), CspmNum: I(), CveNum: I(), EmgNum: I(),
        Health: I(), RemindSuspiciousNum: S(), ScaNum: I(), SeriousSuspiciousNum: S(), SuspectSuspiciousNum: S(), Suspicious: I(),
        SysAsapVulCount: S(), SysNum: I(), Trojan: I(), Uuid: S(), Vul: I(), WeakPWNum: I(),
      }),
    ),
  }),
  async handler(ctx, p) {
    const uuids = splitList(p.Uuid, 1001);
    if (uuids.length === 0) throw new VigilError('InvalidParameter', 'Uuid names no host.', 400);
    if (uuids.length > 1000) throw new VigilError('InvalidParameter', 'Uuid names more than 1000 hosts.', 400);
    const stats = await instanceStatistics(ctx.services.store.db, ctx.principal.accountId, uuids);
    return {
      Data: stats.map((s) => ({
        Account: s.account, AgentlessAll: 0, AgentlessBaseline: 0, AgentlessMalicious: 0, AgentlessSensitiveFile: 0, AgentlessVulCve: 0,
        AgentlessVulSca: 0, AgentlessVulSys: 0, AppNum: 0, CmsNum: 0, CspmHighRiskNum: '0', CspmNum: 0, CveNum: s.cve, EmgNum: 0,
        Health: s.health, RemindSuspiciousNum: String(s.remind), ScaNum: 0, SeriousSuspiciousNum: String(s.serious), SuspectSuspiciousNum: String(s.suspect),
        Suspicious: s.suspicious, SysAsapVulCount: String(s.cveAsap), SysNum: 0, Trojan: s.trojan, Uuid: s.uuid, Vul: s.vul, WeakPWNum: s.weakPw,
      })),
    };
  },
});

export const ASSET_CONDITION_ACTIONS = [describeSearchCondition, modifySearchCondition, deleteSearchCondition, describeInstanceStatistics];
