import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { randomAlnum, type SecretBox } from '../../iam/crypto.js';
import { VigilError } from '../errors.js';

export interface AccessKeyView {
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
  LastUsedDate?: string;
}

export interface ResolvedAccessKey {
  accessKeyId: string;
  secret: string;
  status: 'Active' | 'Inactive';
  accountId: string;
  userId: string;
  userName: string;
  isRoot: boolean;
}

/** Alibaba's limit is 2 AccessKeys per RAM user; the same holds here for every user incl. root. */
export const MAX_KEYS_PER_USER = 2;
const CACHE_TTL_MS = 2_000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class AccessKeyService {
  private readonly cache = new Map<string, { at: number; key: ResolvedAccessKey | null }>();
  private readonly lastUsedPending = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  async create(accountId: string, userId: string, now = Date.now()): Promise<{ view: AccessKeyView; secret: string }> {
    const count = await this.db
      .selectFrom('access_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_KEYS_PER_USER) {
      throw new VigilError('LimitExceeded.User.AccessKey', `A user may hold at most ${MAX_KEYS_PER_USER} AccessKeys; delete one first.`, 409);
    }
    const id = 'LTAI' + randomAlnum(20);
    const secret = randomAlnum(30);
    await this.db
      .insertInto('access_keys')
      .values({ id, account_id: accountId, user_id: userId, secret_enc: this.box.seal(secret), status: 'Active', created_at: now, last_used_at: null })
      .execute();
    return { view: { AccessKeyId: id, Status: 'Active', CreateDate: iso(now) }, secret };
  }

  async list(accountId: string, userId: string): Promise<AccessKeyView[]> {
    const rows = await this.db
      .selectFrom('access_keys')
      .select(['id', 'status', 'created_at', 'last_used_at'])
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      AccessKeyId: r.id,
      Status: r.status,
      CreateDate: iso(r.created_at),
      ...(r.last_used_at ? { LastUsedDate: iso(r.last_used_at) } : {}),
    }));
  }

  async setStatus(accountId: string, userId: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    const res = await this.db
      .updateTable('access_keys')
      .set({ status })
      .where('id', '=', accessKeyId)
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new VigilError('EntityNotExist.User.AccessKey', `The AccessKey ${accessKeyId} does not exist for this user.`, 404);
    this.cache.delete(accessKeyId);
  }

  async remove(accountId: string, userId: string, accessKeyId: string): Promise<void> {
    const res = await this.db.deleteFrom('access_keys').where('id', '=', accessKeyId).where('account_id', '=', accountId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError('EntityNotExist.User.AccessKey', `The AccessKey ${accessKeyId} does not exist for this user.`, 404);
    this.cache.delete(accessKeyId);
  }

  /**
   * Looks a key up for signature checks. Cached briefly (keys created or changed by another
   * process, e.g. `vigil admin create-accesskey`, are seen within CACHE_TTL_MS; changes through this
   * server invalidate at once).
   */
  async resolve(accessKeyId: string, now = Date.now()): Promise<ResolvedAccessKey | null> {
    const hit = this.cache.get(accessKeyId);
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.key;
    if (accessKeyId.length > 64) return null;
    const row = await this.db
      .selectFrom('access_keys')
      .innerJoin('users', 'users.id', 'access_keys.user_id')
      .select(['access_keys.id', 'access_keys.secret_enc', 'access_keys.status', 'access_keys.account_id', 'users.id as user_id', 'users.user_name', 'users.is_root'])
      .where('access_keys.id', '=', accessKeyId)
      .executeTakeFirst();
    const key: ResolvedAccessKey | null = row
      ? {
          accessKeyId: row.id,
          secret: this.box.open(row.secret_enc),
          status: row.status,
          accountId: row.account_id,
          userId: row.user_id,
          userName: row.user_name,
          isRoot: row.is_root === 1,
        }
      : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(accessKeyId, { at: now, key });
    return key;
  }

  /** Records use without a write per request: flushed by `flushLastUsed` on a timer. */
  markUsed(accessKeyId: string, now = Date.now()): void {
    this.lastUsedPending.set(accessKeyId, now);
  }

  async flushLastUsed(): Promise<void> {
    if (this.lastUsedPending.size === 0) return;
    const batch = [...this.lastUsedPending];
    this.lastUsedPending.clear();
    for (const [id, at] of batch) await this.db.updateTable('access_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
