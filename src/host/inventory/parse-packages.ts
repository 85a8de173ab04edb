import type { SoftwareItem } from './inventory-types.js';

/** dpkg status words that mean the package is (at least partly) on disk. */
const DPKG_PRESENT = new Set(['installed', 'half-configured', 'unpacked', 'half-installed', 'triggers-awaited', 'triggers-pending']);

/** RFC 822-style stanzas separated by blank lines; continuation lines are dropped (not needed here). */
function stanzas(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let cur = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (cur.size > 0) out.push(cur);
      cur = new Map();
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const idx = line.indexOf(':');
    if (idx > 0) cur.set(line.slice(0, idx), line.slice(idx + 1).trim());
  }
  if (cur.size > 0) out.push(cur);
  return out;
}

/**
 * Packages from /var/lib/dpkg/status (what `dpkg-query -W` lists, minus removed-with-config).
 * `Source: name (version)` gives the source version when it differs from the binary's.
 */
export function parseDpkgStatus(text: string): SoftwareItem[] {
  const out: SoftwareItem[] = [];
  for (const s of stanzas(text)) {
    const name = s.get('Package');
    const version = s.get('Version');
    const status = (s.get('Status') ?? '').split(/\s+/);
    if (!name || !version || !DPKG_PRESENT.has(status[2] ?? '')) continue;
    const src = /^(\S+)(?:\s+\((\S+)\))?$/.exec(s.get('Source') ?? '');
    out.push({
      source: 'dpkg',
      name,
      version,
      ...(s.get('Architecture') ? { arch: s.get('Architecture') as string } : {}),
      sourceName: src?.[1] ?? name,
      sourceVersion: src?.[2] ?? version,
    });
  }
  return out;
}

/** Query format the rpm collector passes to `rpm -qa --qf`; one tab-separated line per package. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{INSTALLTIME}\\n';

/** Output of `rpm -qa --qf RPM_QUERY_FORMAT`. SOURCERPM `name-ver-rel.src.rpm` gives the source. */
export function parseRpmQuery(text: string): SoftwareItem[] {
  const out: SoftwareItem[] = [];
  for (const line of text.split('\n')) {
    const [name, version, arch, srpm, installTime] = line.split('\t');
    if (!name || !version) continue;
    const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(srpm ?? '');
    const t = Number(installTime);
    out.push({
      source: 'rpm',
      name,
      version,
      ...(arch && arch !== '(none)' ? { arch } : {}),
      ...(m?.[1] ? { sourceName: m[1], sourceVersion: `${m[2]}-${m[3]}` } : {}),
      ...(Number.isFinite(t) && t > 0 ? { installTime: t * 1000 } : {}),
    });
  }
  return out;
}

/** /lib/apk/db/installed: stanzas of `X:value` lines (P name, V version, A arch, o origin, t build time). */
export function parseApkInstalled(text: string): SoftwareItem[] {
  const out: SoftwareItem[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const f = new Map<string, string>();
    for (const line of block.split('\n')) if (line.length > 2 && line[1] === ':') f.set(line[0] as string, line.slice(2));
    const name = f.get('P');
    const version = f.get('V');
    if (!name || !version) continue;
    out.push({
      source: 'apk',
      name,
      version,
      ...(f.get('A') ? { arch: f.get('A') as string } : {}),
      sourceName: f.get('o') ?? name,
      sourceVersion: version,
    });
  }
  return out;
}

/** `Name`/`Version` of a Python core-metadata file (dist-info METADATA or egg-info PKG-INFO). */
export function parsePythonMetadata(text: string): { name: string; version: string } | null {
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const name = /^Name:\s*(.+?)\s*$/m.exec(head)?.[1];
  const version = /^Version:\s*(.+?)\s*$/m.exec(head)?.[1];
  return name && version ? { name, version } : null;
}

/** `name`/`version` of a package.json; null for malformed or nameless files. */
export function parseNpmPackageJson(text: string): { name: string; version: string } | null {
  try {
    const j = JSON.parse(text) as unknown;
    if (!j || typeof j !== 'object') return null;
    const { name, version } = j as { name?: unknown; version?: unknown };
    return typeof name === 'string' && typeof version === 'string' && name !== '' ? { name, version } : null;
  } catch {
    return null;
  }
}

/** Name and version from a jar's META-INF/MANIFEST.MF (Implementation-*, Bundle-*, Specification-*). */
export function parseJarManifest(text: string): { name?: string; version?: string } {
  // Manifest lines wrap at 72 bytes with a leading space on the continuation.
  const attrs = new Map<string, string>();
  for (const line of text.replace(/\r?\n /g, '').split(/\r?\n/)) {
    const idx = line.indexOf(':');
    if (idx > 0) attrs.set(line.slice(0, idx).trim(), line.slice(idx + 1).trim());
  }
  const name = attrs.get('Implementation-Title') ?? attrs.get('Bundle-SymbolicName')?.split(';')[0] ?? attrs.get('Specification-Title');
  const version = attrs.get('Implementation-Version') ?? attrs.get('Bundle-Version') ?? attrs.get('Specification-Version');
  return { ...(name ? { name } : {}), ...(version ? { version } : {}) };
}

/** `log4j-core-2.14.1.jar` → {name: log4j-core, version: 2.14.1}; a name without a version gives version ''. */
export function jarNameFromFile(fileName: string): { name: string; version: string } {
  const base = fileName.replace(/\.jar$/i, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(base);
  return m?.[1] && m[2] ? { name: m[1], version: m[2] } : { name: base, version: '' };
}
