import { statSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';
import { addIngestResult, emptyIngestResult, type AiEvent, type DeadLetter, type IngestResult } from '../../core/model';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import type { BundledPriceTable, PriceTable } from '../../core/pricing';
import type { Store } from '../../core/store/store';
import { CheckpointTable, type FileCheckpoint } from './checkpoints';
import { DedupMemo, resolveClaudeDuplicates } from './dedup';
import { holdsNoClaudeRequests, messageIndexWriter, type MessageIndexWriter } from '../../core/store/transcript-state-repo';
import { defaultRoots, isInside, listRoot, resolveUserPath, type LocationEnv, type TranscriptFile, type TranscriptRoot } from './locations';
import { attribute, type AttributeHook } from '../agents/kinds';
import type { ClaudeRequestKey, ParseOutput } from './parser';
import { unpack } from './pack';
import { parseFile, type FileJob, type FileResult } from './parse-file';
import { buildRawRequests, type RawRequest } from './claude';
import type { ScanReply, ScanRequest, ScanWorkerData } from './scan-worker';
import { startReaderThread } from '../reader-thread';
import { reconcileOtelCopies } from './reconcile';
import { headHash } from './tail';

export interface ScanOptions {
  prices: PriceTable;
  /**
   * Folders a session's working folder must be inside for it to be taken; null takes every session (the
   * `includeAllProjects` setting, and paths the user named explicitly).
   */
  workspaceFolders: string[] | null;
  logger?: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /**
   * Journal each batch before it counts (live tailing in the extension). Otherwise batches are written
   * unjournaled and the store is flushed once at the end (bulk scans).
   */
  journal?: boolean;
  /**
   * Flush the store at the end of an unjournaled scan (default true). False when the caller flushes: an
   * import running the scan inside `Store.bulk` must, since a flush waits for the bulk to end.
   */
  flush?: boolean;
  /** Events per store write (default 5000; 1000 while a reading thread parses ahead). */
  batchSize?: number;
  /**
   * Read and parse on a worker thread (scan-worker.ts) while this one stores: default when there are at
   * least 8 MiB to read; false reads here. Falls back to this thread when the worker cannot start.
   */
  worker?: boolean;
  /**
   * A reading thread the caller started ahead (warmScanReader), so that its start overlaps the opening of
   * the store (built with the same price table): used when the scan reads on a worker, and closed when the
   * scan ends either way.
   */
  reader?: ScanReader | null;
  /** Home folder and environment for the default locations (default: this process's). */
  locations?: LocationEnv;
  /**
   * The attribution resolver: developer, repository and branch of a session's working folder, for rows the
   * transcript leaves without (src/sources/git/attribution.ts).
   */
  attribute?: AttributeHook;
}

export interface ScanProgress {
  filesDone: number;
  filesTotal: number;
  bytesRead: number;
}

export interface ScanSummary extends IngestResult {
  files: number;
  /** Files read this pass (new or grown). */
  filesRead: number;
  /** Files unchanged since their checkpoint (not opened). */
  filesUnchanged: number;
  /** Files whose session is outside the workspace. */
  filesExcluded: number;
  /** Files re-read from the start (shrunk or replaced). */
  filesReset: number;
  bytesRead: number;
  /** Repeated copies of requests dropped before storing (content-block lines, re-reads, replays). */
  copiesDropped: number;
  /** OTel rows marked duplicate_of a transcript row. */
  reconciled: number;
  cancelled: boolean;
}

interface Pending {
  items: ParseOutput['items'];
  rejects: DeadLetter[];
  checkpoints: FileCheckpoint[];
}

/**
 * Scans transcripts into the store, reading only what was appended since each file's checkpoint.
 * `paths` null means the default locations (Claude and Codex); otherwise folders or files named by the
 * user (a Claude config folder, its `projects` folder, a project folder, a Codex home or sessions folder,
 * single files).
 */
export async function scanTranscripts(paths: string[] | null, store: Store, options: ScanOptions): Promise<ScanSummary> {
  return scanFiles(collectFiles(paths, defaultRoots(options.locations)), store, options);
}

/** The transcript files under the given paths (or the default locations), de-duplicated. */
export function collectFiles(paths: string[] | null, roots: TranscriptRoot[] = defaultRoots()): TranscriptFile[] {
  const files = new Map<string, TranscriptFile>();
  const add = (f: TranscriptFile) => {
    if (!files.has(f.path)) files.set(f.path, f);
  };
  if (paths === null) {
    for (const r of roots) for (const f of listRoot(r)) add(f);
  } else {
    for (const p of paths) {
      const r = resolveUserPath(p);
      if (r === null) continue;
      if (Array.isArray(r)) for (const root of r) for (const f of listRoot(root)) add(f);
      else add(r);
    }
  }
  return [...files.values()];
}

/** Scans the given files (the watcher passes just the changed ones). */
export async function scanFiles(files: TranscriptFile[], store: Store, options: ScanOptions): Promise<ScanSummary> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const table = new CheckpointTable(store);
  const summary: ScanSummary = {
    ...emptyIngestResult(),
    files: files.length,
    filesRead: 0,
    filesUnchanged: 0,
    filesExcluded: 0,
    filesReset: 0,
    bytesRead: 0,
    copiesDropped: 0,
    reconciled: 0,
    cancelled: false,
  };
  const days = new Set<string>();
  let pending: Pending = { items: [], rejects: [], checkpoints: [] };
  /** The message index's statements, kept from batch to batch (freed when the scan ends). */
  const index: { writer: MessageIndexWriter | null } = { writer: null };
  const flushPending = async () => {
    if (!pending.items.length && !pending.rejects.length && !pending.checkpoints.length) return;
    const p = pending;
    pending = { items: [], rejects: [], checkpoints: [] };
    if (p.items.length) index.writer ??= messageIndexWriter(store);
    const dedup = resolveClaudeDuplicates(store, p.items, memo, index.writer);
    summary.copiesDropped += dedup.dropped;
    for (const d of dedup.markedDays) days.add(d);
    for (const e of dedup.events) days.add(e.event_date);
    const batch = { events: dedup.events, metrics: [], rejects: p.rejects };
    const r = options.journal ? await store.ingest(batch) : store.ingestUnjournaled(batch);
    addIngestResult(summary, r);
    // Checkpoints move only once their lines' events are stored.
    const now = new Date(clock.now()).toISOString();
    for (const cp of p.checkpoints) table.put(cp, now);
    store.markDirty();
  };

  // Each file is decided here (stat, checkpoint); the reading and parsing runs on a worker thread when
  // there is enough to read, so it overlaps with the dedup and store writes of earlier files here.
  const prepared: Array<{ f: TranscriptFile; job?: FileJob; done?: FileResult | null; error?: unknown }> = [];
  let toRead = 0;
  for (const f of files) {
    try {
      const p = prepare(f, table, options, clock, summary);
      if ('job' in p) toRead += p.job.size - p.job.offset;
      prepared.push({ f, ...p });
    } catch (error) {
      prepared.push({ f, error });
    }
  }
  // A scan into a store without Claude requests (a first scan) dedups against what it stores itself. Asked
  // only when Claude files are to be read (the question may take a pass over the events).
  const claudeToRead = prepared.some((p) => p.job?.agent === 'claude');
  const memo = claudeToRead && holdsNoClaudeRequests(store) ? new DedupMemo() : null;
  const spec = (options.prices as Partial<BundledPriceTable>).spec;
  const warm = options.reader ?? null;
  let reader = spec && (options.worker ?? toRead >= WORKER_FROM_BYTES) ? (warm ?? ScanReader.start(options.prices, spec, logger)) : null;
  if (warm && warm !== reader) void warm.close();
  const ahead: Array<Promise<FileResult> | undefined> = [];
  let submitted = 0;
  let aheadBytes = 0;

  let lastYield = clock.now();
  try {
    for (let i = 0; i < prepared.length; i++) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      const { f, job, done, error } = prepared[i]!;
      try {
        if (error !== undefined) throw error;
        let res: FileResult | null | undefined = done;
        if (job) {
          if (reader) {
            for (; submitted < prepared.length && (submitted <= i || aheadBytes < READ_AHEAD_BYTES); submitted++) {
              const j = prepared[submitted]!.job;
              if (!j) continue;
              const read = reader.take(j) ?? reader.read(j);
              // Files read ahead are rejected when the reader closes (it failed, the scan was cancelled):
              // unhandled, those rejections would end the process.
              read.catch(() => {});
              ahead[submitted] = read;
              aheadBytes += j.size - j.offset;
            }
            try {
              res = await ahead[i]!;
            } catch (err) {
              if (!(err instanceof WorkerFailed)) throw err;
              logger.warn(`[transcripts] reading thread failed, reading on this one: ${err.message}`);
              void reader.close();
              reader = null;
            }
            ahead[i] = undefined;
            aheadBytes -= job.size - job.offset;
          }
          res ??= parseFile(job, options.prices);
        }
        if (res) {
          summary.bytesRead += res.bytesRead;
          if (job) summary.filesRead++;
          if (res.excluded) summary.filesExcluded++;
          if (res.out.items.length)
            await attribute(
              res.out.items.map((it) => it.event),
              res.cwd,
              options.attribute,
            );
          for (const it of res.out.items) pending.items.push(it);
          for (const r of res.out.rejects) pending.rejects.push(r);
          pending.checkpoints.push(res.checkpoint);
        }
      } catch (err) {
        const msg = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file disappeared' : (err as Error).message;
        logger.warn(`[transcripts] ${f.path}: ${msg}`);
      }
      if (pending.items.length >= (options.batchSize ?? (reader ? READER_BATCH : BATCH)) || pending.checkpoints.length >= 1000) await flushPending();
      options.onProgress?.({ filesDone: i + 1, filesTotal: files.length, bytesRead: summary.bytesRead });
      // Let the extension host breathe during long scans.
      if (clock.now() - lastYield > 50) {
        await new Promise((r) => setImmediate(r));
        lastYield = clock.now();
      }
    }
    await flushPending();
    if (days.size) summary.reconciled = reconcileOtelCopies(store, { days: [...days] });
    if (!options.journal && options.flush !== false) await store.flush();
  } finally {
    table.dispose();
    index.writer?.free();
    if (reader) await reader.close();
  }
  return summary;
}

/**
 * Decides one file from its stat and checkpoint: `done` when there is nothing to read (null: nothing to
 * store or checkpoint), else the job that reads what is new.
 */
function prepare(
  f: TranscriptFile,
  table: CheckpointTable,
  options: ScanOptions,
  clock: Clock,
  summary: ScanSummary,
): { done: FileResult | null } | { job: FileJob } {
  const st = statSync(f.path);
  const ino = String(st.ino);
  const cp = table.get(f.path);
  const filter = options.workspaceFolders;
  const knownCwd = (cp?.state as { cwd?: string | null } | null)?.cwd ?? null;
  const decided = decidedFor(filter, knownCwd);

  const base = { path: f.path, agent: f.agent, size: st.size, mtimeMs: st.mtimeMs, ino };
  if (cp && cp.ino === ino && cp.size === st.size && cp.mtimeMs === st.mtimeMs && (decided === undefined || decided === cp.included)) {
    summary.filesUnchanged++;
    if (!cp.included) summary.filesExcluded++;
    return { done: null };
  }
  if (decided === false) {
    // Outside the workspace: remember the size so the file is not looked at again until it changes.
    return {
      done: {
        out: { items: [], rejects: [] },
        cwd: null,
        bytesRead: 0,
        excluded: true,
        checkpoint: { ...base, offset: 0, lineNo: 0, headHash: '0:', state: cp?.state ?? null, included: false },
      },
    };
  }

  let from: JobStart = FROM_START;
  if (cp && cp.included && cp.offset > 0) {
    let reset = cp.ino !== ino || st.size < cp.offset;
    if (!reset) {
      const headLen = Number(cp.headHash.split(':')[0]);
      const h = headHash(f.path, headLen);
      summary.bytesRead += h.bytesRead;
      reset = h.hash !== cp.headHash;
    }
    if (reset) summary.filesReset++;
    else from = { offset: cp.offset, lineNo: cp.lineNo, state: cp.state, headHash: cp.headHash };
  }
  return { job: fileJob(f, st, from, filter, decided, new Date(clock.now()).toISOString()) };
}

/** Where a job starts reading a file. */
type JobStart = Pick<FileJob, 'offset' | 'lineNo' | 'state' | 'headHash'>;
const FROM_START: JobStart = { offset: 0, lineNo: 0, state: null, headHash: null };

/** Whether a file is inside the workspace filter: known without reading when there is no filter or its cwd is known. */
function decidedFor(filter: string[] | null, knownCwd: string | null): boolean | undefined {
  return filter === null ? true : knownCwd !== null ? filter.some((w) => isInside(knownCwd, w)) : undefined;
}

/** The job that reads a file from `from` (the one construction of a FileJob, for prepare and the early reads). */
function fileJob(
  f: TranscriptFile,
  st: { size: number; mtimeMs: number; ino: number | bigint },
  from: JobStart,
  filter: string[] | null,
  decided: boolean | undefined,
  receivedAt: string,
): FileJob {
  return { path: f.path, agent: f.agent, size: st.size, mtimeMs: st.mtimeMs, ino: String(st.ino), ...from, decided, workspaceFolders: filter, receivedAt };
}

/** Events per store write when reading on this thread. */
const BATCH = 5000;
/**
 * Events per store write while a reading thread parses ahead: the store's last batch is what is left to do
 * when the reader is done, so smaller batches shorten the scan's tail (500 MB tree, 8 interleaved runs each at
 * load ~2: 2.60 s at 1000 against 2.71 s at 5000, 250 and 500 no better; no difference when no core is free).
 */
const READER_BATCH = 1000;

/** Bytes to read from which a scan reads on a worker thread (below, starting one costs more than it saves). */
const WORKER_FROM_BYTES = 8 * 1024 * 1024;
/**
 * File bytes handed to the reading thread ahead of the file being stored. Storing a batch of 5000 events
 * takes this thread ~0.1-0.2 s, in which the worker reads ~50 MB: with 8 files ahead (~10 MB on the bench
 * tree) it idled 0.74 s of a 2.1 s scan. What it hands back is the packed events, not the bytes.
 */
const READ_AHEAD_BYTES = 128 * 1024 * 1024;

class WorkerFailed extends Error {}

/** What warmScanReader needs to know besides the files (all optional). */
export interface WarmOptions {
  logger?: Logger;
  /** Epoch ms the database was last written: only files changed since count toward `minBytes` (default 0). */
  changedSince?: number;
  /** Bytes to read from which the thread starts (default: the bytes from which a scan reads on a worker). */
  minBytes?: number;
  /**
   * The store has no transcript checkpoints (its database file does not exist yet): the thread also starts
   * reading the first files from their start, the jobs scanFiles will ask for, with this workspace filter
   * (ScanOptions.workspaceFolders). scanFiles takes each such read only when it asks for exactly that job.
   */
  firstScan?: { workspaceFolders: string[] | null; clock?: Clock };
}

/**
 * Starts the reading thread ahead of a scan when the files to scan hold at least the bytes from which the
 * scan reads on a worker (the caller passes it as `ScanOptions.reader`): its ~0.1 s start (a V8 isolate,
 * scan-worker.js) then overlaps the opening of the store instead of delaying the first file. Only files
 * changed since `changedSince` count, so a re-scan that will read little starts no thread. On a first scan
 * (`firstScan`) the thread reads the first files while the store opens (~0.2 s of a cold scan of 500 MB).
 * Null when there is less to read, the price table cannot be rebuilt there, or the thread cannot start.
 */
export function warmScanReader(files: TranscriptFile[], prices: PriceTable, options: WarmOptions = {}): ScanReader | null {
  const spec = (prices as Partial<BundledPriceTable>).spec;
  if (!spec) return null;
  const logger = options.logger ?? silentLogger;
  const changedSince = options.changedSince ?? 0;
  const minBytes = options.minBytes ?? WORKER_FROM_BYTES;
  const first = options.firstScan;
  let bytes = 0;
  let reader: ScanReader | null = null;
  const jobs: FileJob[] = [];
  let jobBytes = 0;
  const receivedAt = first ? new Date((first.clock ?? systemClock).now()).toISOString() : '';
  for (const f of files) {
    const st = statSync(f.path, { throwIfNoEntry: false });
    if (!st || st.mtimeMs < changedSince) continue;
    bytes += st.size;
    if (first && jobBytes < READ_AHEAD_BYTES) {
      jobs.push(fileJob(f, st, FROM_START, first.workspaceFolders, decidedFor(first.workspaceFolders, null), receivedAt));
      jobBytes += st.size;
    }
    if (!reader && bytes >= minBytes) {
      reader = ScanReader.start(prices, spec, logger, !first);
      if (!reader) return null;
    }
    if (reader && (!first || jobBytes >= READ_AHEAD_BYTES)) break;
  }
  if (reader) for (const job of jobs) reader.readEarly(job);
  return reader;
}

/** Whether two jobs read the same bytes the same way: every field but when they were asked for. */
function sameJob(a: FileJob, b: FileJob): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof FileJob>);
  for (const k of keys) if (k !== 'receivedAt' && !isDeepStrictEqual(a[k], b[k])) return false;
  return true;
}

/** The reading thread (scan-worker.ts): one file at a time, in the order asked. */
export class ScanReader {
  private readonly pending = new Map<number, { job: FileJob; resolve: (r: FileResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed: Error | null = null;
  /** Reads started before the scan asked for them (warmScanReader on a first scan), in file order. */
  private readonly early: Array<{ job: FileJob; read: Promise<FileResult> }> = [];

  private constructor(
    private readonly worker: Worker,
    /** Builds the Claude requests the thread leaves unbuilt (the table the thread's copy was made from). */
    private readonly prices: PriceTable,
  ) {
    worker.on('message', (m: ScanReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if ('result' in m) {
        const events = unpack<AiEvent>(m.events);
        const keys = unpack<ClaudeRequestKey>(m.keys);
        const items = m.result.out.items;
        for (let i = 0; i < events.length; i++) {
          const claude = keys[i];
          items.push(claude ? { event: events[i]!, claude } : { event: events[i]! });
        }
        try {
          buildRawRequests(m.result.out, unpack<RawRequest>(m.raw) as RawRequest[], p.job.path, p.job.receivedAt, this.prices);
        } catch (err) {
          p.reject(err as Error);
          return;
        }
        p.resolve(m.result);
      } else p.reject(Object.assign(new Error(m.error), { code: m.code }));
    });
    worker.on('error', (err) => this.fail(new WorkerFailed(err.message)));
    worker.on('exit', (code) => this.fail(new WorkerFailed(`exited with code ${code}`)));
  }

  /** The reader, or null when the worker script is missing or the thread cannot start. */
  /**
   * `waits`: the thread will wait for its first file (the store is still opening), so it evaluates the price
   * data meanwhile (~40 ms); otherwise only a file that prices on that thread (Codex: Claude requests are
   * built here) has it evaluated.
   */
  static start(prices: PriceTable, spec: BundledPriceTable['spec'], logger: Logger, waits = true): ScanReader | null {
    try {
      const workerData: ScanWorkerData = { kind: 'transcripts', overrides: spec.overrides, label: spec.label, preloadPrices: waits };
      return new ScanReader(startReaderThread(workerData), prices);
    } catch (err) {
      logger.warn(`[transcripts] no reading thread (${(err as Error).message}), reading on this one`);
      return null;
    }
  }

  read(job: FileJob): Promise<FileResult> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<FileResult>((resolve, reject) => {
      this.pending.set(id, { job, resolve, reject });
      this.worker.postMessage({ id, job } satisfies ScanRequest);
    });
  }

  /** How many files the thread was asked to read. */
  get jobsSent(): number {
    return this.nextId;
  }

  /** Starts reading `job` before the scan asks for it (the scan takes the result with `take`). */
  readEarly(job: FileJob): void {
    const read = this.read(job);
    // Not taken when the scan decides differently (or does not run): nobody else handles its rejection.
    read.catch(() => {});
    this.early.push({ job, read });
  }

  /**
   * The early read of exactly `job`, else null. Early reads of files before it that were not taken are
   * dropped (the scan asks in file order), and so is one of the same file for a different job.
   */
  take(job: FileJob): Promise<FileResult> | null {
    const at = this.early.findIndex((e) => e.job.path === job.path);
    if (at < 0) return null;
    const e = this.early.splice(0, at + 1)[at]!;
    return sameJob(e.job, job) ? e.read : null;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.fail(new WorkerFailed('closed'));
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
  }
}
