import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { emptyBatch, type Batch } from '../core/model';
import type { NormalizeContext } from '../core/normalize/context';
import { reject } from '../core/normalize/context';
import { normalizeDocument } from '../core/normalize/detect';
import { LineSplitter, ValueSplitter, type Piece } from './json-split';

/**
 * Streams import files (Node only) into batches of normalized records, in bounded memory:
 * - `.jsonl` / `.ndjson`, and any file whose first line is a complete JSON value (an OpenTelemetry
 *   Collector `file` exporter's output, NDJSON of LiteLLM payloads or ProdLens events): line by line;
 * - otherwise (a pretty-printed document, or a top-level array of any size): by top-level JSON values,
 *   arrays split into their elements;
 * - gzip (by content, whatever the name) is decompressed on the fly.
 * A line or value that is not valid JSON becomes a dead letter naming the file and line; the rest of the
 * file continues. I/O failures (missing or unreadable file) throw an Error naming the file.
 */

export interface ImportOptions {
  /** Records (events + metric points + dead letters) per yielded batch. */
  batchSize?: number;
  /** Longest line (line mode) kept; longer lines become dead letters. */
  maxLineChars?: number;
  /** Let the event loop turn every this many ms of work (a long-lived host such as the extension); unset: never. */
  yieldMs?: number;
  /** Longest single JSON value (value mode) kept; larger ones become dead letters. */
  maxValueChars?: number;
}

const DEFAULT_BATCH = 5000;
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;
const DEFAULT_MAX_VALUE = 256 * 1024 * 1024;
const IMPORT_EXT = /\.(?:json|jsonl|ndjson)(?:\.gz)?$/i;
/** Strings this long inside an unparseable excerpt are elided: they may be prompt text. */
const LONG_STRING = /"(?:[^"\\]|\\.){64,}"/g;

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function textStream(path: string, yieldMs?: number): Promise<Readable> {
  const gz = await isGzip(path);
  // Each chunk is parsed and normalized in one go on the caller's thread: smaller reads for a host that yields.
  const file = createReadStream(path, { highWaterMark: yieldMs === undefined ? 1 << 20 : 1 << 18 });
  let stream: Readable = file;
  if (gz) {
    const gunzip = createGunzip();
    file.on('error', (err) => gunzip.destroy(err));
    stream = file.pipe(gunzip);
  }
  stream.setEncoding('utf8');
  return stream;
}

type Mode = 'lines' | 'values';

let lastYield = 0;

/**
 * Lets the event loop turn if the caller has held it for `everyMs` (the extension host imports on its own
 * thread, and so do the collector's requests); nothing without `everyMs` (the CLI).
 */
export async function yieldSometimes(everyMs: number | undefined): Promise<void> {
  if (everyMs === undefined) return;
  const now = performance.now();
  if (now - lastYield < everyMs) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

/** Line mode when the first line is a complete JSON value; value mode for arrays and multi-line documents. */
function decideMode(head: string, final: boolean, maxLine: number): Mode | undefined {
  const m = /[^\s\uFEFF]/.exec(head);
  if (!m) return final ? 'lines' : undefined;
  if (m[0] === '[') return 'values';
  if (m[0] !== '{') return 'lines';
  const nl = head.indexOf('\n', m.index);
  if (nl === -1 && !final && head.length < maxLine) return undefined;
  try {
    JSON.parse(head.slice(m.index, nl === -1 ? undefined : nl));
    return 'lines';
  } catch {
    return 'values';
  }
}

/** Reads one import file as a sequence of batches. */
export async function* readImportFile(path: string, ctx: NormalizeContext, opts: ImportOptions = {}): AsyncGenerator<Batch> {
  const at = ctx.receivedAt ?? new Date().toISOString();
  const nctx: NormalizeContext = { ...ctx, receivedAt: at };
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const maxLine = opts.maxLineChars ?? DEFAULT_MAX_LINE;
  const maxValue = opts.maxValueChars ?? DEFAULT_MAX_VALUE;
  const plain = path.toLowerCase().replace(/\.gz$/, '');
  let mode: Mode | undefined = plain.endsWith('.jsonl') || plain.endsWith('.ndjson') ? 'lines' : undefined;

  let batch = emptyBatch();
  const ready: Batch[] = [];
  const sink = (p: Piece): void => {
    if (p.text === null) reject(batch, at, 'file', `${path}:${p.line}: ${p.problem ?? 'unreadable'}`, '');
    else {
      let doc: unknown;
      let parsed = true;
      try {
        doc = JSON.parse(p.text);
      } catch (err) {
        parsed = false;
        reject(
          batch,
          at,
          'file',
          `${path}:${p.line}: invalid JSON (${(err as Error).message})`,
          p.text.slice(0, 4000).replace(LONG_STRING, '"[long string elided]"'),
        );
      }
      if (parsed) {
        const before = batch.rejects.length;
        normalizeDocument(doc, nctx, batch);
        for (let i = before; i < batch.rejects.length; i++) batch.rejects[i]!.reason = `${path}:${p.line}: ${batch.rejects[i]!.reason}`;
      }
    }
    if (batch.events.length + batch.metrics.length + batch.rejects.length >= batchSize) {
      ready.push(batch);
      batch = emptyBatch();
    }
  };
  const makeSplitter = (m: Mode) => (m === 'lines' ? new LineSplitter(sink, maxLine) : new ValueSplitter(sink, maxValue));

  let stream: Readable;
  try {
    stream = await textStream(path, opts.yieldMs);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  let splitter = mode ? makeSplitter(mode) : undefined;
  let head = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (!splitter) {
        head += chunk;
        mode = decideMode(head, false, maxLine);
        if (!mode) continue;
        splitter = makeSplitter(mode);
        splitter.push(head);
        head = '';
      } else splitter.push(chunk);
      while (ready.length) yield ready.shift()!;
      // Buffered chunks resolve the stream's iterator without a turn of the event loop: parsing a whole batch
      // would otherwise hold it (the extension host) for hundreds of milliseconds.
      await yieldSometimes(opts.yieldMs);
    }
    splitter ??= makeSplitter(decideMode(head, true, maxLine) ?? 'lines');
    if (head) splitter.push(head);
    splitter.end();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      splitter?.end();
      reject(batch, at, 'file', `${path}: gzip data is corrupt or truncated (${(err as Error).message}); records before that point were read`, '');
    } else throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
  while (ready.length) yield ready.shift()!;
  if (batch.events.length || batch.metrics.length || batch.rejects.length || batch.skipped) yield batch;
}

/**
 * Expands files and folders into the list of files to import: folders recursively (hidden folders and
 * symbolic links to folders skipped), keeping `.json`, `.jsonl`, `.ndjson` and their `.gz`; a file named
 * explicitly is always kept. Throws an Error naming a path that does not exist.
 */
export async function listImportFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      throw new Error(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`);
    }
    if (st.isDirectory()) await walk(p, add);
    else add(p);
  }
  return out;
}

async function walk(dir: string, add: (p: string) => void): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) await walk(p, add);
    } else if (IMPORT_EXT.test(e.name)) {
      if (e.isFile()) add(p);
      else if (e.isSymbolicLink()) {
        const st = await stat(p).catch(() => null);
        if (st?.isFile()) add(p);
      }
    }
  }
}
