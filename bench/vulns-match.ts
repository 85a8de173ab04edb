/**
 * Vulnerability matching benchmarks (issue 4):
 *  1. one host of 3,000 Debian packages matched against an index of 50,000 advisories (pure
 *     matcher, index built once as the server's AdvisoryCache does); target ≤ 200 ms;
 *  2. re-evaluating 5,000 hosts after a DB update: (a) the pure match of 5,000 inventories against
 *     the rebuilt index; (b) the server path (VulnService.evaluateAll on SQLite: read each stored
 *     inventory, match, write the findings) on DB_HOSTS hosts, extrapolated to 5,000; target ≤ 60 s.
 *     Since issue 4's incremental re-evaluation only the hosts with a package the update names are
 *     matched again (for the changed advisories only); the others move to the new DB version;
 *  3. import of the AlmaLinux OSV set (whole tarball) into a fresh SQLite DB: time and DB size.
 * Wall and CPU time are both printed: the machine is shared, CPU time is what the work costs.
 * Usage: npm run bench:vulns [-- <db hosts (default 200)> <pure-match hosts (default 500)>]
 */
import { existsSync, mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAdvisoryIndex, matchInventory, parseOsvRecord, type Advisory, type HostPackage } from '../src/engines/vulnmatch/index.js';
import { sql } from 'kysely';
import { importAdvisoriesTracked } from '../src/domain/vulns/advisory-store.js';
import { startTestServer } from '../test/helpers/server.js';
import { sharedDataDir } from '../test/helpers/shared-data.js';

const ADVISORIES = 50_000;
const PACKAGE_NAMES = 20_000;
const HOST_PACKAGES = 3_000;
const HOSTS = 5_000;
const DB_HOSTS = Number(process.argv[2] ?? 200);
/** Hosts actually matched in 2a (then extrapolated to HOSTS); pass 5000 to run them all. */
const PURE_HOSTS = Math.min(HOSTS, Number(process.argv[3] ?? 500));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

// Deterministic pseudo-random numbers (xorshift32), so every run benchmarks the same data.
let seed = 0x9e3779b9;
const rnd = (n: number) => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const pkgName = (i: number) => `pkg${i}-lib`;
const version = () => `${1 + rnd(5)}.${rnd(20)}.${rnd(10)}-${1 + rnd(9)}+deb12u${rnd(4)}`;

function osvRecord(i: number): Record<string, unknown> {
  const affected = Array.from({ length: 1 + rnd(2) }, () => ({
    package: { ecosystem: 'Debian:12', name: pkgName(rnd(PACKAGE_NAMES)) },
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version() }] }],
  }));
  return { id: `DSA-${100000 + i}-1`, modified: '2026-01-01T00:00:00Z', summary: `pkg - security update ${i}`, aliases: [`CVE-2026-${10000 + i}`], affected };
}

function hostPackages(): HostPackage[] {
  const names = new Set<number>();
  while (names.size < HOST_PACKAGES) names.add(rnd(PACKAGE_NAMES));
  return [...names].map((i) => ({ name: pkgName(i), version: version(), source: pkgName(i), arch: 'amd64' }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  console.log(`# vulnerability matching — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const records = Array.from({ length: ADVISORIES }, (_, i) => osvRecord(i));
  let t = performance.now();
  const advisories: Advisory[] = records.map((r) => parseOsvRecord(r));
  const index = buildAdvisoryIndex(advisories);
  console.log(`parse + index ${fmt(ADVISORIES)} advisories: ${fmt(performance.now() - t)} ms`);

  // 1. One host.
  const host = hostPackages();
  const times: number[] = [];
  let findings = 0;
  const cpus1: number[] = [];
  for (let i = 0; i < 30; i++) {
    t = performance.now();
    const c = cpuMs();
    findings = matchInventory({ osEcosystem: 'Debian:12', kernelRelease: '6.1.0-28-amd64', packages: host }, index).length;
    times.push(performance.now() - t);
    cpus1.push(cpuMs() - c);
  }
  console.log(`1. one host, ${fmt(HOST_PACKAGES)} packages × ${fmt(ADVISORIES)} advisories: median ${fmt(median(times), 1)} ms wall / ${fmt(median(cpus1), 1)} ms CPU, max ${fmt(Math.max(...times), 1)} ms wall (${findings} findings) — target ≤ 200 ms`);

  // 2a. 5,000 hosts, pure match against a freshly rebuilt index (what a DB update triggers).
  const hosts = Array.from({ length: 50 }, hostPackages);
  t = performance.now();
  const rebuilt = buildAdvisoryIndex(advisories);
  const rebuild = performance.now() - t;
  let total = 0;
  t = performance.now();
  const c2 = cpuMs();
  for (let h = 0; h < PURE_HOSTS; h++) total += matchInventory({ osEcosystem: 'Debian:12', packages: hosts[h % hosts.length] as HostPackage[] }, rebuilt).length;
  const pure = performance.now() - t;
  const pureCpu = cpuMs() - c2;
  const scale = HOSTS / PURE_HOSTS;
  console.log(`2a. ${fmt(PURE_HOSTS)} hosts, pure match after an index rebuild (${fmt(rebuild)} ms): ${fmt(pure / 1000, 1)} s wall / ${fmt(pureCpu / 1000, 1)} s CPU (${fmt(total)} findings) → ${fmt((pure * scale) / 1000)} s wall / ${fmt((pureCpu * scale) / 1000)} s CPU for ${fmt(HOSTS)} hosts${scale > 1 ? ' (extrapolated)' : ''}`);

  // 2b. The server path on SQLite for DB_HOSTS hosts, then extrapolated.
  const srv = await startTestServer({ dialect: 'sqlite' });
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-osv-'));
  try {
    mkdirSync(join(dir, 'osv'));
    for (const r of records) writeFileSync(join(dir, 'osv', `${String(r.id)}.json`), JSON.stringify(r));
    t = performance.now();
    const imp = await srv.server.services.vulns.importPath(join(dir, 'osv'));
    console.log(`import ${fmt(imp.imported)} synthetic advisories (files): ${fmt((performance.now() - t) / 1000, 1)} s`);
    const assets = srv.server.services.assets;
    t = performance.now();
    for (let h = 0; h < DB_HOSTS; h++) {
      const uuid = `b0b0b0b0-0000-4000-8000-${String(h).padStart(12, '0')}`;
      const software = (hosts[h % hosts.length] as HostPackage[]).map((p) => ({ source: 'dpkg', name: p.name, version: p.version, arch: 'amd64', sourceName: p.source }));
      await assets.ingestInventory(srv.accountId, uuid, { hostname: `h${h}`, os: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: '6.1.0-28-amd64', arch: 'x86_64' }, software });
    }
    console.log(`(setup: ingest ${fmt(DB_HOSTS)} inventories: ${fmt((performance.now() - t) / 1000, 1)} s)`);
    const vulns = srv.server.services.vulns;
    t = performance.now();
    await vulns.evaluateAll(srv.accountId); // first evaluation: inserts the findings, indexes the inventories' names
    console.log(`(setup: first full evaluation of ${fmt(DB_HOSTS)} hosts: ${fmt((performance.now() - t) / 1000, 1)} s)`);
    // A DB update (a feed delta in its own directory): one more advisory, 1–2 packages.
    const upd = join(dir, 'update');
    mkdirSync(upd);
    writeFileSync(join(upd, 'DSA-999999-1.json'), JSON.stringify({ ...osvRecord(ADVISORIES + 1), id: 'DSA-999999-1' }));
    const db = srv.server.services.store.db;
    let c = cpuMs();
    t = performance.now();
    const { changes } = await importAdvisoriesTracked(db, upd);
    const impT = { wall: performance.now() - t, cpu: cpuMs() - c };
    c = cpuMs();
    t = performance.now();
    await vulns.cache.index('Debian:12', changes.toVersion); // once per DB version, for every host
    await vulns.cache.kevSet(changes.toVersion);
    const idx = { wall: performance.now() - t, cpu: cpuMs() - c };
    c = cpuMs();
    t = performance.now();
    const r = await vulns.reevaluateAfterImport(changes);
    const re = { wall: performance.now() - t, cpu: cpuMs() - c };
    const once = { wall: impT.wall + idx.wall, cpu: impT.cpu + idx.cpu };
    const per = { wall: re.wall / r.hosts, cpu: re.cpu / r.hosts };
    console.log(
      `2b. DB update (1 new advisory naming ${[...changes.pairs.values()].reduce((n, s) => n + s.size, 0)} packages) on SQLite: import ${fmt(impT.wall)} ms wall / ${fmt(impT.cpu)} ms CPU, index rebuild ${fmt(idx.wall)} ms wall / ${fmt(idx.cpu)} ms CPU (once); ` +
        `${fmt(r.hosts)} hosts brought up to date (${fmt(r.rematched)} re-matched, ${fmt(r.advanced)} moved forward, ${fmt(r.full)} in full) in ${fmt(re.wall / 1000, 2)} s wall / ${fmt(re.cpu / 1000, 2)} s CPU = ${fmt(per.wall, 1)} ms wall / ${fmt(per.cpu, 1)} ms CPU per host → ` +
        `${fmt((once.wall + per.wall * HOSTS) / 1000, 1)} s wall / ${fmt((once.cpu + per.cpu * HOSTS) / 1000, 1)} s CPU for ${fmt(HOSTS)} hosts (extrapolated) — target ≤ 60 s`,
    );
    try {
      // What the per-host name index costs on disk (SQLite's dbstat; table + its indexes).
      const sz = await sql<{ name: string; bytes: number }>`SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name IN ('vul_host_names', 'sqlite_autoindex_vul_host_names_1', 'vul_host_names_eco', 'asset_items', 'vul_findings') GROUP BY name`.execute(db);
      console.log(`(disk for ${fmt(DB_HOSTS)} hosts: ${sz.rows.map((x) => `${x.name} ${fmt(x.bytes / 1048576, 1)} MiB`).join(', ')})`);
    } catch (err) {
      console.log(`(no dbstat: ${(err as Error).message})`);
    }
    // 2c. For comparison, what the update cost before issue 4's incremental path: every host in full.
    c = cpuMs();
    t = performance.now();
    const n = await vulns.evaluateAll(srv.accountId);
    const full = { wall: (performance.now() - t) / n, cpu: (cpuMs() - c) / n };
    console.log(`2c. the same hosts re-evaluated in full (the pre-incremental behaviour, index warm): ${fmt(full.wall, 1)} ms wall / ${fmt(full.cpu, 1)} ms CPU per host → ${fmt((once.wall + full.wall * HOSTS) / 1000, 0)} s wall / ${fmt((once.cpu + full.cpu * HOSTS) / 1000, 0)} s CPU for ${fmt(HOSTS)} hosts (extrapolated)`);
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }

  // 3. AlmaLinux OSV set into a fresh SQLite DB.
  const alma = await startTestServer({ dialect: 'sqlite' });
  try {
    const size = () => ['vigil.db', 'vigil.db-wal'].reduce((n, f) => n + (existsSync(join(alma.home, f)) ? statSync(join(alma.home, f)).size : 0), 0);
    const before = size();
    t = performance.now();
    const r = await alma.server.services.vulns.importPath(join(sharedDataDir(), 'vuln/almalinux-osv/almalinux-osv-database.tar.gz'));
    const secs = (performance.now() - t) / 1000;
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(alma.server.services.store.db);
    const after = size();
    console.log(`3. AlmaLinux OSV tarball: ${fmt(r.imported)} advisories in ${fmt(secs, 1)} s; SQLite DB ${fmt(before / 1048576, 1)} → ${fmt(after / 1048576, 1)} MiB (+${fmt((after - before) / 1048576, 1)} MiB)`);
  } finally {
    await alma.close();
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
