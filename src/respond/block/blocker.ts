import { isLoopback, parseIp } from '../../engines/bruteforce/ip.js';
import { commandExists, execRunner, type CommandRunner } from './command-runner.js';
import { IptablesBackend } from './iptables-backend.js';
import { NftBackend } from './nft-backend.js';
import type { BlockBackend, BlockBackendName, BlockedAddress } from './types.js';

export interface BlockerOptions {
  runner?: CommandRunner;
  /** Force a backend; default: nftables when `nft` runs, else iptables. */
  backend?: BlockBackendName;
  /** Refuse loopback addresses unless set (blocking 127.0.0.1 breaks the host's own services). */
  allowLoopback?: boolean;
  /** nftables table name (default `vigil`). */
  nftTable?: string;
  now?: () => number;
}

export interface BlockResult {
  ip: string;
  backend: BlockBackendName;
  seconds: number;
  expiresAtMs: number | null;
}

export const MAX_BLOCK_SECONDS = 365 * 86_400;

/** Validate and canonicalise an address to block; throws with a reason. */
export function validateBlockTarget(ip: string, allowLoopback = false): { ip: string; family: 4 | 6 } {
  const p = parseIp(ip);
  if (!p) throw new Error(`not an IP address: ${JSON.stringify(ip.slice(0, 64))}`);
  if (!allowLoopback && isLoopback(p.text)) throw new Error(`refusing to block loopback address ${p.text}`);
  if (p.value === 0n) throw new Error('refusing to block the unspecified address');
  return { ip: p.text, family: p.family };
}

/** IP blocking for the block_ip response and brute-force rules (nftables, iptables fallback). */
export class Blocker {
  private constructor(
    readonly backend: BlockBackend,
    private readonly allowLoopback: boolean,
    private readonly now: () => number,
  ) {}

  static async create(options: BlockerOptions = {}): Promise<Blocker> {
    const runner = options.runner ?? execRunner();
    let name = options.backend;
    if (name === undefined) name = (await commandExists(runner, ['nft', '--version'])) ? 'nftables' : 'iptables';
    const backend = name === 'nftables' ? new NftBackend(runner, options.nftTable) : new IptablesBackend(runner);
    return new Blocker(backend, options.allowLoopback ?? false, options.now ?? Date.now);
  }

  /** Block for `seconds` (1..1 year), or permanently with 0. */
  async block(ip: string, seconds: number): Promise<BlockResult> {
    const target = validateBlockTarget(ip, this.allowLoopback);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_BLOCK_SECONDS) throw new Error(`invalid block duration ${seconds}`);
    const nowMs = this.now();
    await this.backend.block(target.ip, target.family, seconds, nowMs);
    return { ip: target.ip, backend: this.backend.name, seconds, expiresAtMs: seconds > 0 ? nowMs + seconds * 1000 : null };
  }

  async unblock(ip: string): Promise<boolean> {
    const target = validateBlockTarget(ip, true);
    return this.backend.unblock(target.ip, target.family);
  }

  list(): Promise<BlockedAddress[]> {
    return this.backend.list(this.now());
  }

  sweep(): Promise<number> {
    return this.backend.sweep(this.now());
  }

  teardown(): Promise<void> {
    return this.backend.teardown();
  }
}
