import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../../src/store/bulk-insert.js';
import { migrateToLatest, type Store } from '../../src/store/db.js';
import type { SettingsTable } from '../../src/store/schema.js';
import { openTempStore } from '../helpers/temp-store.js';

const rows = (prefix: string, n: number): SettingsTable[] =>
  Array.from({ length: n }, (_, i) => ({ account_id: 'acc-bulk', key: `${prefix}-${i}`, value_json: JSON.stringify({ i, quote: `it's "${i}"` }), updated_at: 1_700_000_000_000 + i }));

describe.each(['sqlite', 'postgres'] as const)('insertRows on %s', (dialect) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await openTempStore(dialect, 'vigil-bulk-'));
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('writes every row with its values bound, not interpolated', async () => {
    await insertRows(store.db, 'settings', rows('a', 1200));
    const got = await store.db.selectFrom('settings').select(['key', 'value_json']).where('account_id', '=', 'acc-bulk').where('key', 'like', 'a-%').execute();
    expect(got).toHaveLength(1200);
    expect(JSON.parse(got.find((r) => r.key === 'a-7')?.value_json ?? '{}')).toEqual({ i: 7, quote: `it's "7"` });
  });

  it('is not swallowed by a concurrent transaction that rolls back', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = store.db
      .transaction()
      .execute(async (t) => {
        await t.insertInto('settings').values(rows('tx', 1)).execute();
        await gate;
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    // Let the transaction begin and hold the connection.
    await new Promise((r) => setTimeout(r, 50));
    const insert = insertRows(store.db, 'settings', rows('outside', 3));
    release();
    expect(await tx).toBeInstanceOf(Error);
    await insert;
    const keys = (await store.db.selectFrom('settings').select('key').where('account_id', '=', 'acc-bulk').where('key', 'not like', 'a-%').execute()).map((r) => r.key).sort();
    expect(keys).toEqual(['outside-0', 'outside-1', 'outside-2']);
  });
});
