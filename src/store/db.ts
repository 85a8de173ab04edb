import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { registerSqliteHandle } from './bulk-insert.js';
import { migrationProvider } from './migrations/index.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

// PostgreSQL returns int8 as a string by default; every bigint column here is an epoch-ms time
// or a counter well inside 2^53, so a number is exact.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface StoreOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath?: string;
  /**
   * Errors of idle PostgreSQL connections (server restart, admin termination). Without a listener
   * pg's pool re-emits them as an uncaught 'error' event and the process dies; with one, the broken
   * client is dropped and the next query opens a new connection.
   */
  onPoolError?: (err: Error) => void;
}

export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    const onPoolError = opts.onPoolError ?? ((err: Error) => process.emitWarning(`PostgreSQL connection lost: ${err.message}`));
    pool.on('error', onPoolError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (opts.databaseUrl) {
    throw new Error(`VIGIL_DATABASE_URL: unsupported scheme in "${opts.databaseUrl.split(':')[0]}:…" (use postgres://…, or leave it unset for SQLite)`);
  }
  const path = opts.sqlitePath ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  registerSqliteHandle(db, sqlite);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Runs every pending forward migration; throws with the failing migration's name. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  // Migrations land from parallel work in any order; each runs once, pending ones in name order.
  const migrator = new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${detail}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
