/** Shared limits for decode-and-rescan, so nested payloads cannot blow up time or memory. */
export interface DecodeBudget {
  maxDepth: number;
  /** Bytes of decoded output still allowed for this file. */
  remainingBytes: number;
}

/** Take `n` bytes from the budget; false when it is exhausted. */
export function spend(budget: DecodeBudget, n: number): boolean {
  if (n > budget.remainingBytes) return false;
  budget.remainingBytes -= n;
  return true;
}
