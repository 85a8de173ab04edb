export { scanSecretBytes, scanSecrets } from './scan.js';
export { redact, sha256Hex, shannonEntropy } from './text-utils.js';
export { isAllowlisted } from './allowlist.js';
export type { SecretConfidence, SecretFinding, SecretScanOptions } from './types.js';
