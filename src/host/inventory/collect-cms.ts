/**
 * CMS cores installed in web roots (DescribeVulList Type cms): WordPress (wp-includes/version.php
 * `$wp_version`), Drupal 8+ (core/lib/Drupal.php `const VERSION`) and Drupal 7
 * (includes/bootstrap.inc `define('VERSION', …)`), Joomla 4+ (libraries/src/Version.php MAJOR/
 * MINOR/PATCH_VERSION) and Joomla 3 (libraries/src/Version.php or libraries/cms/version/version.php
 * RELEASE + DEV_LEVEL). Read-only; a bounded walk of each root.
 */
import type { HostFs } from './fs-read.js';
import type { SoftwareItem } from './inventory-types.js';

export interface CmsBounds {
  /** Levels below each web root searched for an installation (0 = the root itself). */
  maxDepth: number;
  maxDirs: number;
}

export const DEFAULT_CMS_BOUNDS: CmsBounds = { maxDepth: 3, maxDirs: 5_000 };
const MAX_FILE = 256 * 1024;
const SKIP = new Set(['node_modules', 'vendor', '.git', 'wp-content', 'wp-admin', 'wp-includes', 'core', 'modules', 'sites', 'libraries', 'cache', 'uploads']);

const VERSION_RE = /^\d+(?:\.\d+){0,3}(?:[-.]?(?:alpha|beta|rc|dev)[-.]?\d*)?$/i;

function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t && t.length <= 64 && VERSION_RE.test(t) ? t : undefined;
}

/** `$wp_version = '6.4.1';` */
export function parseWordPressVersion(php: string): string | undefined {
  return clean(/\$wp_version\s*=\s*['"]([^'"]+)['"]\s*;/.exec(php)?.[1]);
}

/** Drupal 8+: `const VERSION = '10.1.6';` in class Drupal; Drupal 7: `define('VERSION', '7.98');`. */
export function parseDrupalVersion(php: string): string | undefined {
  return clean(/\bconst\s+VERSION\s*=\s*['"]([^'"]+)['"]/.exec(php)?.[1] ?? /define\(\s*['"]VERSION['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(php)?.[1]);
}

/** Joomla 4+: MAJOR_VERSION/MINOR_VERSION/PATCH_VERSION (+ EXTRA_VERSION); Joomla 3: RELEASE '3.10' + DEV_LEVEL '12'. */
export function parseJoomlaVersion(php: string): string | undefined {
  const c = (name: string): string | undefined => new RegExp(`\\bconst\\s+${name}\\s*=\\s*['"]?([\\w.-]*)['"]?\\s*;`).exec(php)?.[1];
  const major = c('MAJOR_VERSION');
  const minor = c('MINOR_VERSION');
  const patch = c('PATCH_VERSION');
  if (major && minor && patch) {
    const extra = c('EXTRA_VERSION');
    return clean(`${major}.${minor}.${patch}${extra ? `-${extra}` : ''}`);
  }
  const release = c('RELEASE');
  const dev = c('DEV_LEVEL');
  return release && dev ? clean(`${release}.${dev}`) : undefined;
}

const MARKERS: ReadonlyArray<{ name: string; file: string; parse: (php: string) => string | undefined }> = [
  { name: 'wordpress', file: 'wp-includes/version.php', parse: parseWordPressVersion },
  { name: 'drupal', file: 'core/lib/Drupal.php', parse: parseDrupalVersion },
  { name: 'drupal', file: 'includes/bootstrap.inc', parse: parseDrupalVersion },
  { name: 'joomla', file: 'libraries/src/Version.php', parse: parseJoomlaVersion },
  { name: 'joomla', file: 'libraries/cms/version/version.php', parse: parseJoomlaVersion },
];

/** Checks one directory for each CMS's version file; at most one item per CMS and directory. */
async function detectIn(fs: HostFs, dir: string): Promise<SoftwareItem[]> {
  const out: SoftwareItem[] = [];
  for (const m of MARKERS) {
    if (out.some((o) => o.name === m.name)) continue;
    const text = await fs.text(`${dir}/${m.file}`, MAX_FILE);
    const version = text === null ? undefined : m.parse(text);
    if (version) out.push({ source: 'cms', name: m.name, version, path: dir });
  }
  return out;
}

/** CMS installations in or below the web roots (breadth-first, bounded; symlinks are not followed by list()). */
export async function collectCms(fs: HostFs, webRoots: readonly string[], bounds: CmsBounds = DEFAULT_CMS_BOUNDS): Promise<SoftwareItem[]> {
  const out: SoftwareItem[] = [];
  const seen = new Set<string>();
  const queue = webRoots.map((dir) => ({ dir: dir.replace(/\/+$/, '') || '/', depth: 0 }));
  let visited = 0;
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next || seen.has(next.dir)) continue;
    seen.add(next.dir);
    if (++visited > bounds.maxDirs) {
      fs.warn(`cms: stopped after ${bounds.maxDirs} directories`);
      break;
    }
    const found = await detectIn(fs, next.dir);
    out.push(...found);
    // An installation's own tree holds no second installation worth the walk.
    if (found.length > 0 || next.depth >= bounds.maxDepth) continue;
    for (const name of await fs.list(next.dir)) {
      if (name.startsWith('.') || SKIP.has(name)) continue;
      const child = `${next.dir === '/' ? '' : next.dir}/${name}`;
      if (await fs.isDir(child)) queue.push({ dir: child, depth: next.depth + 1 });
    }
  }
  return out;
}
