import type { BlockList } from 'node:net';
import type { ActionCatalog } from '../actions/action-catalog.js';
import type { Services } from '../actions/services.js';
import type { Config } from './config.js';
import type { NonceStore } from './nonce-store.js';

export interface AppContext {
  config: Config;
  services: Services;
  catalog: ActionCatalog;
  nonces: NonceStore;
  trust: BlockList;
  /** Account used for audit records of calls whose caller is unknown (bad key, no signature). */
  rootAccountId: string;
}
