import type { CommandRunner } from './command-runner.js';
import { BlockCommandError, type BlockBackend, type BlockedAddress } from './types.js';

export const NFT_TABLE = 'vigil';

/** Vigil's own table: two timeout sets, dropped in input (sources) and output (destinations, e.g. pools). */
function tableScript(table: string): string {
  return `table inet ${table} {
  set block4 { type ipv4_addr; flags timeout; }
  set block6 { type ipv6_addr; flags timeout; }
  chain input {
    type filter hook input priority filter - 10; policy accept;
    ip saddr @block4 drop
    ip6 saddr @block6 drop
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    ip saddr @block4 drop
    ip6 saddr @block6 drop
  }
  chain output {
    type filter hook output priority filter - 10; policy accept;
    ip daddr @block4 drop
    ip6 daddr @block6 drop
  }
}
`;
}

interface NftSetElem {
  elem?: { val?: string; timeout?: number; expires?: number };
}
interface NftJson {
  nftables?: { set?: { elem?: (string | NftSetElem)[] } }[];
}

/** nftables backend: expiry is done by the kernel (set element timeouts). */
export class NftBackend implements BlockBackend {
  readonly name = 'nftables' as const;

  /** `table`: nftables table name (default `vigil`; tests use their own so clean-up is exact). */
  constructor(
    private readonly runner: CommandRunner,
    private readonly table = NFT_TABLE,
  ) {
    if (!/^[A-Za-z][\w-]{0,31}$/.test(table)) throw new Error(`invalid nftables table name ${JSON.stringify(table.slice(0, 40))}`);
  }

  private async nft(args: string[], input?: string): Promise<string> {
    const argv = ['nft', ...args];
    const r = await this.runner.run(argv, input);
    if (r.code !== 0) throw new BlockCommandError(argv, r.code, r.stderr);
    return r.stdout;
  }

  async ensure(): Promise<void> {
    const r = await this.runner.run(['nft', 'list', 'table', 'inet', this.table]);
    if (r.code === 0) return;
    await this.nft(['-f', '-'], tableScript(this.table));
  }

  async block(ip: string, family: 4 | 6, seconds: number): Promise<void> {
    await this.ensure();
    const set = family === 4 ? 'block4' : 'block6';
    // `add` keeps an existing element's old timeout: delete first so a re-block restarts the timer.
    await this.runner.run(['nft', 'delete', 'element', 'inet', this.table, set, `{ ${ip} }`]);
    const elem = seconds > 0 ? `{ ${ip} timeout ${seconds}s }` : `{ ${ip} }`;
    await this.nft(['add', 'element', 'inet', this.table, set, elem]);
  }

  async unblock(ip: string, family: 4 | 6): Promise<boolean> {
    const r = await this.runner.run(['nft', 'delete', 'element', 'inet', this.table, family === 4 ? 'block4' : 'block6', `{ ${ip} }`]);
    return r.code === 0;
  }

  async list(nowMs: number): Promise<BlockedAddress[]> {
    const out: BlockedAddress[] = [];
    for (const set of ['block4', 'block6']) {
      const r = await this.runner.run(['nft', '-j', 'list', 'set', 'inet', this.table, set]);
      if (r.code !== 0) continue;
      const json = JSON.parse(r.stdout) as NftJson;
      for (const item of json.nftables ?? []) {
        for (const e of item.set?.elem ?? []) {
          if (typeof e === 'string') out.push({ ip: e, expiresAtMs: null });
          else if (e.elem?.val !== undefined) out.push({ ip: e.elem.val, expiresAtMs: e.elem.expires !== undefined ? nowMs + e.elem.expires * 1000 : null });
        }
      }
    }
    return out;
  }

  sweep(): Promise<number> {
    return Promise.resolve(0);
  }

  async teardown(): Promise<void> {
    await this.runner.run(['nft', 'delete', 'table', 'inet', this.table]);
  }
}
