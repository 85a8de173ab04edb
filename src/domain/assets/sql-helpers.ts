import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** `%`, `_` and the escape char itself are literal inside LIKE patterns built here (ESCAPE '!'). */
export function escapeLike(v: string): string {
  return v.replace(/[!%_]/g, (c) => `!${c}`);
}

/** Case-insensitive substring match, the same on SQLite and PostgreSQL. */
export function containsCi(ref: string, value: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(ref)}) like ${`%${escapeLike(value.toLowerCase())}%`} escape '!'`;
}

/** Comma-separated list param (`Uuids`, `UuidList`, `TagList`) → trimmed, de-duplicated, bounded. */
export function splitList(v: string | undefined, max = 1000): string[] {
  if (!v) return [];
  const out: string[] = [];
  for (const part of v.split(',')) {
    const s = part.trim();
    if (s !== '' && !out.includes(s)) out.push(s);
    if (out.length >= max) break;
  }
  return out;
}

export const CLIENT_STATUS_SQL = sql<string>`case when a.paused = 1 then 'pause' when a.status = 'online' then 'online' else 'offline' end`;
