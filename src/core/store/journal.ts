import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Batch } from '../model';
import type { Logger } from '../ports';

/**
 * Write-ahead journal: every accepted batch is appended as one JSON line and flushed to disk before the
 * ingest is acknowledged. The file is split into numbered segments; a snapshot covers all segments up to a
 * generation, so older segments can be removed once two snapshots cover them (see Store).
 *
 * Appends are grouped: batches queued in the same tick share one write and one fdatasync (group commit),
 * which keeps the collector fast under concurrent requests.
 */
export class Journal {
  private handle: FileHandle | undefined;
  private handleGen = 0;
  private gen: number;
  private queue: Array<{ line: string; resolve: () => void; reject: (e: Error) => void }> = [];
  private flushing: Promise<void> | undefined;

  private constructor(
    private readonly base: string,
    startGen: number,
    private readonly logger: Logger,
  ) {
    this.gen = startGen;
  }

  /**
   * Starts a fresh segment after both the highest existing one and the generation the loaded snapshot
   * covers (a covered generation may never have been written to disk).
   */
  static open(dbPath: string, coveredGen: number, logger: Logger): Journal {
    const existing = listSegments(dbPath);
    const last = existing.length ? existing[existing.length - 1]!.gen : 0;
    return new Journal(dbPath, Math.max(last, coveredGen) + 1, logger);
  }

  get generation(): number {
    return this.gen;
  }

  /** Queues a batch; resolves once it is on disk. */
  append(batch: Batch): Promise<void> {
    const line = `${JSON.stringify({ v: 1, e: batch.events, m: batch.metrics, d: batch.rejects })}\n`;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  /** Waits until everything queued so far is on disk. */
  async flushed(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Closes the current segment and starts the next; returns the generation just closed. Lines still queued
   * go to the new segment (they are already in the database, so either segment is correct).
   */
  rotate(): number {
    const closed = this.gen;
    this.gen += 1;
    return closed;
  }

  /** Removes segments with generation ≤ `gen`. */
  removeThrough(gen: number): void {
    for (const s of listSegments(this.base)) {
      if (s.gen <= gen) rmSync(s.path, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.flushed();
    await this.handle?.close();
    this.handle = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const items = this.queue;
        this.queue = [];
        try {
          if (!this.handle || this.handleGen !== this.gen) {
            await this.handle?.close();
            this.handle = undefined;
            this.handleGen = this.gen;
            this.handle = await open(segmentPath(this.base, this.gen), 'a');
          }
          await this.handle.writeFile(items.map((i) => i.line).join(''));
          await this.handle.datasync();
          for (const i of items) i.resolve();
        } catch (err) {
          this.logger.error(`journal write failed: ${(err as Error).message}`);
          for (const i of items) i.reject(err as Error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}

export interface Segment {
  gen: number;
  path: string;
}

const SEGMENT_RE = /\.journal-(\d{8})\.ndjson$/;

export function segmentPath(dbPath: string, gen: number): string {
  return `${dbPath}.journal-${String(gen).padStart(8, '0')}.ndjson`;
}

/** Journal segments of a database, oldest first. */
export function listSegments(dbPath: string): Segment[] {
  const dir = path.dirname(dbPath);
  const prefix = `${path.basename(dbPath)}.journal-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({ m: SEGMENT_RE.exec(n), n }))
    .filter((x) => x.m)
    .map((x) => ({ gen: Number(x.m![1]), path: path.join(dir, x.n) }))
    .sort((a, b) => a.gen - b.gen);
}

/**
 * Reads the batches of a segment. A torn last line (a crash mid-write, never acknowledged) is skipped and
 * counted; so is any other unreadable line.
 */
export function readSegment(p: string): { batches: Batch[]; unreadable: number } {
  const text = readFileSync(p, 'utf8');
  const batches: Batch[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const o = JSON.parse(line) as { v: number; e?: Batch['events']; m?: Batch['metrics']; d?: Batch['rejects'] };
      batches.push({ events: o.e ?? [], metrics: o.m ?? [], rejects: o.d ?? [] });
    } catch {
      unreadable += 1;
    }
  }
  return { batches, unreadable };
}

/** fsync a directory so renames and new files in it survive a power loss. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported on every platform (e.g. Windows); the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
