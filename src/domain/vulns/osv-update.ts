/**
 * `vigil vulndb update`: downloads the official OSV bulk feeds
 * (`<base>/<Ecosystem>/all.zip`) and imports them. Needs network access; fails with a readable
 * message (and a hint for offline use) when the feed cannot be reached.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ImportReport } from './advisory-store.js';

export const OSV_FEED_BASE = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEFAULT_FEED_ECOSYSTEMS = ['Debian', 'Ubuntu', 'AlmaLinux', 'Rocky Linux', 'Alpine'];
/** Largest feed accepted (the Debian all.zip is a few hundred MB uncompressed, far less zipped). */
const MAX_FEED_BYTES = 2 * 1024 * 1024 * 1024;

export class FeedUnavailableError extends Error {
  constructor(readonly url: string, cause: string) {
    super(
      `Cannot download ${url}: ${cause}.\n` +
        'vigil vulndb update needs network access to the OSV bulk feeds (https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip).\n' +
        'On an offline server, download all.zip elsewhere and run: vigil vulndb import <all.zip>',
    );
    this.name = 'FeedUnavailableError';
  }
}

export function feedUrl(base: string, ecosystem: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
}

function causeOf(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    const c = (err as Error & { cause?: unknown }).cause;
    const detail = c instanceof Error ? c.message : '';
    return detail ? `${err.message} (${detail})` : err.message;
  }
  return String(err);
}

export interface UpdateOptions {
  ecosystems: string[];
  baseUrl: string;
  timeoutMs: number;
  importFile: (path: string) => Promise<ImportReport>;
  progress?: (line: string) => void;
}

export async function updateFromFeeds(o: UpdateOptions): Promise<Array<{ ecosystem: string; report: ImportReport }>> {
  const out: Array<{ ecosystem: string; report: ImportReport }> = [];
  const dir = await mkdtemp(join(tmpdir(), 'vigil-osv-feed-'));
  try {
    for (const eco of o.ecosystems) {
      const url = feedUrl(o.baseUrl, eco);
      o.progress?.(`downloading ${url}`);
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs), redirect: 'follow' });
      } catch (err) {
        throw new FeedUnavailableError(url, causeOf(err));
      }
      if (!res.ok || !res.body) throw new FeedUnavailableError(url, `HTTP ${res.status}`);
      const len = Number(res.headers.get('content-length') ?? '0');
      if (len > MAX_FEED_BYTES) throw new FeedUnavailableError(url, `feed larger than ${MAX_FEED_BYTES} bytes`);
      const file = join(dir, `${eco.replace(/[^A-Za-z0-9.-]/g, '_')}.zip`);
      let seen = 0;
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_FEED_BYTES) body.destroy(new Error('feed too large'));
      });
      try {
        await pipeline(body, createWriteStream(file));
      } catch (err) {
        throw new FeedUnavailableError(url, causeOf(err));
      }
      out.push({ ecosystem: eco, report: await o.importFile(file) });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
