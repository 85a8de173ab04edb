/** Webshells and injected pages under the --path directories. */
import { readFile } from 'node:fs/promises';
import { scanDirectoryForWebshells, type FileWebshellFinding } from '../../host/files/index.js';
import type { WalkStats } from '../../host/files/index.js';
import { findingId } from '../finding-id.js';
import type { PartRunner } from '../part-types.js';
import type { PartStats, ScanFinding } from '../report-types.js';

export interface ContentScanOptions {
  paths: readonly string[];
  maxFileBytes: number;
}

/** 1-based line of a byte offset (the engine reports offsets; people and SARIF want lines). */
async function lineOf(path: string, offset: number, maxBytes: number): Promise<number | undefined> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > maxBytes) return undefined;
    let line = 1;
    for (let i = 0; i < Math.min(offset, bytes.length); i++) if (bytes[i] === 0x0a) line++;
    return line;
  } catch {
    return undefined;
  }
}

export function addWalkStats(into: PartStats, s: WalkStats): void {
  const add = (k: string, v: number): void => {
    into[k] = (typeof into[k] === 'number' ? into[k] : 0) + v;
  };
  add('files', s.files);
  add('bytes', s.bytes);
  add('skippedTooLarge', s.skipped.tooLarge);
  add('skippedBinary', s.skipped.binary);
  add('skippedSymlinkOutside', s.skipped.symlinkOutside);
  add('skippedUnreadable', s.skipped.unreadable);
}

async function describe(f: FileWebshellFinding, maxBytes: number): Promise<ScanFinding> {
  const first = f.evidence[0];
  const line = first ? await lineOf(f.path, first.offset, maxBytes) : undefined;
  const evidence = f.evidence.slice(0, 3).map((e) => `at byte ${e.offset}: ${e.excerpt}`);
  const layers = f.decodedLayers?.length ? `decoded through ${f.decodedLayers.join(' -> ')}` : '';
  return {
    id: findingId('webshell', f.ruleId, `${f.path}\u0000${first?.offset ?? 0}`),
    rule: f.ruleId,
    level: f.level,
    title: `${f.message} (${f.lang}, ${f.confidence} confidence)`,
    detail: [...evidence, layers].filter((s) => s !== '').join('\n'),
    location: { path: f.path, ...(line !== undefined ? { line } : {}) },
    fix: 'Quarantine the file (move it out of the web root, keep a copy for analysis), check the web server logs for requests to it, and look for how it was written (upload forms, vulnerable plugins, writable directories).',
  };
}

export function webshellPart(opts: ContentScanOptions): PartRunner {
  return async (ctx) => {
    const findings: ScanFinding[] = [];
    const stats: PartStats = { paths: opts.paths.length };
    const errors: string[] = [];
    for (const dir of opts.paths) {
      if (ctx.signal.aborted) break;
      ctx.progress(`scanning ${dir}`);
      try {
        const res = await scanDirectoryForWebshells(dir, { maxFileBytes: opts.maxFileBytes });
        addWalkStats(stats, res.stats);
        for (const f of res.findings) findings.push(await describe(f, opts.maxFileBytes));
      } catch (e) {
        errors.push(`${dir}: ${(e as Error).message}`);
      }
    }
    return { findings, stats, ...(errors.length ? { error: errors.join('; ') } : {}) };
  };
}
