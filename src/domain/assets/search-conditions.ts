import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import { parseCriteria } from './instance-query.js';

interface SearchConditionsTable {
  account_id: string;
  type: string;
  name: string;
  filter_conditions: string;
  created_at: number;
  updated_at: number;
}

export interface SearchCondition {
  name: string;
  /** i18n key of a system condition; '' for a user one. */
  nameKey: string;
  conditionType: 'system' | 'user';
  /** Sas format: `{"filterParams":[{"label","value":"{\"name\",\"value\"}"}],"LogicalExp":"AND|OR"}`. */
  filterConditions: string;
}

export const CONDITION_TYPES = ['ecs', 'cloud_product'] as const;
const MAX_PER_ACCOUNT = 100;

function filter(logicalExp: 'AND' | 'OR', params: Array<[string, string, string]>): string {
  return JSON.stringify({ filterParams: params.map(([label, name, value]) => ({ label, value: JSON.stringify({ name, value }) })), LogicalExp: logicalExp });
}

/** Built-in conditions of the server asset list (ConditionType `system`). */
const SYSTEM: readonly SearchCondition[] = [
  { name: 'Offline hosts', nameKey: 'asset.condition.offline', conditionType: 'system', filterConditions: filter('AND', [['Client status: offline', 'clientStatus', 'offline']]) },
  { name: 'Paused hosts', nameKey: 'asset.condition.paused', conditionType: 'system', filterConditions: filter('AND', [['Client status: paused', 'clientStatus', 'pause']]) },
  { name: 'Important assets', nameKey: 'asset.condition.important', conditionType: 'system', filterConditions: filter('AND', [['Importance: important', 'importance', '2']]) },
  { name: 'Hosts at risk', nameKey: 'asset.condition.risk', conditionType: 'system', filterConditions: filter('AND', [['Risk: yes', 'riskStatus', 'YES']]) },
];

/** Validates a FilterConditions value and returns it normalised; the criteria must be ones DescribeCriteria lists. */
export function parseFilterConditions(raw: string): string {
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    throw new VigilError('InvalidParameter', 'FilterConditions must be JSON: {"filterParams":[{"label","value"}],"LogicalExp":"AND|OR"}.', 400);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new VigilError('InvalidParameter', 'FilterConditions must be a JSON object.', 400);
  const { filterParams, LogicalExp } = o as { filterParams?: unknown; LogicalExp?: unknown };
  if (!Array.isArray(filterParams) || filterParams.length === 0 || filterParams.length > 20) {
    throw new VigilError('InvalidParameter', 'FilterConditions.filterParams must be an array of 1 to 20 conditions.', 400);
  }
  const exp = LogicalExp === undefined ? 'AND' : LogicalExp;
  if (exp !== 'AND' && exp !== 'OR') throw new VigilError('InvalidParameter', 'FilterConditions.LogicalExp must be AND or OR.', 400);
  const rows = filterParams.map((p, i) => {
    const { label, value } = (p ?? {}) as { label?: unknown; value?: unknown };
    if (typeof value !== 'string') throw new VigilError('InvalidParameter', `filterParams[${i}].value must be a JSON string {"name","value"}.`, 400);
    let inner: unknown;
    try {
      inner = JSON.parse(value);
    } catch {
      throw new VigilError('InvalidParameter', `filterParams[${i}].value is not JSON.`, 400);
    }
    return { label: typeof label === 'string' ? label.slice(0, 256) : '', inner };
  });
  // Same rules as DescribeCloudCenterInstances Criteria: known names, string values.
  const criteria = parseCriteria(JSON.stringify(rows.map((r) => r.inner)));
  return JSON.stringify({ filterParams: rows.map((r, i) => ({ label: r.label, value: JSON.stringify(criteria[i]) })), LogicalExp: exp });
}

export class SearchConditionService {
  private readonly db: Kysely<Database & { asset_search_conditions: SearchConditionsTable }>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ asset_search_conditions: SearchConditionsTable }>();
  }

  async list(accountId: string, type: string): Promise<SearchCondition[]> {
    const rows = await this.db.selectFrom('asset_search_conditions').selectAll().where('account_id', '=', accountId).where('type', '=', type).orderBy('created_at').orderBy('name').execute();
    const user = rows.map((r): SearchCondition => ({ name: r.name, nameKey: '', conditionType: 'user', filterConditions: r.filter_conditions }));
    return [...(type === 'ecs' ? SYSTEM : []), ...user];
  }

  /** Creates or replaces the user condition `name`. */
  async save(accountId: string, type: string, name: string, filterConditions: string, now = Date.now()): Promise<void> {
    if (type === 'ecs' && SYSTEM.some((s) => s.name === name)) throw new VigilError('SearchConditionReadOnly', `"${name}" is a built-in condition; choose another name.`, 400);
    const normalized = parseFilterConditions(filterConditions);
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('asset_search_conditions').select('name').where('account_id', '=', accountId).where('type', '=', type).where('name', '=', name).executeTakeFirst();
      if (existing) {
        await tx.updateTable('asset_search_conditions').set({ filter_conditions: normalized, updated_at: now }).where('account_id', '=', accountId).where('type', '=', type).where('name', '=', name).execute();
        return;
      }
      const count = await tx.selectFrom('asset_search_conditions').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_PER_ACCOUNT) throw new VigilError('SearchConditionLimit', `At most ${MAX_PER_ACCOUNT} saved search conditions per account.`, 400);
      await tx.insertInto('asset_search_conditions').values({ account_id: accountId, type, name, filter_conditions: normalized, created_at: now, updated_at: now }).execute();
    });
  }

  async remove(accountId: string, type: string, name: string): Promise<void> {
    if (type === 'ecs' && SYSTEM.some((s) => s.name === name)) throw new VigilError('SearchConditionReadOnly', `"${name}" is a built-in condition and cannot be deleted.`, 400);
    const r = await this.db.deleteFrom('asset_search_conditions').where('account_id', '=', accountId).where('type', '=', type).where('name', '=', name).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new VigilError('SearchConditionNotExist', `No saved search condition named "${name}".`, 404);
  }
}

const perDb = new WeakMap<object, SearchConditionService>();
export function searchConditionsFor(db: Kysely<Database>): SearchConditionService {
  let s = perDb.get(db);
  if (!s) {
    s = new SearchConditionService(db);
    perDb.set(db, s);
  }
  return s;
}
