import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';

/**
 * Reads the complete lines of a file from a byte offset on, in large chunks, without decoding lines the
 * caller does not ask for: the caller gets (buffer, start, end) and decides from a cheap byte search
 * whether the line is worth `JSON.parse`. A last line without its newline is left for the next pass.
 */

/** Bytes of the file's start hashed to notice a file replaced by another. */
export const HEAD_BYTES = 256;
/** Lines longer than this are skipped (reported), so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The read buffer, kept from file to file (4 MiB, allocated on first use): a new buffer per file meant
 * fresh pages to fault in for every file, ~30% of a cold scan's read time on the bench tree (sys time
 * 0.19 → 0.12 s reading its 382 files). Only a line longer than it gets a larger buffer of its own.
 */
let shared: Buffer | undefined;

/** Called for each complete line; `end` excludes the newline (and a preceding `\r`). Return false to stop. */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => boolean | void;

export interface TailResult {
  /** Offset just past the last complete line handled. */
  offset: number;
  /** Number of the last complete line handled (1-based; 0 when none). */
  lineNo: number;
  bytesRead: number;
  /** Lines skipped for being longer than MAX_LINE_BYTES (their numbers). */
  oversized: number[];
  /** The handler asked to stop. */
  stopped: boolean;
}

/**
 * Reads lines from `offset` up to `limit` (the size seen at stat time; bytes appended after it wait for
 * the next pass). `lineNo` is the number of the line before `offset`.
 */
export function tailLines(path: string, offset: number, lineNo: number, limit: number, onLine: LineHandler): TailResult {
  const result: TailResult = { offset, lineNo, bytesRead: 0, oversized: [], stopped: false };
  if (limit <= offset) return result;
  const fd = openSync(path, 'r');
  try {
    shared ??= Buffer.allocUnsafe(CHUNK_BYTES);
    let buf = shared;
    let filled = 0;
    /** File position of buf[0]. */
    let base = offset;
    /** Skipping the rest of an oversized line until its newline. */
    let skipping = false;
    while (base + filled < limit) {
      const want = Math.min(buf.length - filled, limit - base - filled);
      const n = readSync(fd, buf, filled, want, base + filled);
      if (n <= 0) break;
      filled += n;
      result.bytesRead += n;
      const view = buf.subarray(0, filled);
      let start = 0;
      for (;;) {
        const nl = view.indexOf(10, start);
        if (nl === -1) break;
        result.lineNo += 1;
        if (skipping) {
          skipping = false;
        } else {
          const end = nl > start && view[nl - 1] === 13 ? nl - 1 : nl;
          if (onLine(view, start, end, result.lineNo) === false) {
            result.offset = base + nl + 1;
            result.stopped = true;
            return result;
          }
        }
        start = nl + 1;
        result.offset = base + start;
      }
      // Keep the unfinished line at the front of the buffer.
      if (start > 0) {
        buf.copy(buf, 0, start, filled);
        base += start;
        filled -= start;
      }
      if (filled === buf.length) {
        if (buf.length >= MAX_LINE_BYTES || skipping) {
          if (!skipping) result.oversized.push(result.lineNo + 1);
          skipping = true;
          base += filled;
          filled = 0;
        } else {
          const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_LINE_BYTES));
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
      }
    }
    return result;
  } finally {
    closeSync(fd);
  }
}

/** `<length>:<sha256 prefix>` of the first `min(HEAD_BYTES, upTo)` bytes, and the bytes it read. */
export function headHash(path: string, upTo: number): { hash: string; bytesRead: number } {
  const len = Math.max(0, Math.min(HEAD_BYTES, upTo));
  if (len === 0) return { hash: '0:', bytesRead: 0 };
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(len);
    const n = readSync(fd, buf, 0, len, 0);
    return { hash: `${n}:${createHash('sha256').update(buf.subarray(0, n)).digest('hex').slice(0, 16)}`, bytesRead: n };
  } finally {
    closeSync(fd);
  }
}

/** Whether a byte range contains `needle` (a cached forward search, so scanning many lines stays linear). */
export class Marker {
  private readonly needle: Buffer;
  private buf: Buffer | undefined;
  /** Next match at or after `from` in `buf`, -1 when none. */
  private pos = -1;
  private from = 0;

  constructor(text: string) {
    this.needle = Buffer.from(text, 'utf8');
  }

  in(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.buf || start < this.from || (this.pos !== -1 && this.pos < start)) {
      this.buf = buf;
      this.from = start;
      this.pos = buf.indexOf(this.needle, start);
    }
    return this.pos !== -1 && this.pos + this.needle.length <= end;
  }
}

/** The first JSON string value of `"key":"…"` within a line, decoded, or null. */
export function stringField(buf: Buffer, start: number, end: number, key: string): string | null {
  const needle = `"${key}":"`;
  const rel = buf.subarray(start, end).indexOf(needle);
  if (rel === -1) return null;
  const at = start + rel;
  let i = at + needle.length;
  for (; i < end; i++) {
    const c = buf[i];
    if (c === 92) i++;
    else if (c === 34) break;
  }
  if (i >= end) return null;
  try {
    return JSON.parse(buf.toString('utf8', at + needle.length - 1, i + 1)) as string;
  } catch {
    return null;
  }
}
