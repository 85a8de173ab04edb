export { newWalkStats, statRoot, walkFiles } from './walk.js';
export type { WalkedFile, WalkOptions, WalkStats } from './walk.js';
export { scanDirectoryForSecrets, scanDirectoryForWebshells } from './content-scan.js';
export type { DirectoryScanResult, FileSecretFinding, FileWebshellFinding } from './content-scan.js';
