import { statSync } from 'node:fs';
import path from 'node:path';
import { addIngestResult, emptyIngestResult, type Batch, type IngestResult } from '../core/model';
import type { NormalizeContext } from '../core/normalize/context';
import { silentLogger, type Logger } from '../core/ports';
import type { PriceTable } from '../core/pricing';
import type { Store } from '../core/store/store';
import { resolveHistoryPath, scanHistoryFiles, sniffTelemetryFile, type AttributeHook, type HistoryFile } from './agents';
import { listImportFiles, readImportFile, yieldSometimes } from './file-import';
import { readImportFileOffThread } from './import-worker';
import { reconcileOtelCopies, scanTranscripts } from './transcripts';
import { sniffFile } from './transcripts/locations';

export interface ImportPathsOptions {
  prices: PriceTable;
  logger?: Logger;
  signal?: AbortSignal;
  /** Journal every batch (a long-lived store such as the extension's); otherwise flush once at the end. */
  journal?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Let the event loop turn every this many ms of work, writing in slices of 200 records (the extension host,
   * which also serves the collector and the UI); unset (the CLI): batches of 5000 records, no turns.
   */
  yieldMs?: number;
  /**
   * Developer, repository and branch of a transcript's or history's working folder (src/sources/git/attribution.ts).
   * Imported files may be someone else's: callers give no fallback developer, only the folder's own.
   */
  attribute?: AttributeHook;
  /**
   * Read large import files on the reading thread (src/sources/import-worker.ts; with a bundled price table)
   * while this one writes: reading and writing then overlap on two cores.
   */
  readOnWorker?: boolean;
}

export interface ImportProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  records: number;
}

export interface ImportSummary extends IngestResult {
  files: number;
  transcriptFiles: number;
  /** Agent history files (Cline, Roo Code, Kilo Code, Gemini CLI, Copilot CLI). */
  historyFiles: number;
  /** Records deliberately not stored, per reason (telemetry noise; docs/sources.md). */
  skipped: Record<string, number>;
  cancelled: boolean;
}

/**
 * Imports files and folders of every supported format (auto-detected): OTLP JSON (also the OpenTelemetry
 * Collector file exporter's JSON lines), LiteLLM payloads, ProdLens events, and agent transcripts (Claude
 * Code config/projects folders, Codex homes/sessions folders, single transcript files), which go to the
 * incremental transcript reader. The store is flushed before this resolves, so success means durable.
 * Unreadable paths throw an Error naming the path; bad records become dead letters.
 */
export async function importPaths(store: Store, paths: readonly string[], opts: ImportPathsOptions): Promise<ImportSummary> {
  const transcripts: string[] = [];
  const files: string[] = [];
  const histories: HistoryFile[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new Error(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`);
    }
    if (st.isDirectory() && isTranscriptFolder(p)) transcripts.push(p);
    else if (resolveHistoryPath(p)) histories.push(...resolveHistoryPath(p)!);
    else {
      for (const f of await listImportFiles([p])) {
        // An agent's telemetry file (Copilot CLI's OTel export, Gemini CLI's outfile) found in a folder.
        const telemetry = sniffTelemetryFile(f);
        if (telemetry) histories.push({ agent: telemetry, path: f });
        else (sniffFile(f) ? transcripts : files).push(f);
      }
    }
  }

  const summary: ImportSummary = {
    ...emptyIngestResult(),
    files: files.length,
    transcriptFiles: 0,
    historyFiles: histories.length,
    skipped: {},
    cancelled: false,
  };
  await store.bulk(() => importAll(store, files, transcripts, histories, summary, opts), { yieldMs: opts.yieldMs });
  // store.bulk has brought the day-level tables of every changed day up to date before its commit.
  await store.flush();
  return summary;
}

async function importAll(
  store: Store,
  files: string[],
  transcripts: string[],
  histories: HistoryFile[],
  summary: ImportSummary,
  opts: ImportPathsOptions,
): Promise<void> {
  const logger = opts.logger ?? silentLogger;
  const ctx: NormalizeContext = { prices: opts.prices, receivedAt: new Date().toISOString() };
  let records = 0;
  const otelDays = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const batches = opts.readOnWorker ? readImportFileOffThread(file, ctx, logger) : readImportFile(file, ctx, { yieldMs: opts.yieldMs });
    for await (const batch of batches) {
      if (opts.signal?.aborted) break;
      for (const e of batch.events) if (e.source === 'claude-code-otel' && e.kind === 'request') otelDays.add(e.event_date);
      for (const part of opts.yieldMs === undefined ? [batch] : slices(batch)) {
        const r = opts.journal ? await store.ingest(part) : store.ingestUnjournaled(part);
        addIngestResult(summary, r);
        await yieldSometimes(opts.yieldMs);
      }
      addSkipped(summary.skipped, batch);
      records += batch.events.length + batch.metrics.length + batch.rejects.length;
      opts.onProgress?.({ file, filesDone: i, filesTotal: files.length, records });
    }
    if (opts.signal?.aborted) {
      summary.cancelled = true;
      break;
    }
    logger.info(`imported ${file}`);
  }
  if (transcripts.length && !summary.cancelled) {
    // Inside store.bulk: the scan must not flush (that would wait for this bulk to end); importPaths does.
    const t = await scanTranscripts(transcripts, store, {
      prices: opts.prices,
      workspaceFolders: null,
      logger,
      signal: opts.signal,
      journal: opts.journal,
      flush: false,
      attribute: opts.attribute,
    });
    summary.transcriptFiles = t.files;
    // Repeated content-block copies the reader dropped are duplicates of what it stored.
    addIngestResult(summary, { ...t, duplicates: t.duplicates + t.copiesDropped });
    summary.cancelled ||= t.cancelled;
  }
  if (histories.length && !summary.cancelled) {
    // Every session in what the user named: no workspace filter.
    const h = await scanHistoryFiles(histories, store, {
      prices: opts.prices,
      workspaceFolders: null,
      logger,
      signal: opts.signal,
      journal: opts.journal,
      attribute: opts.attribute,
    });
    addIngestResult(summary, h);
    for (const [k, n] of Object.entries(h.skipped)) summary.skipped[k] = (Object.hasOwn(summary.skipped, k) ? summary.skipped[k]! : 0) + n;
    summary.cancelled ||= h.cancelled;
  }
  if (otelDays.size) reconcileOtelCopies(store, { days: [...otelDays] });
}

/** Records written between chances for the event loop to run (the extension host imports on its own thread). */
const SLICE = 200;
/** A batch as parts of at most SLICE events and metric points (dead letters ride with the first part). */
function* slices(batch: Batch): Generator<Batch> {
  if (batch.events.length + batch.metrics.length <= SLICE) {
    yield batch;
    return;
  }
  let rejects = batch.rejects;
  for (let i = 0; i < batch.events.length; i += SLICE) {
    yield { events: batch.events.slice(i, i + SLICE), metrics: [], rejects };
    rejects = [];
  }
  for (let i = 0; i < batch.metrics.length; i += SLICE) {
    yield { events: [], metrics: batch.metrics.slice(i, i + SLICE), rejects };
    rejects = [];
  }
  if (rejects.length) yield { events: [], metrics: [], rejects };
}

/** A folder the transcript reader owns by its shape (a Claude config/projects folder, a Codex home/sessions). */
function isTranscriptFolder(p: string): boolean {
  const isDir = (d: string) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  };
  const base = path.basename(path.resolve(p));
  return isDir(path.join(p, 'projects')) || isDir(path.join(p, 'sessions')) || base === 'projects' || base === 'sessions' || base === 'archived_sessions';
}

function addSkipped(into: Record<string, number>, batch: Batch): void {
  if (!batch.skipped) return;
  for (const [k, n] of Object.entries(batch.skipped)) into[k] = (Object.hasOwn(into, k) ? into[k]! : 0) + n;
}
