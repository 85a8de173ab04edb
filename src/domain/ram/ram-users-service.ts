import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely, Selectable } from 'kysely';
import { generateSecret, generateURI, verifySync } from 'otplib';
import type { Database, UsersTable } from '../../store/schema.js';
import { hashPassword, type SecretBox } from '../../iam/crypto.js';
import { checkPassword, RULE_TEXT } from '../../engines/weakpass/password-rules.js';
import { keyboardWalks, parseWordList } from '../../engines/weakpass/dictionary.js';
import { VigilError } from '../errors.js';
import { checkName, ramDate } from './ram-format.js';
import type { RamRevision } from './ram-revision.js';

export interface RamUserView {
  UserId: string;
  UserName: string;
  DisplayName: string;
  Email: string;
  Comments: string;
  CreateDate: string;
  UpdateDate: string;
  LastLoginDate?: string;
  MFAEnabled: boolean;
  HasLoginProfile: boolean;
}

export interface UserFields {
  DisplayName?: string;
  Email?: string;
  Comments?: string;
}

let weakWords: Set<string> | null = null;
/** The shipped weak-password dictionary (rules/weakpass), loaded once, lower-cased. */
function weakDictionary(): Set<string> {
  if (weakWords) return weakWords;
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../rules/weakpass');
  const words = new Set<string>(keyboardWalks().map((w) => w.toLowerCase()));
  for (const f of ['common.txt', 'phrases.txt']) {
    for (const w of parseWordList(readFileSync(join(dir, f), 'utf8'))) words.add(w.toLowerCase());
  }
  weakWords = words;
  return words;
}

/** The seed's console password rule; the error names every rule the password breaks. */
export function assertStrongPassword(userName: string, password: string): void {
  const verdict = checkPassword(password, { user: userName, dictionary: weakDictionary() });
  if (!verdict.strong) {
    throw new VigilError('InvalidParameter.Password', `The password does not meet the password policy: ${verdict.failed.map((r) => RULE_TEXT[r]).join('; ')}.`);
  }
}

type UserRow = Selectable<UsersTable>;

function view(u: UserRow): RamUserView {
  return {
    UserId: u.id,
    UserName: u.user_name,
    DisplayName: u.display_name,
    Email: u.email,
    Comments: u.comments,
    CreateDate: ramDate(u.created_at) as string,
    UpdateDate: ramDate(u.updated_at) as string,
    ...(u.last_login_at ? { LastLoginDate: ramDate(u.last_login_at) as string } : {}),
    MFAEnabled: u.mfa_enabled === 1,
    HasLoginProfile: u.password_hash !== null,
  };
}

/** RAM users of an account (the root user is not a RAM user and is never listed or changed here). */
export class RamUsersService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly revision: RamRevision,
  ) {}

  async row(accountId: string, userName: string): Promise<UserRow> {
    const u = await this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('user_name', '=', userName).where('is_root', '=', 0).executeTakeFirst();
    if (!u) throw new VigilError('EntityNotExist.User', `The user "${userName.slice(0, 64)}" does not exist.`, 404);
    return u;
  }

  async create(accountId: string, userName: string, f: UserFields, now = Date.now()): Promise<RamUserView> {
    const bad = checkName('UserName', userName);
    if (bad) throw new VigilError('InvalidParameter.UserName', bad);
    if (userName.toLowerCase() === 'root') throw new VigilError('InvalidParameter.UserName', 'The user name "root" is reserved for the root account.');
    const exists = await this.db.selectFrom('users').select('id').where('account_id', '=', accountId).where('user_name', '=', userName).executeTakeFirst();
    if (exists) throw new VigilError('EntityAlreadyExists.User', `The user "${userName}" already exists.`, 409);
    const id = randomUUID();
    await this.db
      .insertInto('users')
      .values({
        id,
        account_id: accountId,
        user_name: userName,
        display_name: f.DisplayName ?? userName,
        email: f.Email ?? '',
        comments: f.Comments ?? '',
        is_root: 0,
        password_hash: null,
        mfa_secret_enc: null,
        mfa_enabled: 0,
        failed_logins: 0,
        locked_until: null,
        last_login_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    this.revision.bump();
    return view(await this.row(accountId, userName));
  }

  async get(accountId: string, userName: string): Promise<RamUserView> {
    return view(await this.row(accountId, userName));
  }

  async list(accountId: string): Promise<RamUserView[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('is_root', '=', 0).orderBy('user_name').execute();
    return rows.map(view);
  }

  async update(accountId: string, userName: string, newName: string | undefined, f: UserFields, now = Date.now()): Promise<RamUserView> {
    const u = await this.row(accountId, userName);
    if (newName && newName !== userName) {
      const bad = checkName('UserName', newName);
      if (bad) throw new VigilError('InvalidParameter.UserName', bad);
      const clash = await this.db.selectFrom('users').select('id').where('account_id', '=', accountId).where('user_name', '=', newName).executeTakeFirst();
      if (clash || newName.toLowerCase() === 'root') throw new VigilError('EntityAlreadyExists.User', `The user "${newName}" already exists.`, 409);
    }
    await this.db
      .updateTable('users')
      .set({
        user_name: newName || u.user_name,
        display_name: f.DisplayName ?? u.display_name,
        email: f.Email ?? u.email,
        comments: f.Comments ?? u.comments,
        updated_at: now,
      })
      .where('id', '=', u.id)
      .execute();
    this.revision.bump();
    return this.get(accountId, newName || userName);
  }

  /** Deletes the user with its AccessKeys, sessions, group memberships and policy attachments. */
  async remove(accountId: string, userName: string): Promise<void> {
    const u = await this.row(accountId, userName);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('access_keys').where('user_id', '=', u.id).execute();
      await tx.deleteFrom('sessions').where('user_id', '=', u.id).execute();
      await tx.deleteFrom('ram_group_members').where('user_id', '=', u.id).execute();
      await tx.deleteFrom('ram_attachments').where('account_id', '=', accountId).where('principal_type', '=', 'User').where('principal_id', '=', u.id).execute();
      await tx.deleteFrom('users').where('id', '=', u.id).execute();
    });
    this.revision.bump();
  }

  async setPassword(accountId: string, userName: string, password: string, now = Date.now()): Promise<void> {
    const u = await this.row(accountId, userName);
    assertStrongPassword(u.user_name, password);
    await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', u.id)
      .execute();
    await this.db.deleteFrom('sessions').where('user_id', '=', u.id).execute();
  }

  /** Starts MFA enrollment: a new TOTP seed kept sealed until `bindMfa` proves two consecutive codes. */
  async createMfaDevice(accountId: string, deviceName: string, now = Date.now()): Promise<{ serial: string; seed: string; uri: string }> {
    const bad = checkName('UserName', deviceName);
    if (bad) throw new VigilError('InvalidParameter.VirtualMFADeviceName', bad.replace('UserName', 'VirtualMFADeviceName'));
    const serial = `acs:ram::${accountId}:mfa/${deviceName}`;
    const seed = generateSecret();
    await this.db.deleteFrom('settings').where('account_id', '=', accountId).where('key', '=', `mfa-device:${serial}`).execute();
    await this.db
      .insertInto('settings')
      .values({ account_id: accountId, key: `mfa-device:${serial}`, value_json: JSON.stringify({ seed: this.box.seal(seed) }), updated_at: now })
      .execute();
    return { serial, seed, uri: generateURI({ issuer: 'Vigil', label: deviceName, secret: seed }) };
  }

  async bindMfa(accountId: string, serial: string, userName: string, code1: string, code2: string): Promise<void> {
    const user = userName === 'root' ? await this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('is_root', '=', 1).executeTakeFirstOrThrow() : await this.row(accountId, userName);
    const row = await this.db.selectFrom('settings').select('value_json').where('account_id', '=', accountId).where('key', '=', `mfa-device:${serial}`).executeTakeFirst();
    if (!row) throw new VigilError('EntityNotExist.VirtualMFADevice', `The MFA device "${serial}" does not exist or is already bound.`, 404);
    const seed = this.box.open((JSON.parse(row.value_json) as { seed: string }).seed);
    // Two consecutive codes prove the authenticator holds the seed and its clock is right.
    const now = Date.now();
    const ok1 = /^\d{6}$/.test(code1) && verifySync({ secret: seed, token: code1, epoch: Math.floor(now / 1000) - 30, epochTolerance: 60 }).valid;
    const ok2 = /^\d{6}$/.test(code2) && verifySync({ secret: seed, token: code2, epochTolerance: 30 }).valid;
    if (!ok1 || !ok2 || code1 === code2) throw new VigilError('InvalidAuthenticationCode', 'The two authentication codes are wrong: enter two consecutive codes from the authenticator.');
    await this.db.updateTable('users').set({ mfa_secret_enc: this.box.seal(seed), mfa_enabled: 1, updated_at: now }).where('id', '=', user.id).execute();
    await this.db.deleteFrom('settings').where('account_id', '=', accountId).where('key', '=', `mfa-device:${serial}`).execute();
  }

  async unbindMfa(accountId: string, userName: string): Promise<void> {
    const u = userName === 'root' ? await this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('is_root', '=', 1).executeTakeFirstOrThrow() : await this.row(accountId, userName);
    if (u.mfa_enabled !== 1) throw new VigilError('EntityNotExist.User.MFADevice', `The user "${userName}" has no MFA device.`, 404);
    await this.db.updateTable('users').set({ mfa_secret_enc: null, mfa_enabled: 0, updated_at: Date.now() }).where('id', '=', u.id).execute();
  }
}
