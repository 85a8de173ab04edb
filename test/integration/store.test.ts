import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../src/domain/audit/audit-trail.js';
import type { AuditRecord } from '../../src/domain/audit/audit-types.js';
import { AccessKeyService } from '../../src/domain/iam/access-key-service.js';
import { ensureRootAccount, resetRootPassword } from '../../src/domain/iam/accounts-service.js';
import { LoginService } from '../../src/domain/iam/login-service.js';
import { SessionService } from '../../src/domain/iam/session-service.js';
import { summarizeAgents } from '../../src/domain/summary/summary-service.js';
import { SecretBox } from '../../src/iam/crypto.js';
import { migrateToLatest, type Store } from '../../src/store/db.js';
import { openTempStore } from '../helpers/temp-store.js';

const silent = { error: () => undefined, warn: () => undefined };

/** The same store tests on both dialects (R-11.1: SQLite embedded default, PostgreSQL in production). */
describe.each(['sqlite', 'postgres'] as const)('store on %s', (dialect) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const box = new SecretBox(randomBytes(32));

  beforeAll(async () => {
    ({ store, cleanup } = await openTempStore(dialect, 'vigil-store-'));
    const applied = await migrateToLatest(store);
    expect(applied).toContain('0001-spine');
    expect(await migrateToLatest(store)).toEqual([]);
  });

  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('creates exactly one root account with a usable generated password', async () => {
    const first = await ensureRootAccount(store.db);
    expect(first.createdPassword).toMatch(/^.{20}$/);
    const again = await ensureRootAccount(store.db);
    expect(again.createdPassword).toBeUndefined();
    expect(again.accountId).toBe(first.accountId);
    const login = new LoginService(store.db, box, { maxFailures: 3, lockoutMinutes: 15 });
    const ok = await login.login('root', first.createdPassword as string, undefined);
    expect(ok).toMatchObject({ userName: 'root', isRoot: true, mfa: false, accountId: first.accountId });
  });

  it('locks a user after repeated failures, and reset-password unlocks with a new password', async () => {
    const login = new LoginService(store.db, box, { maxFailures: 3, lockoutMinutes: 15 });
    for (let i = 0; i < 3; i++) await expect(login.login('root', 'wrong', undefined)).rejects.toMatchObject({ code: 'InvalidCredentials' });
    await expect(login.login('root', 'wrong', undefined)).rejects.toMatchObject({ code: 'Account.Locked' });
    await expect(login.login('nobody', 'x', undefined)).rejects.toMatchObject({ code: 'InvalidCredentials' });
    const fresh = await resetRootPassword(store.db);
    expect((await login.login('root', fresh, undefined)).isRoot).toBe(true);
  });

  it('stores AccessKey secrets sealed, enforces 2 per user, resolves and invalidates', async () => {
    const root = await ensureRootAccount(store.db);
    const keys = new AccessKeyService(store.db, box);
    const a = await keys.create(root.accountId, root.rootUserId);
    const b = await keys.create(root.accountId, root.rootUserId);
    await expect(keys.create(root.accountId, root.rootUserId)).rejects.toMatchObject({ code: 'LimitExceeded.User.AccessKey' });
    const row = await store.db.selectFrom('access_keys').select(['secret_enc']).where('id', '=', a.view.AccessKeyId).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(a.secret);
    expect((await keys.resolve(a.view.AccessKeyId))?.secret).toBe(a.secret);
    await keys.setStatus(root.accountId, root.rootUserId, a.view.AccessKeyId, 'Inactive');
    expect((await keys.resolve(a.view.AccessKeyId))?.status).toBe('Inactive');
    keys.markUsed(b.view.AccessKeyId, 1_700_000_000_000);
    await keys.flushLastUsed();
    const listed = await keys.list(root.accountId, root.rootUserId);
    expect(listed.find((k) => k.AccessKeyId === b.view.AccessKeyId)?.LastUsedDate).toBe('2023-11-14T22:13:20Z');
    await keys.remove(root.accountId, root.rootUserId, a.view.AccessKeyId);
    await keys.remove(root.accountId, root.rootUserId, b.view.AccessKeyId);
    await expect(keys.remove(root.accountId, root.rootUserId, b.view.AccessKeyId)).rejects.toMatchObject({ code: 'EntityNotExist.User.AccessKey' });
    expect(await keys.resolve('LTAIdoesnotexist')).toBeNull();
  });

  it('keeps sessions by hashed token and expires them', async () => {
    const root = await ensureRootAccount(store.db);
    const sessions = new SessionService(store.db, 60_000);
    const { token, csrfToken } = await sessions.create(root.accountId, root.rootUserId, false, '127.0.0.1', 1_000);
    const stored = await store.db.selectFrom('sessions').select(['id_hash']).execute();
    expect(stored.some((s) => s.id_hash === token)).toBe(false);
    expect(await sessions.get(token, 2_000)).toMatchObject({ userName: 'root', csrfToken, isRoot: true });
    expect(await sessions.get(token, 61_001)).toBeNull();
    await sessions.purgeExpired(61_001);
    expect(await sessions.get(token, 2_000)).toBeNull();
  });

  it('records audit events in batches, filters, pages and applies retention', async () => {
    const root = await ensureRootAccount(store.db);
    const trail = new AuditTrail(store.db, silent);
    const base = 1_800_000_000_000;
    const rec = (i: number, name: string): AuditRecord => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      accountId: root.accountId,
      time: base + i,
      eventName: name,
      serviceName: 'Sas',
      rw: 'Read',
      eventType: 'ApiCall',
      userType: 'root-account',
      userName: 'root',
      principalId: root.rootUserId,
      accessKeyId: null,
      sourceIp: '127.0.0.1',
      userAgent: 'test',
      requestId: `R${i}`,
      params: { i, s: 'é中' },
      errorCode: i % 2 ? 'NoPermission' : null,
      errorMessage: null,
      decision: i % 2 ? 'ImplicitDeny' : 'Allow',
      latencyMs: 1.5,
    });
    for (let i = 0; i < 1200; i++) trail.record(rec(i, i < 600 ? 'A' : 'B'));
    await trail.close();
    const q = { accountId: root.accountId, startTime: base, endTime: base + 10_000, attributes: [] as Array<{ key: string; value: string }>, maxResults: 50 };
    const all: string[] = [];
    let next: string | undefined;
    do {
      const page = await trail.lookup({ ...q, attributes: [{ key: 'EventName', value: 'A' }], ...(next ? { nextToken: next } : {}) });
      all.push(...page.events.map((e) => e.eventId));
      next = page.nextToken;
    } while (next);
    expect(all.length).toBe(600);
    expect(new Set(all).size).toBe(600);
    const denied = await trail.lookup({ ...q, attributes: [{ key: 'ErrorCode', value: 'NoPermission' }], maxResults: 5 });
    expect(denied.events[0]).toMatchObject({ errorCode: 'NoPermission', additionalEventData: { Decision: 'ImplicitDeny', LatencyMs: 1.5 }, requestParameters: { s: 'é中' } });
    await expect(trail.lookup({ ...q, attributes: [{ key: 'Bogus', value: 'x' }] })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(trail.lookup({ ...q, nextToken: 'garbage!!' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    expect(await trail.purgeOlderThan(1, base + 86_400_000 + 600)).toBe(600);
  });

  it('summarizes agents online/offline from heartbeats', async () => {
    const root = await ensureRootAccount(store.db);
    const now = 1_900_000_000_000;
    expect(await summarizeAgents(store.db, root.accountId, now)).toEqual({ online: 0, offline: 0, score: 100 });
    await store.db
      .insertInto('agents')
      .values([
        { id: 'a1', account_id: root.accountId, hostname: 'h1', status: 'online', paused: 0, last_heartbeat_at: now - 10_000, created_at: now },
        { id: 'a2', account_id: root.accountId, hostname: 'h2', status: 'online', paused: 0, last_heartbeat_at: now - 600_000, created_at: now },
        { id: 'a3', account_id: root.accountId, hostname: 'h3', status: 'new', paused: 0, last_heartbeat_at: null, created_at: now },
      ])
      .execute();
    expect(await summarizeAgents(store.db, root.accountId, now)).toEqual({ online: 1, offline: 2, score: 90 });
    await store.db.deleteFrom('agents').execute();
  });
});
