import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRootAccount } from '../../src/domain/iam/accounts-service.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { createTempPgDatabase } from './pg.js';

export type Dialect = 'sqlite' | 'postgres';

export interface TestServer {
  server: RunningServer;
  config: Config;
  url: string;
  port: number;
  home: string;
  rootKey: { id: string; secret: string };
  accountId: string;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 with a random port, its own home dir and (optionally) its own PG database. */
export async function startTestServer(opts: { dialect?: Dialect; flags?: Record<string, unknown> } = {}): Promise<TestServer> {
  const home = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  const pgdb = opts.dialect === 'postgres' ? await createTempPgDatabase() : null;
  const config = loadConfig({
    env: {},
    flags: { home, port: 0, logLevel: 'silent', ...(pgdb ? { databaseUrl: pgdb.url } : {}), ...(opts.flags ?? {}) },
  });
  const server = await startServer(config);
  const root = await ensureRootAccount(server.services.store.db);
  const { view, secret } = await server.services.accessKeys.create(root.accountId, root.rootUserId);
  const port = Number(new URL(server.url).port);
  return {
    server,
    config,
    url: server.url,
    port,
    home,
    rootKey: { id: view.AccessKeyId, secret },
    accountId: root.accountId,
    async close() {
      await server.close();
      if (pgdb) await pgdb.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
