import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads the complete top-level JSON objects a telemetry exporter appended to a file, from a byte offset on.
 * Two writers produce these files: OpenTelemetry SDK file exporters that pretty-print each record
 * (Gemini CLI's `telemetry.outfile`: `JSON.stringify(record, null, 2) + '\n'`, objects concatenated) and
 * ones that write one object a line (Copilot CLI's `COPILOT_OTEL_FILE_EXPORTER_PATH`). Both are cut the
 * same way: by balancing braces outside strings, on the bytes (`{`, `}`, `"` and `\` are ASCII and never
 * part of a multi-byte UTF-8 character), so only complete objects are decoded and parsed.
 *
 * An object still being written when the file is read is left for the next pass: the returned offset is
 * just past the last complete object. Text between objects that is not whitespace is reported once per
 * line and skipped, so a damaged stretch costs itself and nothing after it.
 */

/** An object longer than this is skipped (reported by line), so one runaway record cannot exhaust memory. */
export const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;

const OPEN = 0x7b;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** Called for each complete object with its text and the 1-based line it starts on. Return false to stop. */
export type ObjectHandler = (text: string, line: number) => boolean | void;

export interface ObjectScanResult {
  /** Offset just past the last complete object (or skipped text) handled. */
  offset: number;
  /** Line number at `offset` (the line the next object starts on, counting from 1). */
  line: number;
  bytesRead: number;
  /** Lines where something that is not a JSON object started (skipped). */
  junkLines: number[];
  /** Lines of objects skipped for exceeding MAX_OBJECT_BYTES. */
  oversized: number[];
  stopped: boolean;
}

/**
 * Scans `path` from `offset` (where line `line` begins or continues) up to `limit`, the size seen at stat
 * time: bytes written after it wait for the next pass.
 */
export function scanJsonObjects(
  path: string,
  offset: number,
  line: number,
  limit: number,
  onObject: ObjectHandler,
  maxObjectBytes = MAX_OBJECT_BYTES,
): ObjectScanResult {
  const result: ObjectScanResult = { offset, line, bytesRead: 0, junkLines: [], oversized: [], stopped: false };
  if (limit <= offset) return result;
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(64 * 1024, limit - offset)));
    let filled = 0;
    /** File position of buf[0]. */
    let base = offset;
    // Scanner state; `i` is the next byte of buf to look at.
    let i = 0;
    let depth = 0;
    let inString = false;
    let escape = false;
    /** buf index where the current object starts, -1 outside objects. */
    let start = -1;
    let startLine = line;
    let curLine = line;
    let skipping = false;
    let junkLine = 0;
    while (base + filled < limit) {
      const want = Math.min(buf.length - filled, limit - base - filled);
      const n = readSync(fd, buf, filled, want, base + filled);
      if (n <= 0) break;
      filled += n;
      result.bytesRead += n;
      for (; i < filled; i++) {
        const c = buf[i]!;
        if (c === NEWLINE) curLine++;
        if (inString) {
          if (escape) escape = false;
          else if (c === BACKSLASH) escape = true;
          else if (c === QUOTE) inString = false;
          continue;
        }
        if (depth === 0) {
          if (c === OPEN) {
            depth = 1;
            start = i;
            startLine = curLine;
          } else if (c !== NEWLINE && c !== 0x20 && c !== 0x0d && c !== 0x09) {
            if (junkLine !== curLine) {
              junkLine = curLine;
              result.junkLines.push(curLine);
            }
            result.offset = base + i + 1;
            result.line = curLine;
          } else {
            result.offset = base + i + 1;
            result.line = curLine;
          }
          continue;
        }
        if (c === QUOTE) inString = true;
        else if (c === OPEN) depth++;
        else if (c === CLOSE && --depth === 0) {
          const end = i + 1;
          if (!skipping && end - start > maxObjectBytes) result.oversized.push(startLine);
          else if (!skipping && onObject(buf.toString('utf8', start, end), startLine) === false) {
            result.offset = base + end;
            result.line = curLine;
            result.stopped = true;
            return result;
          }
          skipping = false;
          start = -1;
          result.offset = base + end;
          result.line = curLine;
        }
      }
      // Keep the unfinished object at the front of the buffer (or drop what was consumed).
      const keepFrom = start >= 0 && !skipping ? start : filled;
      if (keepFrom > 0) {
        buf.copy(buf, 0, keepFrom, filled);
        base += keepFrom;
        filled -= keepFrom;
        i -= keepFrom;
        if (start >= 0) start -= keepFrom;
      }
      if (filled === buf.length) {
        if (buf.length >= maxObjectBytes) {
          // Too long to keep: forget its bytes, keep scanning for its end.
          if (!skipping) result.oversized.push(startLine);
          skipping = true;
          base += filled;
          filled = 0;
          i = 0;
          start = 0;
        } else {
          const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxObjectBytes));
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
