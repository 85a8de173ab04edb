export type BlockBackendName = 'nftables' | 'iptables';

export interface BlockedAddress {
  ip: string;
  /** Epoch ms when the block lapses; null for a permanent block. */
  expiresAtMs: number | null;
}

export interface BlockBackend {
  readonly name: BlockBackendName;
  /** Create Vigil's own table/chain if missing. Idempotent. */
  ensure(): Promise<void>;
  /** Drop traffic from and to `ip` for `seconds` (0 = until unblocked). Re-blocking resets the timer. */
  block(ip: string, family: 4 | 6, seconds: number, nowMs: number): Promise<void>;
  unblock(ip: string, family: 4 | 6): Promise<boolean>;
  list(nowMs: number): Promise<BlockedAddress[]>;
  /** Remove expired entries where the backend cannot expire them itself. Returns how many. */
  sweep(nowMs: number): Promise<number>;
  /** Remove everything Vigil created. */
  teardown(): Promise<void>;
}

export class BlockCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')} failed (${code}): ${stderr.trim().slice(0, 500)}`);
  }
}
