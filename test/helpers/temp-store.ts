import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { createTempPgDatabase } from './pg.js';

/** A fresh, unmigrated store on SQLite (temp file) or PostgreSQL (throw-away database); `cleanup` closes nothing, it removes. */
export async function openTempStore(dialect: 'sqlite' | 'postgres', prefix = 'vigil-store-'): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    return { store: openStore({ sqlitePath: join(dir, 'v.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await createTempPgDatabase();
  return { store: openStore({ databaseUrl: db.url }), cleanup: db.drop };
}
