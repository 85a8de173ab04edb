export type * from './inventory-types.js';
export { collectHostInventory, type CollectOptions } from './collect.js';
export { ExeHashCache } from './exe-hash.js';
export { duplicateRootAccounts } from './parse-accounts.js';
