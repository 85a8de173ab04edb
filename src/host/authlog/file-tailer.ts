import { open, stat, type FileHandle } from 'node:fs/promises';
import { LineSplitter, type SplitLine } from './line-splitter.js';

export interface FileTailerOptions {
  path: string;
  /** Read the existing content first (default false: start at the end, like `tail -F -n 0`). */
  fromStart?: boolean;
  /** Poll interval for start() (default 250 ms). */
  pollMs?: number;
  /** Longer lines are cut (default 8192 bytes). */
  maxLineBytes?: number;
  /** Bytes read per poll at most, so one huge append cannot stall the agent (default 4 MiB). */
  maxBytesPerPoll?: number;
  /**
   * Where a previous run stopped (from `position`). Same file (device + inode) and not truncated:
   * reading continues there; a different file (rotated while stopped): read from its start.
   */
  resume?: TailPosition | null;
  onLine: (line: SplitLine) => void;
  onError?: (err: Error) => void;
}

/** A persisted read offset: the file is identified by device and inode, not by name. */
export interface TailPosition {
  dev: number;
  ino: number;
  pos: number;
}

interface OpenFile {
  handle: FileHandle;
  dev: number;
  ino: number;
  pos: number;
}

const CHUNK = 64 * 1024;

/**
 * Follows a log file across rotation (rename + new file: the old one is drained first, then the new
 * one is read from its start) and truncation (copytruncate: reading restarts at 0).
 * Polling rather than inotify: works on every filesystem and survives the file being absent.
 */
export class FileTailer {
  private file: OpenFile | null = null;
  private readonly splitter: LineSplitter;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private firstOpen = true;
  private stoppedAt: TailPosition | null = null;

  constructor(private readonly opts: FileTailerOptions) {
    this.splitter = new LineSplitter(opts.maxLineBytes ?? 8192);
  }

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      void this.poll().catch((e: unknown) => this.opts.onError?.(e instanceof Error ? e : new Error(String(e))));
    };
    tick();
    this.timer = setInterval(tick, this.opts.pollMs ?? 250);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    this.stoppedAt = this.position;
    await this.file?.handle.close();
    this.file = null;
  }

  /** Offset of the next unread byte of the followed file (complete lines only), for persistence. */
  get position(): TailPosition | null {
    if (!this.file) return this.stoppedAt ?? this.opts.resume ?? null;
    return { dev: this.file.dev, ino: this.file.ino, pos: this.file.pos - this.splitter.pendingBytes };
  }

  /** One check-and-read pass; concurrent calls share the running pass. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    let budget = this.opts.maxBytesPerPoll ?? 4 * 1024 * 1024;
    const st = await stat(this.opts.path).catch(() => null);
    if (this.file && st && (st.ino !== this.file.ino || st.dev !== this.file.dev)) {
      // Rotated: finish the old file (writers may still append to it briefly), then switch.
      budget -= await this.drain(this.file, budget);
      await this.file.handle.close();
      this.file = null;
      this.splitter.reset();
    }
    if (!this.file) {
      if (!st) return;
      const handle = await open(this.opts.path, 'r');
      const hst = await handle.stat();
      const r = this.firstOpen ? this.opts.resume : null;
      let pos = this.firstOpen && !this.opts.fromStart ? hst.size : 0;
      if (r) pos = r.dev === hst.dev && r.ino === hst.ino ? (r.pos <= hst.size ? r.pos : 0) : 0;
      this.firstOpen = false;
      this.file = { handle, dev: hst.dev, ino: hst.ino, pos };
    } else if (st && st.size < this.file.pos) {
      this.file.pos = 0;
      this.splitter.reset();
    }
    await this.drain(this.file, budget);
  }

  private async drain(f: OpenFile, budget: number): Promise<number> {
    const buf = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    while (total < budget) {
      const { bytesRead } = await f.handle.read(buf, 0, Math.min(CHUNK, budget - total), f.pos);
      if (bytesRead === 0) break;
      f.pos += bytesRead;
      total += bytesRead;
      for (const line of this.splitter.push(buf.subarray(0, bytesRead))) this.opts.onLine(line);
    }
    return total;
  }
}
