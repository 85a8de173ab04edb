import type { Kysely } from 'kysely';
import { verifySync } from 'otplib';
import type { Database } from '../../store/schema.js';
import { verifyPassword, type SecretBox } from '../../iam/crypto.js';
import { VigilError } from '../errors.js';

export interface LoginPolicy {
  maxFailures: number;
  lockoutMinutes: number;
}

export interface LoginResult {
  accountId: string;
  userId: string;
  userName: string;
  isRoot: boolean;
  mfa: boolean;
}

// A fixed scrypt hash so unknown user names cost the same time as known ones.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Console password login with per-user lockout and TOTP for users that enrolled MFA. */
export class LoginService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly policy: LoginPolicy,
  ) {}

  async login(userName: string, password: string, totpCode: string | undefined, now = Date.now()): Promise<LoginResult> {
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'account_id', 'user_name', 'is_root', 'password_hash', 'mfa_enabled', 'mfa_secret_enc', 'failed_logins', 'locked_until'])
      .where('user_name', '=', userName)
      .executeTakeFirst();
    const bad = new VigilError('InvalidCredentials', 'The user name or password is incorrect.', 401);
    if (!user || !user.password_hash) {
      await verifyPassword(password, DUMMY_HASH);
      throw bad;
    }
    if (user.locked_until && user.locked_until > now) {
      const minutes = Math.ceil((user.locked_until - now) / 60_000);
      throw new VigilError('Account.Locked', `Too many failed logins: this user is locked for ${minutes} more minute(s).`, 429);
    }
    if (!(await verifyPassword(password, user.password_hash))) {
      const failures = user.failed_logins + 1;
      const lock = failures >= this.policy.maxFailures ? now + this.policy.lockoutMinutes * 60_000 : null;
      await this.db.updateTable('users').set({ failed_logins: lock ? 0 : failures, locked_until: lock }).where('id', '=', user.id).execute();
      throw bad;
    }
    let mfa = false;
    if (user.mfa_enabled === 1 && user.mfa_secret_enc) {
      if (!totpCode) throw new VigilError('MFARequired', 'Enter the 6-digit code from your authenticator app.', 401);
      const secret = this.box.open(user.mfa_secret_enc);
      if (!/^\d{6}$/.test(totpCode) || !verifySync({ secret, token: totpCode, epochTolerance: 30 }).valid) {
        throw new VigilError('InvalidMFACode', 'The authenticator code is incorrect or expired.', 401);
      }
      mfa = true;
    }
    await this.db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: now }).where('id', '=', user.id).execute();
    return { accountId: user.account_id, userId: user.id, userName: user.user_name, isRoot: user.is_root === 1, mfa };
  }
}
