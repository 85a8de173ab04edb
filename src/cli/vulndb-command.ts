import type { Command } from 'commander';
import { loadConfig } from '../server/config.js';
import { closeServices, createServices } from '../server/services-factory.js';
import type { Services } from '../actions/services.js';
import type { ImportReport } from '../domain/vulns/advisory-store.js';
import { DEFAULT_FEED_ECOSYSTEMS, FeedUnavailableError, OSV_FEED_BASE, updateFromFeeds } from '../domain/vulns/osv-update.js';

const stderrLog = {
  error: (o: object, m: string) => console.error(m, o),
  warn: (o: object, m: string) => console.error(m, o),
};

async function withServices<T>(home: string | undefined, fn: (s: Services) => Promise<T>): Promise<T> {
  const config = loadConfig({ flags: home ? { home } : {} });
  const services = await createServices(config, stderrLog);
  try {
    return await fn(services);
  } finally {
    await closeServices(services);
  }
}

/** Human summary of an import: counts, then one line per bad file. */
export function formatImportReport(r: ImportReport & { hosts?: number; rematched?: number; advanced?: number; full?: number }): string {
  const lines = [`files: ${r.files}, advisories imported: ${r.imported}, unchanged: ${r.unchanged}, KEV entries: ${r.kev}, errors: ${r.errors.length}`];
  const how = r.rematched !== undefined ? ` (${r.rematched} matched again for the changed advisories, ${r.advanced ?? 0} unaffected, ${r.full ?? 0} in full)` : '';
  if (r.hosts !== undefined) lines.push(`hosts re-evaluated: ${r.hosts}${how}`);
  for (const e of r.errors.slice(0, 200)) lines.push(`  error ${e.file}: ${e.error}`);
  if (r.errors.length > 200) lines.push(`  … and ${r.errors.length - 200} more errors`);
  return lines.join('\n');
}

export function registerVulndbCommand(program: Command): void {
  const db = program.command('vulndb').description('the vulnerability advisory database (OSV records, CISA KEV)');

  db.command('import')
    .description('import OSV advisories (a directory, a .json file, a .zip or a .tar.gz) or a CISA KEV list (.json/.csv); offline')
    .argument('<path>', 'directory, file.json, file.zip, file.tar.gz, KEV .json/.csv')
    .option('--home <dir>', 'data directory (VIGIL_HOME), default ./var')
    .action(async (path: string, f: { home?: string }) => {
      await withServices(f.home, async (s) => {
        const report = await s.vulns.importPath(path);
        console.log(formatImportReport(report));
        if (report.files > 0 && report.errors.length === report.files) process.exitCode = 1;
      });
    });

  db.command('update')
    .description(`download and import the OSV bulk feeds (${OSV_FEED_BASE}/<Ecosystem>/all.zip); needs network access`)
    .option('--home <dir>', 'data directory (VIGIL_HOME), default ./var')
    .option('--ecosystem <name...>', `OSV ecosystems to fetch (default: ${DEFAULT_FEED_ECOSYSTEMS.join(', ')})`)
    .option('--base-url <url>', 'feed base URL (a mirror)', OSV_FEED_BASE)
    .option('--timeout <ms>', 'per-request timeout in milliseconds', '15000')
    .action(async (f: { home?: string; ecosystem?: string[]; baseUrl: string; timeout: string }) => {
      await withServices(f.home, async (s) => {
        try {
          const results = await updateFromFeeds({
            ecosystems: f.ecosystem?.length ? f.ecosystem : DEFAULT_FEED_ECOSYSTEMS,
            baseUrl: f.baseUrl,
            timeoutMs: Math.max(1000, Number(f.timeout) || 15_000),
            importFile: (p) => s.vulns.importPath(p),
            progress: (l) => console.error(l),
          });
          for (const r of results) console.log(`${r.ecosystem}: ${formatImportReport(r.report)}`);
        } catch (err) {
          if (!(err instanceof FeedUnavailableError)) throw err;
          console.error(err.message);
          process.exitCode = 1;
        }
      });
    });
}
