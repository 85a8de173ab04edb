/**
 * OSV advisories from a directory tree of `*.json` records or a ZIP of them (osv.dev bulk export),
 * kept only when they name the host's OS ecosystem. Bad records are counted, not fatal.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OSV_LIMITS, parseOsvRecord, type Advisory } from '../engines/vulnmatch/index.js';
import { ZipReader } from './zip-reader.js';

export interface OsvLoadStats {
  records: number;
  kept: number;
  invalid: number;
  /** First few validation errors, for the report. */
  invalidSamples: string[];
}

export interface OsvLoadResult {
  advisories: Advisory[];
  stats: OsvLoadStats;
}

const MAX_FILES = 2_000_000;

async function* jsonFiles(root: string): AsyncGenerator<string> {
  const stack = [root];
  let count = 0;
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, e.name);
      // Symlinks are not followed: the tree is read as it is.
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile() && e.name.endsWith('.json')) {
        if (++count > MAX_FILES) throw new Error(`more than ${MAX_FILES} JSON files under ${root}`);
        yield full;
      }
    }
  }
}

function* zipRecords(path: string): Generator<{ name: string; text: () => string }> {
  const zip = new ZipReader(path);
  try {
    for (const e of zip.entries()) {
      if (!e.name.endsWith('.json') || e.name.endsWith('/')) continue;
      yield { name: e.name, text: () => zip.extract(e, OSV_LIMITS.maxJsonChars).toString('utf8') };
    }
  } finally {
    zip.close();
  }
}

export async function loadOsvAdvisories(path: string, ecosystemKey: string): Promise<OsvLoadResult> {
  const stats: OsvLoadStats = { records: 0, kept: 0, invalid: 0, invalidSamples: [] };
  const advisories: Advisory[] = [];
  const take = (name: string, text: () => string): void => {
    stats.records++;
    try {
      const adv = parseOsvRecord(JSON.parse(text()) as unknown);
      if (adv.affected.some((a) => a.eco.key === ecosystemKey)) {
        advisories.push(adv);
        stats.kept++;
      }
    } catch (e) {
      stats.invalid++;
      if (stats.invalidSamples.length < 5) stats.invalidSamples.push(`${name}: ${(e as Error).message.slice(0, 200)}`);
    }
  };
  const st = await stat(path);
  if (st.isDirectory()) {
    for await (const file of jsonFiles(path)) {
      if ((await stat(file)).size > OSV_LIMITS.maxJsonChars) {
        take(file, () => {
          throw new Error(`larger than ${OSV_LIMITS.maxJsonChars} bytes`);
        });
        continue;
      }
      const text = await readFile(file, 'utf8');
      take(file, () => text);
    }
  } else if (st.isFile() && path.endsWith('.json')) {
    if (st.size > OSV_LIMITS.maxJsonChars) throw new Error(`${path} is larger than ${OSV_LIMITS.maxJsonChars} bytes`);
    const text = await readFile(path, 'utf8');
    take(path, () => text);
  } else if (st.isFile()) {
    for (const r of zipRecords(path)) take(r.name, r.text);
  } else {
    throw new Error(`${path} is neither a directory, a JSON record nor a ZIP file`);
  }
  return { advisories, stats };
}
