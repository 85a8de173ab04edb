import { createHash } from 'node:crypto';

/** Stable id of a finding: the same rule at the same place gives the same id on every run. */
export function findingId(part: string, rule: string, key: string): string {
  return createHash('sha256').update(`${part}\u0000${rule}\u0000${key}`).digest('hex').slice(0, 16);
}
