import { spawn, type ChildProcess } from 'node:child_process';
import type { BaselineScanParams, BaselineSnapshot } from '../domain/baseline/baseline-types.js';
import type { ExeHashCache } from '../host/inventory/exe-hash.js';
import type { HostInventory } from '../host/inventory/inventory-types.js';

/**
 * The agent's heavy, rare collections: the asset inventory (every few hours and at link-up) and the
 * baseline scan (daily). Each loads code the always-on agent does not otherwise need (package
 * database parsers, the policy YAML parser and SCA engine, MySQL/PostgreSQL clients, libxcrypt,
 * ICU collation for sorting) and allocates a burst of memory. In a long-lived process all of that
 * stays resident after the first run (loaded modules are never unloaded, and the C heap keeps the
 * burst's fragments). So where the agent knows how to start itself again (`self`), a collection
 * runs in a short-lived child process (`<self> collect <kind>`, parameters on stdin, the result as
 * JSON on stdout) and the agent only parses the result. One collection runs at a time, so the
 * agent and at most one child share the resource budget.
 */
export type CollectionKind = 'inventory' | 'baseline';

export interface BaselineCollectParams {
  policyDirs: string[];
  weakpassDir: string | null;
  params: BaselineScanParams;
}

export interface InventoryCollectParams {
  /** Executable hashes kept between collections (each runs in a fresh child); see ExeHashCache. */
  hashCacheFile?: string;
}

export interface CollectionParams {
  inventory: InventoryCollectParams;
  baseline: BaselineCollectParams;
}

export interface CollectionResults {
  inventory: HostInventory;
  baseline: BaselineSnapshot;
}

const TIMEOUT_MS: Record<CollectionKind, number> = { inventory: 10 * 60_000, baseline: 60 * 60_000 };

/** Runs a collection in this process (the child's side, and the agent's when it has no `self`). */
export async function collectHere<K extends CollectionKind>(kind: K, params: CollectionParams[K], opts: { hashCache?: ExeHashCache } = {}): Promise<CollectionResults[K]> {
  if (kind === 'inventory') {
    const [{ collectHostInventory }, { discoverWebRoots }] = await Promise.all([import('../host/inventory/index.js'), import('./webshell-feature.js')]);
    // CMS cores are looked for in the web roots nginx/Apache serve (the webshell scan's roots).
    const webRoots = await discoverWebRoots().catch(() => undefined);
    const file = (params as InventoryCollectParams).hashCacheFile;
    let hashCache = opts.hashCache;
    let loadWarning: string | null = null;
    if (!hashCache && file) {
      const { ExeHashCache } = await import('../host/inventory/exe-hash.js');
      hashCache = new ExeHashCache();
      loadWarning = hashCache.load(file);
    }
    const inv = await collectHostInventory({ ...(hashCache ? { hashCache } : {}), ...(webRoots?.length ? { webRoots } : {}) });
    if (loadWarning) inv.warnings.push(`executable hash cache: ${loadWarning}`);
    if (file && hashCache && hashCache.misses > 0) {
      try {
        hashCache.save(file);
      } catch (err) {
        inv.warnings.push(`executable hash cache not saved: ${(err as Error).message}`);
      }
    }
    return inv as CollectionResults[K];
  }
  const p = params as BaselineCollectParams;
  const { runBaselineScan } = await import('./baseline-scan.js');
  return (await runBaselineScan({ policyDirs: p.policyDirs, weakpassDir: p.weakpassDir }, p.params)) as CollectionResults[K];
}

/** The `collect` command: parameters from stdin, `{ok, data | error}` on stdout. */
export async function collectCommand(kind: string): Promise<void> {
  let out: string;
  try {
    if (kind !== 'inventory' && kind !== 'baseline') throw new Error(`unknown collection "${kind}"`);
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').trim();
    const params = (text ? JSON.parse(text) : {}) as CollectionParams[CollectionKind];
    out = JSON.stringify({ ok: true, data: await collectHere(kind, params) });
  } catch (err) {
    out = JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
  // Exit once written: a library's handle (a probe's socket pool, koffi) must not keep the child alive.
  process.stdout.write(out, () => process.exit(0));
}

let queue: Promise<unknown> = Promise.resolve();
const children = new Set<ChildProcess>();

function inChild<K extends CollectionKind>(self: readonly string[], kind: K, params: CollectionParams[K]): Promise<CollectionResults[K]> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = self as [string, ...string[]];
    const child = spawn(cmd, [...args, 'collect', kind], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(child);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(JSON.stringify(params));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS[kind]);
    child.on('error', (err) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`${kind} collection could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      type Answer = { ok: boolean; data?: CollectionResults[K]; error?: string };
      let res: Answer | null = null;
      try {
        res = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer;
      } catch {
        // no (complete) answer: reported below with the exit status
      }
      if (res?.ok && res.data !== undefined) resolve(res.data);
      else reject(new Error(res?.error ?? `${kind} collection ended without a result (${signal ?? `exit ${code}`})`));
    });
  });
}

/**
 * Runs a collection: in a child process when `self` (how to start this agent program) is given,
 * else in this process. Collections run one after another.
 */
export function collect<K extends CollectionKind>(self: readonly string[] | undefined, kind: K, params: CollectionParams[K], opts: { hashCache?: ExeHashCache } = {}): Promise<CollectionResults[K]> {
  const run = queue.then(() => (self && self.length > 0 ? inChild(self, kind, params) : collectHere(kind, params, opts)));
  queue = run.catch(() => undefined);
  return run;
}

/** Ends running collection children (agent stop). */
export function stopCollections(): void {
  for (const c of children) c.kill('SIGTERM');
}
