/**
 * Vulnerability whitelist (Sas ModifyCreateVulWhitelist / DeleteVulWhitelist /
 * ModifyVulWhitelistTarget): a whitelisted advisory is never reported for the hosts it targets
 * (all hosts when TargetInfo is empty). TargetInfo is Sas's JSON:
 * `{"type":"Uuid","uuids":["…"],"groupIds":[]}` or `{"type":"GroupId","uuids":[],"groupIds":[3]}`.
 */
import type { Kysely } from 'kysely';
import type { Database, VulWhitelistTable } from '../../store/schema.js';
import { VigilError } from '../errors.js';

export interface WhitelistItem {
  name: string;
  aliasName: string;
  type: string;
}

export interface TargetInfo {
  type: 'Uuid' | 'GroupId';
  uuids: string[];
  groupIds: number[];
}

const bad = (m: string) => new VigilError('InvalidParameter', m, 400);

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad(`${what} is not valid JSON.`);
  }
}

/** `Whitelist`: JSON array of {"Name","Type","AliasName"} (Name = the vulnerability's Name). */
export function parseWhitelist(text: string): WhitelistItem[] {
  const v = json(text, 'Whitelist');
  if (!Array.isArray(v) || v.length === 0 || v.length > 500) throw bad('Whitelist is a JSON array of 1 to 500 {"Name","Type","AliasName"}.');
  return v.map((x: unknown) => {
    const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    if (typeof o.Name !== 'string' || o.Name === '' || o.Name.length > 128) throw bad('Each Whitelist item needs a Name (at most 128 characters).');
    const type = typeof o.Type === 'string' && o.Type !== '' ? o.Type : 'cve';
    return { name: o.Name, aliasName: typeof o.AliasName === 'string' ? o.AliasName.slice(0, 1024) : '', type: type.slice(0, 16) };
  });
}

/** '' (or absent) = every host; otherwise the canonical JSON stored with the entry. */
export function parseTargetInfo(text: string | undefined): TargetInfo | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const v = json(text, 'TargetInfo');
  const o = (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null) as Record<string, unknown> | null;
  if (!o || (o.type !== 'Uuid' && o.type !== 'GroupId')) throw bad('TargetInfo is {"type":"Uuid"|"GroupId","uuids":[…],"groupIds":[…]}.');
  const uuids = Array.isArray(o.uuids) ? o.uuids : [];
  const groupIds = Array.isArray(o.groupIds) ? o.groupIds : [];
  if (uuids.length > 10_000 || uuids.some((u) => typeof u !== 'string' || u === '' || u.length > 64)) throw bad('TargetInfo.uuids is a list of host uuids.');
  if (groupIds.length > 1000 || groupIds.some((g) => !Number.isInteger(Number(g)))) throw bad('TargetInfo.groupIds is a list of group ids.');
  return { type: o.type, uuids: uuids as string[], groupIds: groupIds.map(Number) };
}

/** Whether an entry applies to a host. */
export function whitelistApplies(row: Pick<VulWhitelistTable, 'target_info'>, uuid: string, groupId: number | null): boolean {
  if (!row.target_info) return true;
  let t: TargetInfo | undefined;
  try {
    t = parseTargetInfo(row.target_info);
  } catch {
    return true; // Stored values were validated; an unreadable one keeps its widest meaning.
  }
  if (!t) return true;
  return t.type === 'Uuid' ? t.uuids.includes(uuid) : groupId !== null && t.groupIds.includes(groupId);
}

async function nextId(db: Kysely<Database>, accountId: string): Promise<number> {
  const r = await db.selectFrom('vul_whitelist').select((eb) => eb.fn.max('id').as('m')).where('account_id', '=', accountId).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

/** Adds entries (an existing Name gets the new reason and targets). Returns their ids. */
export async function createWhitelist(db: Kysely<Database>, accountId: string, items: WhitelistItem[], reason: string, target: TargetInfo | undefined, now = Date.now()): Promise<number[]> {
  const target_info = target ? JSON.stringify(target) : '';
  return db.transaction().execute(async (tx) => {
    const ids: number[] = [];
    for (const it of items) {
      const prior = await tx.selectFrom('vul_whitelist').select('id').where('account_id', '=', accountId).where('name', '=', it.name).executeTakeFirst();
      if (prior) {
        await tx.updateTable('vul_whitelist').set({ reason, target_info, alias_name: it.aliasName || undefined }).where('account_id', '=', accountId).where('id', '=', prior.id).execute();
        ids.push(prior.id);
        continue;
      }
      const id = await nextId(tx, accountId);
      await tx.insertInto('vul_whitelist').values({ account_id: accountId, id, name: it.name, alias_name: it.aliasName, reason, target_info, created_at: now }).execute();
      ids.push(id);
    }
    return ids;
  });
}

export async function deleteWhitelist(db: Kysely<Database>, accountId: string, ids: number[], names: string[]): Promise<number> {
  if (ids.length === 0 && names.length === 0) throw bad('Give Id (comma list) or Whitelist.');
  let n = 0;
  if (ids.length) n += Number((await db.deleteFrom('vul_whitelist').where('account_id', '=', accountId).where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
  if (names.length) n += Number((await db.deleteFrom('vul_whitelist').where('account_id', '=', accountId).where('name', 'in', names).executeTakeFirst()).numDeletedRows);
  return n;
}

export async function modifyWhitelistTarget(db: Kysely<Database>, accountId: string, id: number, reason: string | undefined, target: TargetInfo | undefined): Promise<void> {
  const r = await db
    .updateTable('vul_whitelist')
    .set({ target_info: target ? JSON.stringify(target) : '', ...(reason !== undefined ? { reason } : {}) })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new VigilError('WhitelistNotFound', `No whitelist entry ${id}.`, 404);
}
