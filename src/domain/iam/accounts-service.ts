import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { generatePassword, hashPassword } from '../../iam/crypto.js';

export const ROOT_USER_NAME = 'root';

export interface RootBootstrap {
  accountId: string;
  rootUserId: string;
  /** Set only when the root account was created now: print it once, never store it in clear. */
  createdPassword?: string;
}

/** One root account per installation (the schema is tenant-ready: every row carries account_id). */
export async function ensureRootAccount(db: Kysely<Database>, now = Date.now()): Promise<RootBootstrap> {
  const existing = await db.selectFrom('users').select(['id', 'account_id']).where('is_root', '=', 1).executeTakeFirst();
  if (existing) return { accountId: existing.account_id, rootUserId: existing.id };
  const accountId = String(1_000_000_000_000 + Math.floor(Math.random() * 8_999_999_999_999));
  const rootUserId = randomUUID();
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('accounts').values({ id: accountId, name: 'default', created_at: now }).execute();
    await tx
      .insertInto('users')
      .values({
        id: rootUserId,
        account_id: accountId,
        user_name: ROOT_USER_NAME,
        display_name: 'Root account',
        is_root: 1,
        password_hash: passwordHash,
        mfa_secret_enc: null,
        mfa_enabled: 0,
        failed_logins: 0,
        locked_until: null,
        last_login_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  return { accountId, rootUserId, createdPassword: password };
}

/** Sets a fresh generated password for root, clears lockout and ends root's sessions. */
export async function resetRootPassword(db: Kysely<Database>): Promise<string> {
  const root = await db.selectFrom('users').select(['id']).where('is_root', '=', 1).executeTakeFirst();
  if (!root) throw new Error('no root account yet: start the server once (vigil server) to create it');
  const password = generatePassword();
  const hash = await hashPassword(password);
  await db.updateTable('users').set({ password_hash: hash, failed_logins: 0, locked_until: null, updated_at: Date.now() }).where('id', '=', root.id).execute();
  await db.deleteFrom('sessions').where('user_id', '=', root.id).execute();
  return password;
}
