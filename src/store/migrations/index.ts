import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-spine.js';
import * as m0002 from './0002-agents.js';
import * as m0003 from './0003-assets.js';
import * as m0004 from './0004-ram.js';
import * as m0005 from './0005-alerts.js';
import * as m0006 from './0006-vulns.js';
import * as m0008 from './0008-leaks.js';
import * as m0007 from './0007-baseline.js';
import * as m0017vulsettings from './0017-vul-settings.js';
import * as m0014notify from './0014-notifications.js';
import * as m0021bruteforce from './0021-bruteforce-login.js';
import * as m0031searchcond from './0031-asset-search-conditions.js';
import * as m0025baselinestrategies from './0025-baseline-strategies.js';
import * as m0034vulhostnames from './0034-vul-host-names.js';
import * as m0041assetitemkeys from './0041-asset-item-diff-keys.js';
import * as m0042assetlistorder from './0042-asset-instance-list-order.js';
import * as m0050batchinstall from './0050-batch-install-tasks.js';

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
  '0017-vul-settings': m0017vulsettings,
  '0014-notifications': m0014notify,
  '0021-bruteforce-login': m0021bruteforce,
  '0031-asset-search-conditions': m0031searchcond,
  '0025-baseline-strategies': m0025baselinestrategies,
  '0034-vul-host-names': m0034vulhostnames,
  '0041-asset-item-diff-keys': m0041assetitemkeys,
  '0042-asset-instance-list-order': m0042assetlistorder,
  '0050-batch-install-tasks': m0050batchinstall,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
