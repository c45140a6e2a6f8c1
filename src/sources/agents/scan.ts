import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { addIngestResult, emptyIngestResult, type AiEvent, type DeadLetter, type IngestResult } from '../../core/model';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import type { PriceTable } from '../../core/pricing';
import type { Store } from '../../core/store/store';
import { CheckpointTable, type FileCheckpoint } from '../transcripts/checkpoints';
import { appendUnchanged, filterSignature, readAppendFile } from './append-scan';
import { readClineTask, type ClineAgent, type TaskInfo } from './cline';
import { readCopilotSession } from './copilot';
import { readGeminiChat } from './gemini';
import {
  attribute,
  HISTORY_SOURCE,
  historyReject,
  isAppendAgent,
  MAX_HISTORY_BYTES,
  obj,
  text,
  type AppendAgent,
  type AttributeHook,
  type HistoryContext,
  type HistoryFile,
  type HistoryRead,
} from './kinds';
import { geminiProjectRoot, historyRoots, listHistoryRoot, resolveHistoryPath, type HistoryLocationEnv } from './locations';
import { reconcileHistoryCopies } from './reconcile';
import { admitted, SessionFolders, type SessionPlace } from './session-folders';

/**
 * Reads agent history files into the store. These files are rewritten whole (Cline's ui_messages.json) or
 * appended with repeated records (Gemini's chat .jsonl): a changed file (size, mtime or inode differ from
 * its checkpoint in `transcript_files`) is read again from its start, and its rows dedup in the store by
 * `trace_hash` (a request's identity is stable: task + message ts, session + message id, session + shutdown
 * event + model). Unchanged files are not opened.
 */

export interface HistoryScanOptions {
  prices: PriceTable;
  /** Folders a session's working folder must be inside; null takes every session. */
  workspaceFolders: string[] | null;
  logger?: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  /** Journal each batch (live capture in the extension); otherwise unjournaled, flushed by the caller. */
  journal?: boolean;
  locations?: HistoryLocationEnv;
  /** The attribution resolver: repository, branch and developer of a row's working folder. */
  attribute?: AttributeHook;
}

export interface HistoryScanSummary extends IngestResult {
  files: number;
  filesRead: number;
  filesUnchanged: number;
  filesExcluded: number;
  bytesRead: number;
  /** Telemetry files read again from their start (rotated, replaced, or the workspace filter changed). */
  filesReset: number;
  /** Records deliberately not stored, per reason (telemetry spans and metrics; docs/sources.md). */
  skipped: Record<string, number>;
  /** Rows marked duplicate_of another channel's copy of the same call (Gemini, Copilot). */
  reconciled: number;
  cancelled: boolean;
}

/** The history files under user paths (null: the default locations). */
export function collectHistoryFiles(paths: readonly string[] | null, locations?: HistoryLocationEnv): HistoryFile[] {
  const out = new Map<string, HistoryFile>();
  const lists = paths === null ? historyRoots(locations).map(listHistoryRoot) : paths.map((p) => resolveHistoryPath(p) ?? []);
  for (const l of lists) for (const f of l) if (!out.has(f.path)) out.set(f.path, f);
  return [...out.values()];
}

export async function scanHistories(paths: readonly string[] | null, store: Store, options: HistoryScanOptions): Promise<HistoryScanSummary> {
  return scanHistoryFiles(collectHistoryFiles(paths, options.locations), store, options);
}

type State = SessionPlace;

/** Sources whose rows another channel may repeat (reconcile.ts). */
const RECONCILED: ReadonlySet<string> = new Set(['gemini-cli-chat', 'gemini-cli-otel', 'copilot-cli-session', 'copilot-cli-otel']);

export async function scanHistoryFiles(files: HistoryFile[], store: Store, options: HistoryScanOptions): Promise<HistoryScanSummary> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const table = new CheckpointTable(store);
  const summary: HistoryScanSummary = {
    ...emptyIngestResult(),
    files: files.length,
    filesRead: 0,
    filesUnchanged: 0,
    filesExcluded: 0,
    bytesRead: 0,
    filesReset: 0,
    skipped: {},
    reconciled: 0,
    cancelled: false,
  };
  const indexes = new TaskIndexes();
  const sessions = new SessionFolders(store);
  const filter = filterSignature(options.workspaceFolders);
  const days = new Set<string>();
  let events: AiEvent[] = [];
  let rejects: DeadLetter[] = [];
  let checkpoints: FileCheckpoint[] = [];
  const flush = async () => {
    if (!events.length && !rejects.length && !checkpoints.length) return;
    const batch = { events, metrics: [], rejects };
    const cps = checkpoints;
    for (const e of events) if (RECONCILED.has(e.source)) days.add(e.event_date);
    events = [];
    rejects = [];
    checkpoints = [];
    addIngestResult(summary, options.journal ? await store.ingest(batch) : store.ingestUnjournaled(batch));
    const now = new Date(clock.now()).toISOString();
    for (const cp of cps) table.put(cp, now);
    store.markDirty();
  };
  // Telemetry files last: they find their sessions' folders in the history files read before them.
  const ordered = [...files.filter((f) => !isAppendAgent(f.agent)), ...files.filter((f) => isAppendAgent(f.agent))];
  try {
    for (const f of ordered) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      try {
        const st = statSync(f.path);
        const cp = table.get(f.path);
        const ctx: HistoryContext = { prices: options.prices, receivedAt: new Date(clock.now()).toISOString() };
        if (isAppendAgent(f.agent)) {
          if (appendUnchanged(cp, st, filter)) {
            summary.filesUnchanged++;
            continue;
          }
          const read = readAppendFile(f as HistoryFile & { agent: AppendAgent }, st, cp, filter, ctx);
          summary.filesRead++;
          summary.bytesRead += read.bytesRead;
          if (read.reset) summary.filesReset++;
          for (const [k, n] of Object.entries(read.skipped)) summary.skipped[k] = (summary.skipped[k] ?? 0) + n;
          // Telemetry names sessions, not folders: each row takes its session's folder from the history files.
          for (const e of read.events) {
            const place = sessions.placeOf(f.agent as AppendAgent, e.session_id);
            if (!admitted(place, options.workspaceFolders)) continue;
            await attribute([e], place?.cwd, options.attribute);
            events.push(e);
          }
          for (const r of read.rejects) rejects.push(r);
          checkpoints.push(read.checkpoint);
        } else {
          const ino = String(st.ino);
          const known = (cp?.state as State | null) ?? null;
          const decided = cp ? admitted(known, options.workspaceFolders) : undefined;
          if (known) sessions.note(f.agent, known);
          if (cp && cp.size === st.size && cp.mtimeMs === st.mtimeMs && cp.ino === ino && decided === cp.included) {
            summary.filesUnchanged++;
            if (!cp.included) summary.filesExcluded++;
            continue;
          }
          const read = st.size > MAX_HISTORY_BYTES ? tooBig(f, st.size, ctx) : readOne(f, ctx, indexes);
          summary.filesRead++;
          summary.bytesRead += Math.min(st.size, MAX_HISTORY_BYTES);
          const state: State = { cwd: read.cwd, projectHash: read.projectHash ?? null, sessionId: read.sessionId ?? null };
          sessions.note(f.agent, state);
          const included = admitted(state, options.workspaceFolders);
          const base = { path: f.path, agent: f.agent, size: st.size, mtimeMs: st.mtimeMs, ino, offset: st.size, lineNo: 0, headHash: '0:', state, included };
          if (!included) summary.filesExcluded++;
          else {
            await attribute(read.events, read.cwd, options.attribute);
            for (const e of read.events) events.push(e);
            for (const r of read.rejects) rejects.push(r);
          }
          checkpoints.push(base);
        }
      } catch (err) {
        const msg = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file disappeared' : (err as Error).message;
        logger.warn(`[histories] ${f.path}: ${msg}`);
      }
      if (events.length >= 5000 || checkpoints.length >= 500) await flush();
    }
    await flush();
    if (days.size) {
      const r = reconcileHistoryCopies(store, { days: [...days] });
      summary.reconciled = r.gemini + r.copilot;
    }
  } finally {
    table.dispose();
  }
  return summary;
}

function tooBig(f: HistoryFile, size: number, ctx: HistoryContext): HistoryRead {
  const out: HistoryRead = { events: [], rejects: [], cwd: null };
  historyReject(out, ctx, HISTORY_SOURCE[f.agent], f.path, '', `file of ${size} bytes is above the ${MAX_HISTORY_BYTES}-byte limit, not read`);
  return out;
}

function readOne(f: HistoryFile, ctx: HistoryContext, indexes: TaskIndexes): HistoryRead {
  const raw = readFileSync(f.path, 'utf8');
  switch (f.agent) {
    case 'gemini-cli':
      return readGeminiChat(f.path, raw, ctx, geminiProjectRoot(f.path));
    case 'copilot-cli':
      return readCopilotSession(f.path, raw, ctx);
    default: {
      const taskDir = path.dirname(f.path);
      const meta = path.join(taskDir, 'task_metadata.json');
      return readClineTask(f.agent as ClineAgent, f.path, raw, ctx, indexes.info(taskDir), existsSync(meta) ? readFileSync(meta, 'utf8') : null);
    }
  }
}

/**
 * The Cline family's task indexes, read once per scan: Roo's per-task `history_item.json`, Cline's
 * `<storage>/state/taskHistory.json` and Roo's `tasks/_index.json` (HistoryItem lists).
 */
class TaskIndexes {
  private readonly byRoot = new Map<string, Map<string, TaskInfo>>();

  info(taskDir: string): TaskInfo | undefined {
    const own = readJson(path.join(taskDir, 'history_item.json'));
    if (obj(own)) return toInfo(obj(own)!);
    const root = path.dirname(path.dirname(taskDir));
    let m = this.byRoot.get(root);
    if (!m) {
      m = new Map();
      for (const file of [path.join(root, 'state', 'taskHistory.json'), path.join(root, 'tasks', '_index.json')]) {
        const doc = readJson(file);
        const list = Array.isArray(doc) ? doc : Array.isArray(obj(doc)?.entries) ? (obj(doc)!.entries as unknown[]) : [];
        for (const it of list) {
          const o = obj(it);
          const id = text(o?.id);
          if (o && id && !m.has(id)) m.set(id, toInfo(o));
        }
      }
      this.byRoot.set(root, m);
    }
    return m.get(path.basename(taskDir));
  }
}

function toInfo(o: Record<string, unknown>): TaskInfo {
  return { cwd: text(o.cwdOnTaskInitialization) ?? text(o.workspace), model: text(o.modelId) };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
