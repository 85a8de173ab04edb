import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The better-sqlite3 handle behind a Kysely instance, when the store is SQLite (set by openStore). */
const sqliteHandles = new WeakMap<Kysely<Database>, BetterSqlite3.Database>();
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

export function registerSqliteHandle(db: Kysely<Database>, sqlite: BetterSqlite3.Database): void {
  sqliteHandles.set(db, sqlite);
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Inserts many rows of one table (all rows with the same columns). On SQLite one cached prepared
 * single-row statement runs inside one transaction — several times cheaper than compiling a
 * multi-row INSERT per batch; on PostgreSQL a multi-row INSERT through Kysely. Values are bound
 * parameters; table and column names come from code, never from input.
 */
export async function insertRows<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: ReadonlyArray<Insertable<Database[T]>>): Promise<void> {
  if (rows.length === 0) return;
  const sqlite = sqliteHandles.get(db);
  // While a Kysely transaction holds the connection across awaits, a direct write would become part
  // of it (and be rolled back with it): queue behind it through Kysely instead.
  if (!sqlite || sqlite.inTransaction) {
    // Kysely's typing of a generic table's insert values needs the concrete table; the rows are
    // Insertable<Database[T]> by this function's signature.
    await db.insertInto(table).values(rows as never).execute();
    return;
  }
  const columns = Object.keys(rows[0] as object);
  const key = `${table}\u0000${columns.join(',')}`;
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  let stmt = cache.get(key);
  if (!stmt) {
    stmt = sqlite.prepare(`INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    cache.set(key, stmt);
  }
  const s = stmt;
  sqlite.transaction((batch: ReadonlyArray<Record<string, unknown>>) => {
    for (const row of batch) s.run(columns.map((c) => row[c] ?? null));
  })(rows as ReadonlyArray<Record<string, unknown>>);
}
