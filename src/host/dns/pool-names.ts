/**
 * Addresses of the mining-pool domains of the indicator list, so that a connection to a pool is
 * recognised by its peer address (the mining engine's `addressNames`). Resolved with c-ares
 * (`dns.promises.Resolver`: non-blocking, no libuv pool threads held by a dead DNS server), a few
 * names at a time, refreshed on a timer. Failures keep the previous answers for that name.
 */
import { Resolver } from 'node:dns/promises';

export interface PoolNameOptions {
  domains: Iterable<string>;
  /** DNS servers (`ip` or `ip:port`); default: the system's (/etc/resolv.conf). */
  servers?: readonly string[];
  /** Re-resolve every name this often (default 30 min). */
  refreshMs?: number;
  /** Per-query timeout (default 2 s, one try). */
  timeoutMs?: number;
  /** Names resolved in parallel (default 8). */
  concurrency?: number;
}

export interface PoolNameStats {
  names: number;
  resolved: number;
  failed: number;
  addresses: number;
  lastRefreshMs: number | null;
}

export class PoolNameResolver {
  private readonly domains: string[];
  private readonly resolver: Resolver;
  private readonly byName = new Map<string, string[]>();
  private index = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PoolNameStats> | null = null;
  private last: PoolNameStats;

  constructor(private readonly o: PoolNameOptions) {
    this.domains = [...new Set([...o.domains].map((d) => d.toLowerCase().replace(/\.$/, '')))].filter((d) => /^[a-z0-9.-]{1,253}$/.test(d));
    this.resolver = new Resolver({ timeout: o.timeoutMs ?? 2_000, tries: 1 });
    if (o.servers && o.servers.length > 0) this.resolver.setServers([...o.servers]);
    this.last = { names: this.domains.length, resolved: 0, failed: 0, addresses: 0, lastRefreshMs: null };
  }

  /** Resolve now, then every `refreshMs` (the timer does not keep the process alive). */
  start(): void {
    if (this.timer || this.domains.length === 0) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.o.refreshMs ?? 30 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.resolver.cancel();
  }

  /** Peer address → pool names it answers for (as the mining engine takes it). */
  addressNames(): ReadonlyMap<string, readonly string[]> {
    return this.index;
  }

  stats(): PoolNameStats {
    return this.last;
  }

  /** One pass over every name (A and AAAA); a pass already running is shared. */
  refresh(): Promise<PoolNameStats> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<PoolNameStats> {
    let resolved = 0;
    let failed = 0;
    const queue = [...this.domains];
    const worker = async (): Promise<void> => {
      for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
        const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(d), this.resolver.resolve6(d)]);
        const addrs = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
        if (addrs.length > 0) {
          this.byName.set(d, addrs);
          resolved++;
        } else {
          // NXDOMAIN, timeout, no server: keep what the name had (a pool does not stop being one offline).
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 8, queue.length) }, worker));
    const index = new Map<string, string[]>();
    for (const [name, addrs] of this.byName) {
      for (const a of addrs) {
        const l = index.get(a);
        if (l) l.push(name);
        else index.set(a, [name]);
      }
    }
    this.index = index;
    this.last = { names: this.domains.length, resolved, failed, addresses: index.size, lastRefreshMs: Date.now() };
    return this.last;
  }
}
