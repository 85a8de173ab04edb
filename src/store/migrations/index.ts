import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-spine.js';
import * as m0002 from './0002-agents.js';
import * as m0003 from './0003-assets.js';
import * as m0004 from './0004-ram.js';
import * as m0005 from './0005-alerts.js';
import * as m0006 from './0006-vulns.js';
import * as m0008 from './0008-leaks.js';
import * as m0007 from './0007-baseline.js';

/** Forward-only, versioned migrations; names sort in the order they run. */
const migrations: Record<string, Migration> = {
  '0001-spine': m0001,
  '0002-agents': m0002,
  '0003-assets': m0003,
  '0004-ram': m0004,
  '0005-alerts': m0005,
  '0006-vulns': m0006,
  '0008-leaks': m0008,
  '0007-baseline': m0007,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
