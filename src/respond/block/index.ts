export { Blocker, MAX_BLOCK_SECONDS, validateBlockTarget, type BlockResult, type BlockerOptions } from './blocker.js';
export { commandExists, execRunner, type CommandResult, type CommandRunner, type ExecRunnerOptions } from './command-runner.js';
export { IPT_CHAIN, IptablesBackend } from './iptables-backend.js';
export { NFT_TABLE, NftBackend } from './nft-backend.js';
export { BlockCommandError, type BlockBackend, type BlockBackendName, type BlockedAddress } from './types.js';
