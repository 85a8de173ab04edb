import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ADMIN_URL = process.env.VIGIL_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * PostgreSQL restarts and admin terminations kill the pool's idle connections. pg re-emits those
 * errors on the pool; without a listener that is an uncaught 'error' event and the server dies.
 */
describe('server on PostgreSQL when its connections are terminated', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ dialect: 'postgres' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps serving after every backend of its database is terminated', async () => {
    const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    await c.request('DescribeCloudCenterInstances', {}, { method: 'POST' });
    const dbName = new URL(t.config.databaseUrl as string).pathname.slice(1);

    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      const r = await admin.query<{ n: string }>(
        'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [dbName],
      );
      expect(Number(r.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Let the terminations reach the idle clients (that is when pg emits the errors).
    await new Promise((r) => setTimeout(r, 300));

    const after = (await c.request('DescribeCloudCenterInstances', {}, { method: 'POST' })) as { Instances?: unknown[]; RequestId?: string };
    expect(after.RequestId).toBeTruthy();
    expect(Array.isArray(after.Instances)).toBe(true);
  });
});
