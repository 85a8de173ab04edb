import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { SecretBox } from '../../iam/crypto.js';
import { RamGroupsService } from './ram-groups-service.js';
import { RamPoliciesService } from './ram-policies-service.js';
import { RamRevision } from './ram-revision.js';
import { RamUsersService } from './ram-users-service.js';

export interface RamServices {
  users: RamUsersService;
  groups: RamGroupsService;
  policies: RamPoliciesService;
  revision: RamRevision;
}

export function createRamServices(db: Kysely<Database>, box: SecretBox, knownActions: () => ReadonlySet<string>): RamServices {
  const revision = new RamRevision();
  const users = new RamUsersService(db, box, revision);
  const groups = new RamGroupsService(db, users, revision);
  const policies = new RamPoliciesService(db, users, groups, revision, knownActions);
  return { users, groups, policies, revision };
}
