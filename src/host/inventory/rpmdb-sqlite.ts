import type BetterSqlite3 from 'better-sqlite3';
import type { SoftwareItem } from './inventory-types.js';
import { parseRpmQuery } from './parse-packages.js';
import { parseRpmHeaderBlob, type RpmHeaderFields } from './rpm-header.js';

/** Where RHEL 9 / Fedora keep the SQLite rpm database. */
export const RPMDB_SQLITE_PATHS = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'] as const;

type SqliteCtor = typeof BetterSqlite3;

/**
 * better-sqlite3 is a native module: present next to the server (and the local agent), absent in the
 * single-file agent bundle on a remote host. The specifier is computed so the bundler leaves it alone.
 */
async function loadSqlite(): Promise<SqliteCtor | null> {
  const spec = ['better', 'sqlite3'].join('-');
  try {
    const mod = (await import(spec)) as { default: SqliteCtor };
    return mod.default;
  } catch {
    return null;
  }
}

/** The same item `rpm -qa` would give (via the shared query-line parser, so both paths agree). */
export function softwareFromHeader(h: RpmHeaderFields): SoftwareItem | undefined {
  const evr = `${h.epoch !== undefined ? `${h.epoch}:` : ''}${h.version}-${h.release}`;
  return parseRpmQuery(`${h.name}\t${evr}\t${h.arch ?? '(none)'}\t${h.sourceRpm ?? '(none)'}\t${h.installTime ?? ''}`)[0];
}

export interface RpmdbRead {
  items: SoftwareItem[];
  /** Headers that could not be parsed (reported, not fatal). */
  bad: number;
}

/**
 * Reads every package header from an rpmdb.sqlite, read-only (rpm itself may hold it open).
 * Returns null when better-sqlite3 cannot be loaded here; throws when the file is not an rpm database.
 */
export async function readRpmdbSqlite(file: string): Promise<RpmdbRead | null> {
  const Database = await loadSqlite();
  if (!Database) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const items: SoftwareItem[] = [];
    let bad = 0;
    for (const row of db.prepare('SELECT blob FROM Packages ORDER BY hnum').iterate() as IterableIterator<{ blob: Buffer }>) {
      try {
        const it = softwareFromHeader(parseRpmHeaderBlob(row.blob));
        if (it) items.push(it);
      } catch {
        bad++;
      }
    }
    return { items, bad };
  } finally {
    db.close();
  }
}
