import { HostFs } from './fs-read.js';
import { collectAccounts } from './collect-accounts.js';
import { collectCms } from './collect-cms.js';
import { collectCron } from './collect-cron.js';
import { collectLanguagePackages, DEFAULT_APP_ROOTS } from './collect-lang-packages.js';
import { collectOsPackages } from './collect-packages.js';
import { collectPackageProcesses, DEFAULT_PACKAGE_PROCESS_BOUNDS } from './collect-package-processes.js';
import { collectProcessesAndPorts } from './collect-processes.js';
import { collectModules, collectServices } from './collect-services.js';
import { collectHardware, collectHostname, collectInterfaces, collectOs } from './collect-system.js';
import { ExeHashCache } from './exe-hash.js';
import type { HostInventory } from './inventory-types.js';
import { detectMiddleware } from './middleware.js';

export interface CollectOptions {
  /** File-system root for /etc, /var… (default `/`; a fixture tree in tests). */
  root?: string;
  procRoot?: string;
  /** Reuse one cache across passes so unchanged executables are hashed once (the agent keeps one). */
  hashCache?: ExeHashCache;
  /** Executable bytes hashed per pass (default 1 GiB). */
  hashBudgetBytes?: number;
  maxProcesses?: number;
  appRoots?: readonly string[];
  /** Web roots searched for CMS cores (the agent passes the webshell feature's discoverWebRoots()). */
  webRoots?: readonly string[];
  maxLanguagePackages?: number;
  now?: () => number;
}

/** Where CMS cores are looked for when the caller names no web roots. */
const DEFAULT_WEB_ROOTS = ['/var/www', '/srv/www', '/usr/share/nginx/html'];

/** Section names, each failing independently: one broken source never loses the whole snapshot. */
async function guarded<T>(fs: HostFs, section: string, fallback: T, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    fs.warn(`${section}: ${err instanceof Error ? err.message : String(err)}`);
    return fallback;
  }
}

/** Collects one full inventory snapshot of this host (SPEC ). Read-only; bounded in time and memory. */
export async function collectHostInventory(opts: CollectOptions = {}): Promise<HostInventory> {
  const warnings: string[] = [];
  const fs = new HostFs(opts.root ?? '/', warnings);
  const procRoot = opts.procRoot ?? '/proc';
  const collectedAt = (opts.now ?? Date.now)();

  const accounts = await guarded(fs, 'accounts', [], () => collectAccounts(fs));
  const users = new Map<number, string>();
  for (const a of accounts) if (!users.has(a.uid)) users.set(a.uid, a.name);
  const { processes, ports } = await guarded(fs, 'processes', { processes: [], ports: [] }, () =>
    collectProcessesAndPorts(fs, users, {
      procRoot,
      maxProcesses: opts.maxProcesses ?? 8192,
      maxCmdlineChars: 4096,
      hashCache: opts.hashCache ?? new ExeHashCache(),
      hashBudgetBytes: opts.hashBudgetBytes ?? 1024 * 1024 * 1024,
    }),
  );
  const osPackages = await guarded(fs, 'packages', [], () => collectOsPackages(fs));
  const related = await guarded(fs, 'related processes', new Map<string, number[]>(), () =>
    collectPackageProcesses(fs, processes.map((p) => p.pid), { procRoot, ...DEFAULT_PACKAGE_PROCESS_BOUNDS }),
  );
  for (const s of osPackages) {
    const pids = s.source === 'dpkg' ? related.get(s.name) : undefined;
    if (pids?.length) s.pids = pids;
  }
  const langPackages = await guarded(fs, 'language packages', [], () =>
    collectLanguagePackages(fs, { appRoots: opts.appRoots ?? DEFAULT_APP_ROOTS, maxDepth: 8, maxDirs: 20_000, maxItems: opts.maxLanguagePackages ?? 20_000 }),
  );
  const cms = await guarded(fs, 'cms', [], () => collectCms(fs, opts.webRoots ?? DEFAULT_WEB_ROOTS));

  return {
    collectedAt,
    hostname: await guarded(fs, 'hostname', 'localhost', () => collectHostname(fs)),
    os: await guarded(fs, 'os', { id: 'linux', prettyName: 'Linux', versionId: '', kernel: '', arch: '' }, () => collectOs(fs)),
    hardware: await guarded(fs, 'hardware', { cpuModel: '', cores: 0, memTotalBytes: 0 }, () => collectHardware(fs)),
    interfaces: await guarded(fs, 'interfaces', [], () => collectInterfaces(fs)),
    processes,
    ports,
    accounts,
    software: [...osPackages, ...langPackages, ...cms],
    cron: await guarded(fs, 'cron', [], () => collectCron(fs)),
    services: await guarded(fs, 'services', [], () => collectServices(fs)),
    modules: await guarded(fs, 'modules', [], () => collectModules(fs, procRoot)),
    middleware: detectMiddleware(processes, ports),
    warnings,
  };
}
