import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from './protocol.js';
import { writeFileAtomic } from './home.js';

export interface QueueLimits {
  maxEvents: number;
  maxBytes: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { maxEvents: 10_000, maxBytes: 10 * 1024 * 1024 };

interface QueueState {
  nextSeq: number;
  ackedUpTo: number;
  dropped: number;
}

interface Entry {
  event: AgentEvent;
  bytes: number;
}

/**
 * Events waiting for the server, on disk (`events.jsonl`, one event a line, append-only) so they
 * survive agent restarts and server outages. Bounded: past the limits the oldest are dropped and
 * counted (`dropped`, reported in heartbeats). Sequence numbers are per agent and never reused; the
 * server keeps the highest it stored and ignores resends, so delivery is exactly-once per seq.
 */
export class EventQueue {
  private entries: Entry[] = [];
  private bytes = 0;
  private state: QueueState = { nextSeq: 1, ackedUpTo: 0, dropped: 0 };
  private removedSinceCompaction = 0;
  private readonly file: string;
  private readonly stateFile: string;

  constructor(
    dir: string,
    private readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'events.jsonl');
    this.stateFile = join(dir, 'state.json');
    this.load();
  }

  private load(): void {
    if (existsSync(this.stateFile)) {
      try {
        const s = JSON.parse(readFileSync(this.stateFile, 'utf8')) as Partial<QueueState>;
        this.state = { nextSeq: Number(s.nextSeq) || 1, ackedUpTo: Number(s.ackedUpTo) || 0, dropped: Number(s.dropped) || 0 };
      } catch {
        // A torn state file: the event file below still gives the sequence back.
      }
    }
    if (!existsSync(this.file)) return;
    let top = this.state.ackedUpTo;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      let ev: AgentEvent;
      try {
        ev = JSON.parse(line) as AgentEvent;
      } catch {
        continue; // a line cut short by a crash
      }
      if (typeof ev.seq !== 'number' || ev.seq <= top) continue;
      top = ev.seq;
      const bytes = Buffer.byteLength(line) + 1;
      this.entries.push({ event: ev, bytes });
      this.bytes += bytes;
    }
    this.state.nextSeq = Math.max(this.state.nextSeq, top + 1);
    this.enforceLimits();
    this.compact();
  }

  push(kind: string, data: unknown, time = Date.now()): AgentEvent {
    const event: AgentEvent = { seq: this.state.nextSeq++, kind, time, data };
    const line = JSON.stringify(event);
    appendFileSync(this.file, line + '\n', { mode: 0o600 });
    const bytes = Buffer.byteLength(line) + 1;
    this.entries.push({ event, bytes });
    this.bytes += bytes;
    if (this.enforceLimits()) this.compact();
    return event;
  }

  private enforceLimits(): boolean {
    if (this.entries.length <= this.limits.maxEvents && this.bytes <= this.limits.maxBytes) return false;
    // Drop down to 90 % of the limits so the file rewrite that follows is not paid on every push.
    const maxEvents = Math.floor(this.limits.maxEvents * 0.9);
    const maxBytes = Math.floor(this.limits.maxBytes * 0.9);
    let dropped = 0;
    while (this.entries.length > 0 && (this.entries.length > maxEvents || this.bytes > maxBytes)) {
      const e = this.entries.shift() as Entry;
      this.bytes -= e.bytes;
      dropped++;
    }
    if (dropped > 0) {
      this.state.dropped += dropped;
      this.removedSinceCompaction += dropped;
    }
    return dropped > 0;
  }

  /** The next batch to send (oldest first). */
  batch(maxEvents = 500, maxBytes = 1024 * 1024): AgentEvent[] {
    const out: AgentEvent[] = [];
    let size = 0;
    for (const e of this.entries) {
      if (out.length >= maxEvents || (out.length > 0 && size + e.bytes > maxBytes)) break;
      out.push(e.event);
      size += e.bytes;
    }
    return out;
  }

  /** The server stored everything up to `upTo`. */
  ack(upTo: number): void {
    if (upTo > this.state.ackedUpTo) this.state.ackedUpTo = upTo;
    // The server may know a higher sequence than this queue (e.g. the queue directory was wiped).
    if (upTo >= this.state.nextSeq) this.state.nextSeq = upTo + 1;
    let removed = 0;
    while (this.entries.length > 0 && (this.entries[0] as Entry).event.seq <= upTo) {
      this.bytes -= (this.entries.shift() as Entry).bytes;
      removed++;
    }
    this.removedSinceCompaction += removed;
    this.saveState();
    if (this.entries.length === 0) {
      writeFileSync(this.file, '', { mode: 0o600 });
      this.removedSinceCompaction = 0;
    } else if (this.removedSinceCompaction > this.entries.length) this.compact();
  }

  private compact(): void {
    this.saveState();
    writeFileAtomic(this.file, this.entries.map((e) => JSON.stringify(e.event) + '\n').join(''), 0o600);
    this.removedSinceCompaction = 0;
  }

  private saveState(): void {
    writeFileSync(this.stateFile, JSON.stringify(this.state), { mode: 0o600 });
  }

  get pending(): number {
    return this.entries.length;
  }

  get dropped(): number {
    return this.state.dropped;
  }

  get pendingBytes(): number {
    return this.bytes;
  }
}
