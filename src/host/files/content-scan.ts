import { scanSecretBytes, type SecretFinding, type SecretScanOptions } from '../../engines/secrets/index.js';
import { scanWebContent, type WebshellFinding, type WebshellScanOptions } from '../../engines/webshell/index.js';
import { newWalkStats, walkFiles, type WalkOptions, type WalkStats } from './walk.js';

export interface FileWebshellFinding extends WebshellFinding {
  path: string;
}

export interface FileSecretFinding extends SecretFinding {
  path: string;
}

export interface DirectoryScanResult<F> {
  findings: F[];
  stats: WalkStats;
}

/** Walk a web root and scan every readable text file for webshells and injected scripts. */
export async function scanDirectoryForWebshells(
  dir: string,
  opts: WalkOptions & { webshell?: WebshellScanOptions } = {},
): Promise<DirectoryScanResult<FileWebshellFinding>> {
  const stats = newWalkStats();
  const findings: FileWebshellFinding[] = [];
  for await (const file of walkFiles(dir, opts, stats)) {
    for (const f of scanWebContent({ path: file.displayPath, bytes: file.bytes }, opts.webshell)) {
      findings.push({ ...f, path: file.displayPath });
    }
  }
  return { findings, stats };
}

/** Walk a source tree and scan every readable text file for leaked credentials. */
export async function scanDirectoryForSecrets(
  dir: string,
  opts: WalkOptions & { secrets?: Omit<SecretScanOptions, 'path'> } = {},
): Promise<DirectoryScanResult<FileSecretFinding>> {
  const stats = newWalkStats();
  const findings: FileSecretFinding[] = [];
  // Each file is scanned before the next is read, so one buffer serves them all.
  for await (const file of walkFiles(dir, { reuseBuffer: true, ...opts }, stats)) {
    for (const f of scanSecretBytes(file.bytes, { ...opts.secrets, path: file.displayPath })) findings.push({ ...f, path: file.displayPath });
  }
  return { findings, stats };
}
