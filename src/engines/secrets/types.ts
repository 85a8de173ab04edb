export type SecretConfidence = 'high' | 'medium' | 'low';

export interface SecretFinding {
  ruleId: string;
  /** Who issued the credential: alibaba, aws, gcp, azure, github, gitlab, slack, stripe, … */
  provider: string;
  /** 1-based line and column of the secret's first character. */
  line: number;
  column: number;
  /** First 4 + `****` + last 2 characters; never the secret itself. */
  redacted: string;
  /** sha256 (hex) of the exact secret text: lets the server match its own keys without storing them. */
  secretHash: string;
  confidence: SecretConfidence;
  /** Public half of a key pair (AccessKey id), which is an identifier rather than a secret. */
  keyId?: string;
  /** Set when a key id and its secret were found together. */
  paired?: boolean;
}

export interface SecretScanOptions {
  path?: string;
  /** Minimum Shannon entropy (bits/char) for generic assignments (default 3.5). */
  genericEntropy?: number;
  /** Extra exact values to ignore (known test fixtures). */
  allowValues?: readonly string[];
}
