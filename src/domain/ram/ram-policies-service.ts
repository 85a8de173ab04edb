import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { findSystemPolicy, parsePolicyDocument, SYSTEM_POLICIES, type AttachedPolicy, type PolicyDocument, type PolicyWarning } from '../../iam/policy/index.js';
import { VigilError } from '../errors.js';
import { checkPolicyName, ramDate } from './ram-format.js';
import type { RamGroupsService } from './ram-groups-service.js';
import type { RamRevision } from './ram-revision.js';
import type { RamUsersService } from './ram-users-service.js';

/** Alibaba keeps at most 5 versions of a custom policy. */
export const MAX_POLICY_VERSIONS = 5;

export type PolicyType = 'System' | 'Custom';
export type PrincipalType = 'User' | 'Group';

export interface PolicyView {
  PolicyName: string;
  PolicyType: PolicyType;
  Description: string;
  DefaultVersion: string;
  CreateDate?: string;
  UpdateDate?: string;
  AttachmentCount: number;
}

export interface PolicyVersionView {
  VersionId: string;
  IsDefaultVersion: boolean;
  PolicyDocument: string;
  CreateDate: string;
}

/** Validates a policy document for saving; every error names the element. Nothing is stored on error. */
export function validateForSave(text: string, knownActions?: ReadonlySet<string>): { document: PolicyDocument; warnings: PolicyWarning[] } {
  const r = parsePolicyDocument(text, knownActions ? { knownActions: new Set(knownActions) } : {});
  if (!r.ok) {
    throw new VigilError('MalformedPolicyDocument', `The policy document is invalid: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, 400, {
      PolicyErrors: r.errors,
    });
  }
  return { document: r.document, warnings: r.warnings };
}

export class RamPoliciesService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly users: RamUsersService,
    private readonly groups: RamGroupsService,
    private readonly revision: RamRevision,
    private readonly knownActions: () => ReadonlySet<string>,
  ) {}

  private async customRow(accountId: string, name: string) {
    const p = await this.db.selectFrom('ram_policies').selectAll().where('account_id', '=', accountId).where('policy_name', '=', name).executeTakeFirst();
    if (!p) throw new VigilError('EntityNotExist.Policy', `The custom policy "${name.slice(0, 128)}" does not exist.`, 404);
    return p;
  }

  private async attachmentCount(accountId: string, type: PolicyType, name: string): Promise<number> {
    const r = await this.db
      .selectFrom('ram_attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('policy_type', '=', type)
      .where('policy_name', '=', name)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async create(accountId: string, name: string, documentText: string, description: string, now = Date.now()): Promise<{ policy: PolicyView; warnings: PolicyWarning[] }> {
    const bad = checkPolicyName(name);
    if (bad) throw new VigilError('InvalidParameter.PolicyName', bad);
    if (findSystemPolicy(name)) throw new VigilError('EntityAlreadyExists.Policy', `"${name}" is a system policy name.`, 409);
    const { warnings } = validateForSave(documentText, this.knownActions());
    const exists = await this.db.selectFrom('ram_policies').select('id').where('account_id', '=', accountId).where('policy_name', '=', name).executeTakeFirst();
    if (exists) throw new VigilError('EntityAlreadyExists.Policy', `The policy "${name}" already exists.`, 409);
    const id = randomUUID();
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('ram_policies').values({ id, account_id: accountId, policy_name: name, description, default_version: 'v1', next_version: 2, created_at: now, updated_at: now }).execute();
      await tx.insertInto('ram_policy_versions').values({ account_id: accountId, policy_id: id, version_id: 'v1', document: documentText, created_at: now }).execute();
    });
    return { policy: await this.get(accountId, name, 'Custom').then((g) => g.policy), warnings };
  }

  async get(accountId: string, name: string, type: PolicyType): Promise<{ policy: PolicyView; defaultVersion: PolicyVersionView }> {
    if (type === 'System') {
      const sys = findSystemPolicy(name);
      if (!sys) throw new VigilError('EntityNotExist.Policy', `The system policy "${name.slice(0, 128)}" does not exist.`, 404);
      return {
        policy: { PolicyName: sys.name, PolicyType: 'System', Description: sys.description, DefaultVersion: 'v1', AttachmentCount: await this.attachmentCount(accountId, 'System', sys.name) },
        defaultVersion: { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: JSON.stringify(sys.document), CreateDate: '2018-12-03T00:00:00Z' },
      };
    }
    const p = await this.customRow(accountId, name);
    const v = await this.db.selectFrom('ram_policy_versions').selectAll().where('policy_id', '=', p.id).where('version_id', '=', p.default_version).executeTakeFirstOrThrow();
    return {
      policy: {
        PolicyName: p.policy_name,
        PolicyType: 'Custom',
        Description: p.description,
        DefaultVersion: p.default_version,
        CreateDate: ramDate(p.created_at) as string,
        UpdateDate: ramDate(p.updated_at) as string,
        AttachmentCount: await this.attachmentCount(accountId, 'Custom', p.policy_name),
      },
      defaultVersion: { VersionId: v.version_id, IsDefaultVersion: true, PolicyDocument: v.document, CreateDate: ramDate(v.created_at) as string },
    };
  }

  async list(accountId: string, type?: PolicyType): Promise<PolicyView[]> {
    const out: PolicyView[] = [];
    if (type !== 'Custom') {
      for (const s of SYSTEM_POLICIES) out.push({ PolicyName: s.name, PolicyType: 'System', Description: s.description, DefaultVersion: 'v1', AttachmentCount: await this.attachmentCount(accountId, 'System', s.name) });
    }
    if (type !== 'System') {
      const rows = await this.db.selectFrom('ram_policies').selectAll().where('account_id', '=', accountId).orderBy('policy_name').execute();
      for (const p of rows) {
        out.push({
          PolicyName: p.policy_name,
          PolicyType: 'Custom',
          Description: p.description,
          DefaultVersion: p.default_version,
          CreateDate: ramDate(p.created_at) as string,
          UpdateDate: ramDate(p.updated_at) as string,
          AttachmentCount: await this.attachmentCount(accountId, 'Custom', p.policy_name),
        });
      }
    }
    return out;
  }

  async remove(accountId: string, name: string): Promise<void> {
    const p = await this.customRow(accountId, name);
    const attached = await this.db.selectFrom('ram_attachments').select(['principal_type']).where('account_id', '=', accountId).where('policy_type', '=', 'Custom').where('policy_name', '=', name).execute();
    if (attached.length > 0) {
      throw new VigilError('DeleteConflict.Policy.User', `The policy "${name}" is still attached to ${attached.length} user(s)/group(s); detach it first.`, 409);
    }
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('ram_policy_versions').where('policy_id', '=', p.id).execute();
      await tx.deleteFrom('ram_policies').where('id', '=', p.id).execute();
    });
    this.revision.bump();
  }

  async listVersions(accountId: string, name: string): Promise<PolicyVersionView[]> {
    const p = await this.customRow(accountId, name);
    const rows = await this.db.selectFrom('ram_policy_versions').selectAll().where('policy_id', '=', p.id).orderBy('created_at').execute();
    return rows.map((v) => ({ VersionId: v.version_id, IsDefaultVersion: v.version_id === p.default_version, PolicyDocument: v.document, CreateDate: ramDate(v.created_at) as string }));
  }

  async createVersion(accountId: string, name: string, documentText: string, setAsDefault: boolean, rotate: boolean, now = Date.now()): Promise<{ version: PolicyVersionView; warnings: PolicyWarning[] }> {
    const p = await this.customRow(accountId, name);
    const { warnings } = validateForSave(documentText, this.knownActions());
    const versions = await this.db.selectFrom('ram_policy_versions').select(['version_id', 'created_at']).where('policy_id', '=', p.id).orderBy('created_at').execute();
    let drop: string | null = null;
    if (versions.length >= MAX_POLICY_VERSIONS) {
      const oldest = versions.find((v) => v.version_id !== p.default_version);
      if (!rotate || !oldest) {
        throw new VigilError('LimitExceeded.Policy.Version', `A policy keeps at most ${MAX_POLICY_VERSIONS} versions: delete one, or pass RotateStrategy=DeleteOldestNonDefaultVersionWhenLimitExceeded.`, 409);
      }
      drop = oldest.version_id;
    }
    const versionId = `v${p.next_version}`;
    await this.db.transaction().execute(async (tx) => {
      if (drop) await tx.deleteFrom('ram_policy_versions').where('policy_id', '=', p.id).where('version_id', '=', drop).execute();
      await tx.insertInto('ram_policy_versions').values({ account_id: accountId, policy_id: p.id, version_id: versionId, document: documentText, created_at: now }).execute();
      await tx
        .updateTable('ram_policies')
        .set({ next_version: p.next_version + 1, updated_at: now, ...(setAsDefault ? { default_version: versionId } : {}) })
        .where('id', '=', p.id)
        .execute();
    });
    if (setAsDefault) this.revision.bump();
    return { version: { VersionId: versionId, IsDefaultVersion: setAsDefault, PolicyDocument: documentText, CreateDate: ramDate(now) as string }, warnings };
  }

  async setDefaultVersion(accountId: string, name: string, versionId: string): Promise<void> {
    const p = await this.customRow(accountId, name);
    const v = await this.db.selectFrom('ram_policy_versions').select('version_id').where('policy_id', '=', p.id).where('version_id', '=', versionId).executeTakeFirst();
    if (!v) throw new VigilError('EntityNotExist.Policy.Version', `The policy "${name}" has no version "${versionId.slice(0, 16)}".`, 404);
    await this.db.updateTable('ram_policies').set({ default_version: versionId, updated_at: Date.now() }).where('id', '=', p.id).execute();
    this.revision.bump();
  }

  async deleteVersion(accountId: string, name: string, versionId: string): Promise<void> {
    const p = await this.customRow(accountId, name);
    if (versionId === p.default_version) throw new VigilError('DeleteConflict.Policy.Version.Default', 'The default version cannot be deleted; make another version the default first.', 409);
    const res = await this.db.deleteFrom('ram_policy_versions').where('policy_id', '=', p.id).where('version_id', '=', versionId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError('EntityNotExist.Policy.Version', `The policy "${name}" has no version "${versionId.slice(0, 16)}".`, 404);
  }

  private async principalId(accountId: string, type: PrincipalType, name: string): Promise<string> {
    return type === 'User' ? (await this.users.row(accountId, name)).id : (await this.groups.row(accountId, name)).id;
  }

  private async assertPolicyExists(accountId: string, type: PolicyType, name: string): Promise<void> {
    if (type === 'System') {
      if (!findSystemPolicy(name)) throw new VigilError('EntityNotExist.Policy', `The system policy "${name.slice(0, 128)}" does not exist.`, 404);
    } else await this.customRow(accountId, name);
  }

  async attach(accountId: string, policyType: PolicyType, policyName: string, principalType: PrincipalType, principalName: string, now = Date.now()): Promise<void> {
    await this.assertPolicyExists(accountId, policyType, policyName);
    const principalId = await this.principalId(accountId, principalType, principalName);
    const exists = await this.db
      .selectFrom('ram_attachments')
      .select('policy_name')
      .where('account_id', '=', accountId)
      .where('principal_type', '=', principalType)
      .where('principal_id', '=', principalId)
      .where('policy_type', '=', policyType)
      .where('policy_name', '=', policyName)
      .executeTakeFirst();
    if (exists) throw new VigilError(`EntityAlreadyExists.${principalType}.Policy`, `The policy "${policyName}" is already attached to the ${principalType.toLowerCase()} "${principalName}".`, 409);
    await this.db.insertInto('ram_attachments').values({ account_id: accountId, principal_type: principalType, principal_id: principalId, policy_type: policyType, policy_name: policyName, attached_at: now }).execute();
    this.revision.bump();
  }

  async detach(accountId: string, policyType: PolicyType, policyName: string, principalType: PrincipalType, principalName: string): Promise<void> {
    const principalId = await this.principalId(accountId, principalType, principalName);
    const res = await this.db
      .deleteFrom('ram_attachments')
      .where('account_id', '=', accountId)
      .where('principal_type', '=', principalType)
      .where('principal_id', '=', principalId)
      .where('policy_type', '=', policyType)
      .where('policy_name', '=', policyName)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError(`EntityNotExist.${principalType}.Policy`, `The policy "${policyName}" is not attached to the ${principalType.toLowerCase()} "${principalName}".`, 404);
    this.revision.bump();
  }

  async policiesFor(accountId: string, principalType: PrincipalType, principalName: string): Promise<Array<PolicyView & { AttachDate: string }>> {
    const principalId = await this.principalId(accountId, principalType, principalName);
    const rows = await this.db
      .selectFrom('ram_attachments')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('principal_type', '=', principalType)
      .where('principal_id', '=', principalId)
      .orderBy('attached_at')
      .execute();
    const out: Array<PolicyView & { AttachDate: string }> = [];
    for (const r of rows) {
      const { policy } = await this.get(accountId, r.policy_name, r.policy_type);
      out.push({ ...policy, AttachDate: ramDate(r.attached_at) as string });
    }
    return out;
  }

  /** Every policy in force for a user: attached to the user and to each of the user's groups (default versions). */
  async effectivePolicies(accountId: string, userId: string): Promise<AttachedPolicy[]> {
    const groupIds = (await this.db.selectFrom('ram_group_members').select('group_id').where('user_id', '=', userId).execute()).map((g) => g.group_id);
    const rows = await this.db
      .selectFrom('ram_attachments')
      .select(['policy_type', 'policy_name', 'principal_type'])
      .where('account_id', '=', accountId)
      .where((eb) =>
        eb.or([
          eb.and([eb('principal_type', '=', 'User'), eb('principal_id', '=', userId)]),
          ...(groupIds.length ? [eb.and([eb('principal_type', '=', 'Group'), eb('principal_id', 'in', groupIds)])] : []),
        ]),
      )
      .execute();
    const out: AttachedPolicy[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      const key = `${r.policy_type}:${r.policy_name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (r.policy_type === 'System') {
        const sys = findSystemPolicy(r.policy_name);
        if (sys) out.push(sys);
        continue;
      }
      const p = await this.db.selectFrom('ram_policies').select(['id', 'default_version']).where('account_id', '=', accountId).where('policy_name', '=', r.policy_name).executeTakeFirst();
      if (!p) continue;
      const v = await this.db.selectFrom('ram_policy_versions').select('document').where('policy_id', '=', p.id).where('version_id', '=', p.default_version).executeTakeFirst();
      if (!v) continue;
      // Stored documents were validated on save; a parse failure here means the store was edited by hand.
      const parsed = parsePolicyDocument(v.document);
      if (parsed.ok) out.push({ name: r.policy_name, type: 'Custom', version: p.default_version, document: parsed.document });
    }
    return out;
  }
}
