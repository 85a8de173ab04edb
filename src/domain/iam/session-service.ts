import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { randomToken, sha256Hex } from '../../iam/crypto.js';

export interface SessionInfo {
  accountId: string;
  userId: string;
  userName: string;
  isRoot: boolean;
  csrfToken: string;
  mfa: boolean;
  expiresAt: number;
}

/** Console sessions: the cookie holds a random token; only its SHA-256 is stored. */
export class SessionService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: number,
  ) {}

  async create(accountId: string, userId: string, mfa: boolean, sourceIp: string, now = Date.now()): Promise<{ token: string; csrfToken: string }> {
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    await this.db
      .insertInto('sessions')
      .values({ id_hash: sha256Hex(token), account_id: accountId, user_id: userId, csrf_token: csrfToken, mfa: mfa ? 1 : 0, source_ip: sourceIp, created_at: now, expires_at: now + this.ttlMs })
      .execute();
    return { token, csrfToken };
  }

  async get(token: string, now = Date.now()): Promise<SessionInfo | null> {
    if (!token || token.length > 128) return null;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.account_id', 'sessions.user_id', 'sessions.csrf_token', 'sessions.mfa', 'sessions.expires_at', 'users.user_name', 'users.is_root'])
      .where('sessions.id_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= now) return null;
    return {
      accountId: row.account_id,
      userId: row.user_id,
      userName: row.user_name,
      isRoot: row.is_root === 1,
      csrfToken: row.csrf_token,
      mfa: row.mfa === 1,
      expiresAt: row.expires_at,
    };
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(token)).execute();
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
