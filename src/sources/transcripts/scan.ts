import { statSync } from 'node:fs';
import { addIngestResult, emptyIngestResult, type DeadLetter, type IngestResult } from '../../core/model';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import type { PriceTable } from '../../core/pricing';
import type { Store } from '../../core/store/store';
import { CheckpointTable, type FileCheckpoint } from './checkpoints';
import { ClaudeParser, type ClaudeState } from './claude';
import { CodexParser, type CodexState } from './codex';
import { resolveClaudeDuplicates } from './dedup';
import { defaultRoots, isInside, listRoot, resolveUserPath, type LocationEnv, type TranscriptFile, type TranscriptRoot } from './locations';
import { attribute, type AttributeHook } from '../agents/kinds';
import type { FileParser, ParseOutput, ParserContext } from './parser';
import { reconcileOtelCopies } from './reconcile';
import { headHash, HEAD_BYTES, tailLines } from './tail';

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
  /** Events per store write. */
  batchSize?: number;
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
  const batchSize = options.batchSize ?? 5000;
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
  const flushPending = async () => {
    if (!pending.items.length && !pending.rejects.length && !pending.checkpoints.length) return;
    const p = pending;
    pending = { items: [], rejects: [], checkpoints: [] };
    const dedup = resolveClaudeDuplicates(store, p.items);
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

  let lastYield = clock.now();
  try {
    for (let i = 0; i < files.length; i++) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      const f = files[i]!;
      try {
        const res = scanOne(f, table, options, clock, summary);
        if (res) {
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
      if (pending.items.length >= batchSize || pending.checkpoints.length >= 1000) await flushPending();
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
  }
  return summary;
}

/** Reads what is new in one file; null when there is nothing to store or checkpoint. */
function scanOne(
  f: TranscriptFile,
  table: CheckpointTable,
  options: ScanOptions,
  clock: Clock,
  summary: ScanSummary,
): { out: ParseOutput; checkpoint: FileCheckpoint; cwd?: string | null } | null {
  const st = statSync(f.path);
  const ino = String(st.ino);
  const cp = table.get(f.path);
  const filter = options.workspaceFolders;
  const knownCwd = (cp?.state as { cwd?: string | null } | null)?.cwd ?? null;
  const decided = filter === null ? true : knownCwd !== null ? filter.some((w) => isInside(knownCwd, w)) : undefined;

  const base = { path: f.path, agent: f.agent, size: st.size, mtimeMs: st.mtimeMs, ino };
  if (cp && cp.ino === ino && cp.size === st.size && cp.mtimeMs === st.mtimeMs && (decided === undefined || decided === cp.included)) {
    summary.filesUnchanged++;
    if (!cp.included) summary.filesExcluded++;
    return null;
  }
  if (decided === false) {
    // Outside the workspace: remember the size so the file is not looked at again until it changes.
    summary.filesExcluded++;
    return { out: { items: [], rejects: [] }, checkpoint: { ...base, offset: 0, lineNo: 0, headHash: '0:', state: cp?.state ?? null, included: false } };
  }

  let from = { offset: 0, lineNo: 0, state: null as unknown };
  if (cp && cp.included && cp.offset > 0) {
    let reset = cp.ino !== ino || st.size < cp.offset;
    if (!reset) {
      const headLen = Number(cp.headHash.split(':')[0]);
      const h = headHash(f.path, headLen);
      summary.bytesRead += h.bytesRead;
      reset = h.hash !== cp.headHash;
    }
    if (reset) summary.filesReset++;
    else from = { offset: cp.offset, lineNo: cp.lineNo, state: cp.state };
  }

  const out: ParseOutput = { items: [], rejects: [] };
  const ctx: ParserContext = { file: f.path, prices: options.prices, receivedAt: new Date(clock.now()).toISOString(), out };
  const parser: FileParser =
    f.agent === 'claude' ? new ClaudeParser(ctx, from.state as ClaudeState | null) : new CodexParser(ctx, from.state as CodexState | null);
  let included: boolean | undefined = decided;
  const res = tailLines(f.path, from.offset, from.lineNo, st.size, (buf, start, end, lineNo) => {
    parser.line(buf, start, end, lineNo);
    if (included === undefined && parser.cwd !== null) {
      included = filter!.some((w) => isInside(parser.cwd!, w));
      if (!included) return false;
    }
    return true;
  });
  parser.finish();
  summary.bytesRead += res.bytesRead;
  summary.filesRead++;
  for (const n of res.oversized) {
    out.rejects.push({
      received_at: ctx.receivedAt,
      source: f.agent === 'claude' ? 'claude-code-transcript' : 'codex-transcript',
      reason: `${f.path}:${n}: line longer than the limit, skipped`,
      excerpt: `line ${n} of ${f.path}`,
    });
  }
  if (included !== true) {
    // Outside the workspace, or no line has said where the session ran yet: keep nothing, look again
    // when the file grows.
    summary.filesExcluded++;
    return { out: { items: [], rejects: [] }, checkpoint: { ...base, offset: 0, lineNo: 0, headHash: '0:', state: parser.state(), included: false } };
  }
  let head = from.offset > 0 && cp ? cp.headHash : '0:';
  if (Number(head.split(':')[0]) < Math.min(HEAD_BYTES, res.offset)) {
    const h = headHash(f.path, res.offset);
    summary.bytesRead += h.bytesRead;
    head = h.hash;
  }
  return { out, cwd: parser.cwd, checkpoint: { ...base, offset: res.offset, lineNo: res.lineNo, headHash: head, state: parser.state(), included: true } };
}
