import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Batch } from '../model';
import type { Logger } from '../ports';

/**
 * Write-ahead journal: every accepted batch is appended as one framed line and flushed to disk before the
 * ingest is acknowledged. The file is split into numbered segments; a snapshot covers all segments up to a
 * generation, so older segments can be removed once two snapshots cover them (see Store).
 *
 * A line is framed: `P1 <byte length> <sha256 prefix> <json>\n`. A write that fails half way (a full disk)
 * is cut back to the last good offset, and if even that fails the journal moves to a new segment and
 * starts its next line on a fresh line, so a later acknowledged record is never glued to torn bytes.
 * Reading checks each frame and can find a good frame after torn bytes on the same line.
 *
 * Appends are grouped: batches queued in the same tick share one write and one fdatasync (group commit),
 * which keeps the collector fast under concurrent requests.
 */
export class Journal {
  private handle: FileHandle | undefined;
  private handleGen = 0;
  /** Bytes of the open segment known to be complete (the offset a failed write is cut back to). */
  private goodSize = 0;
  /** A write failed and could not be cut back: the next line in any segment starts with a newline. */
  private startFresh = false;
  private gen: number;
  private queue: Array<{ line: Buffer; resolve: () => void; reject: (e: Error) => void }> = [];
  private flushing: Promise<void> | undefined;
  /** Bytes appended since the last rotation (the snapshot policy reads it). */
  bytesSinceRotate = 0;

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
    const line = frameRecord(JSON.stringify({ v: 1, e: batch.events, m: batch.metrics, d: batch.rejects }));
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
    this.bytesSinceRotate = 0;
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
            const p = segmentPath(this.base, this.gen);
            const created = !existsSync(p);
            this.handle = await open(p, 'a');
            this.goodSize = (await this.handle.stat()).size;
            // A new file's name is durable only once its folder is synced.
            if (created) fsyncDir(path.dirname(p));
          }
          const parts = items.map((i) => i.line);
          if (this.startFresh) parts.unshift(Buffer.from('\n'));
          const data = Buffer.concat(parts);
          await this.write(data);
          this.startFresh = false;
          this.goodSize += data.length;
          this.bytesSinceRotate += data.length;
          for (const i of items) i.resolve();
        } catch (err) {
          this.logger.error(`journal write failed: ${(err as Error).message}`);
          await this.cutBack();
          for (const i of items) i.reject(err as Error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(data: Buffer): Promise<void> {
    await this.handle!.writeFile(data);
    await this.handle!.datasync();
  }

  /** After a failed write: truncate the torn bytes away; failing that, continue in a new segment. */
  private async cutBack(): Promise<void> {
    if (!this.handle) return;
    try {
      await this.handle.truncate(this.goodSize);
      await this.handle.datasync();
      return;
    } catch (err) {
      this.logger.error(`cannot cut the journal back to its last complete record (${(err as Error).message}); continuing in a new segment`);
    }
    this.startFresh = true;
    await this.handle.close().catch(() => undefined);
    this.handle = undefined;
    this.gen += 1;
  }
}

const FRAME = 'P1 ';

/** `P1 <bytes> <hash> <json>\n` */
export function frameRecord(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(`${FRAME}${body.length} ${frameHash(body)} `, 'latin1'), body, Buffer.from('\n')]);
}

function frameHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
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

/** One record of a segment: a batch, or bytes that could not be read (with why). */
export type SegmentRecord = { ok: true; batch: Batch; bytes: number } | { ok: false; reason: string; raw: Buffer; last: boolean };

/** Largest line read into memory; a longer one (never written by ProdLens: requests are capped) is skipped. */
export const MAX_JOURNAL_LINE = 256 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

/**
 * Reads a segment record by record, in chunks (a segment may be far larger than one string can hold).
 * Framed lines are checked against their length and hash; legacy unframed JSON lines are still read.
 * A torn last line (a crash mid-write, never acknowledged) comes back as unreadable with `last` set.
 */
export function* readSegmentRecords(p: string): Generator<SegmentRecord> {
  const fd = openSync(p, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let overflow = false;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
      if (n <= 0) break;
      pos += n;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1 && nl < n; nl = buf.indexOf(10, start)) {
        const piece = buf.subarray(start, nl);
        start = nl + 1;
        if (overflow) {
          yield { ok: false, reason: `line longer than ${MAX_JOURNAL_LINE} bytes`, raw: Buffer.alloc(0), last: false };
        } else {
          const line = pendingLen ? Buffer.concat([...pending, piece]) : piece;
          if (line.length) yield parseLine(Buffer.from(line), false);
        }
        pending = [];
        pendingLen = 0;
        overflow = false;
      }
      if (start < n) {
        const rest = buf.subarray(start, n);
        if (pendingLen + rest.length > MAX_JOURNAL_LINE) {
          overflow = true;
          pending = [];
          pendingLen = 0;
        } else if (!overflow) {
          pending.push(Buffer.from(rest));
          pendingLen += rest.length;
        }
      }
    }
    if (overflow) yield { ok: false, reason: `line longer than ${MAX_JOURNAL_LINE} bytes`, raw: Buffer.alloc(0), last: true };
    else if (pendingLen) {
      const r = parseLine(Buffer.concat(pending), true);
      yield r.ok ? r : { ...r, reason: `${r.reason} (torn last line: a write interrupted before it was acknowledged)` };
    }
  } finally {
    closeSync(fd);
  }
}

function parseLine(line: Buffer, last: boolean): SegmentRecord {
  if (line.subarray(0, FRAME.length).toString('latin1') === FRAME) {
    const r = parseFrame(line, 0);
    if (r.ok) return r;
    // Torn bytes from a failed write may precede a good frame on the same line: take the last good one.
    for (let at = line.lastIndexOf(FRAME); at > 0; at = line.lastIndexOf(FRAME, at - 1)) {
      const again = parseFrame(line, at);
      if (again.ok) return again;
    }
    return { ok: false, reason: r.reason, raw: line, last };
  }
  const at = line.lastIndexOf(FRAME);
  if (at > 0) {
    const again = parseFrame(line, at);
    if (again.ok) return again;
  }
  // A line written before records were framed.
  try {
    return { ok: true, batch: toBatch(JSON.parse(line.toString('utf8'))), bytes: line.length };
  } catch (err) {
    return { ok: false, reason: `not a journal record: ${safeJsonError(err)}`, raw: line, last };
  }
}

function parseFrame(line: Buffer, at: number): { ok: true; batch: Batch; bytes: number } | { ok: false; reason: string } {
  const head = /^P1 (\d+) ([0-9a-f]{16}) /.exec(line.subarray(at, at + 64).toString('latin1'));
  if (!head) return { ok: false, reason: 'bad record header' };
  const len = Number(head[1]);
  const body = line.subarray(at + head[0].length);
  if (body.length !== len) return { ok: false, reason: `record holds ${body.length} bytes but its header says ${len}` };
  if (frameHash(body) !== head[2]) return { ok: false, reason: 'record checksum mismatch' };
  try {
    return { ok: true, batch: toBatch(JSON.parse(body.toString('utf8'))), bytes: line.length - at };
  } catch (err) {
    return { ok: false, reason: `record is not JSON: ${safeJsonError(err)}` };
  }
}

function toBatch(o: { v?: number; e?: Batch['events']; m?: Batch['metrics']; d?: Batch['rejects'] }): Batch {
  if (typeof o !== 'object' || o === null) throw new Error('not an object');
  return { events: o.e ?? [], metrics: o.m ?? [], rejects: o.d ?? [] };
}

/** JSON.parse's message without the quoted input it may carry. */
function safeJsonError(err: unknown): string {
  return String((err as Error).message ?? err)
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 200);
}

/**
 * Reads the batches of a segment (in chunks). A torn last line (a crash mid-write, never acknowledged) is
 * skipped and counted; so is any other unreadable line.
 */
export function readSegment(p: string): { batches: Batch[]; unreadable: number } {
  const batches: Batch[] = [];
  let unreadable = 0;
  for (const r of readSegmentRecords(p)) {
    if (r.ok) batches.push(r.batch);
    else unreadable += 1;
  }
  return { batches, unreadable };
}

/** Where unreadable journal records of a segment are set aside (never replayed, kept for inspection). */
export function quarantinePath(segment: string): string {
  return `${segment}.bad`;
}

/** Appends an unreadable record to the segment's quarantine file. */
export function setAside(segment: string, raw: Buffer): string {
  const q = quarantinePath(segment);
  appendFileSync(q, Buffer.concat([raw, Buffer.from('\n')]));
  return q;
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
