import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { emptyBatch, type AiEvent, type Batch, type DeadLetter } from '../../core/model';
import type { FileCheckpoint } from '../transcripts/checkpoints';
import { headHash, HEAD_BYTES } from '../transcripts/tail';
import { readCopilotOtelObject } from './copilot-otel';
import { readGeminiTelemetryObject } from './gemini-telemetry';
import { scanJsonObjects } from './json-objects';
import { HISTORY_SOURCE, historyReject, type AppendAgent, type HistoryContext, type HistoryFile } from './kinds';

/**
 * Incremental reading of the agents' append-only telemetry files (Gemini CLI's `telemetry.outfile`, Copilot
 * CLI's OpenTelemetry export): unlike the histories, which are rewritten and read whole, these only grow,
 * so each pass reads the bytes after the checkpoint's offset, up to the end of the last complete object. The
 * file is read again from its start when it shrank, has a new inode, its first bytes changed (rotated or
 * replaced), or the workspace filter changed (records dropped by the old filter may be wanted now). Rows
 * dedup in the store by trace_hash, so a re-read adds nothing.
 */

export interface AppendState {
  /** Signature of the workspace filter the file was read under. */
  filter: string;
}

export interface AppendRead {
  events: AiEvent[];
  rejects: DeadLetter[];
  skipped: Record<string, number>;
  /** The checkpoint to store once the events are. */
  checkpoint: FileCheckpoint;
  bytesRead: number;
  /** Read from the start although a checkpoint existed. */
  reset: boolean;
}

/** A stable signature of a workspace filter (null = every session). */
export function filterSignature(folders: readonly string[] | null): string {
  return folders === null
    ? 'all'
    : createHash('sha256')
        .update(JSON.stringify([...folders].sort()))
        .digest('hex')
        .slice(0, 16);
}

/** Whether an append file is unchanged since its checkpoint (not opened then). */
export function appendUnchanged(cp: FileCheckpoint | null, st: Stats, filter: string): boolean {
  return !!cp && cp.size === st.size && cp.mtimeMs === st.mtimeMs && cp.ino === String(st.ino) && (cp.state as AppendState | null)?.filter === filter;
}

/** Reads what was appended to `f` since `cp` (or all of it when it must start over). */
export function readAppendFile(f: HistoryFile & { agent: AppendAgent }, st: Stats, cp: FileCheckpoint | null, filter: string, ctx: HistoryContext): AppendRead {
  const ino = String(st.ino);
  const storedLen = cp ? Number(cp.headHash.split(':')[0]) : 0;
  const sameHead = !!cp && storedLen > 0 && st.size >= storedLen && headHash(f.path, storedLen).hash === cp.headHash;
  const resume = !!cp && cp.ino === ino && st.size >= cp.offset && sameHead && (cp.state as AppendState | null)?.filter === filter;
  const from = resume ? cp!.offset : 0;
  const fromLine = resume ? cp!.lineNo || 1 : 1;
  const source = HISTORY_SOURCE[f.agent];
  const batch: Batch = emptyBatch();
  const out = { rejects: batch.rejects };
  const scan = scanJsonObjects(f.path, from, fromLine, st.size, (text, line) => {
    let doc: unknown;
    try {
      doc = JSON.parse(text) as unknown;
    } catch (err) {
      historyReject(out, ctx, source, f.path, `line ${line}`, `invalid JSON object (${(err as Error).message.slice(0, 80)})`, text);
      return;
    }
    if (f.agent === 'copilot-otel') {
      const failed = readCopilotOtelObject(doc, ctx, batch);
      if (failed) historyReject(out, ctx, source, f.path, `line ${line}`, failed, text);
      return;
    }
    // The normalizer's own dead letters would carry a redacted copy of the record; the file's records are
    // named by place, size and hash instead, like every history file's.
    const one = readGeminiTelemetryObject(doc, ctx);
    for (const e of one.events) batch.events.push(e);
    for (const r of one.rejects) historyReject(out, ctx, source, f.path, `line ${line}`, r.reason, text);
    if (one.skipped) for (const [k, n] of Object.entries(one.skipped)) (batch.skipped ??= {})[k] = (batch.skipped[k] ?? 0) + n;
  });
  for (const l of scan.junkLines.slice(0, 20)) historyReject(out, ctx, source, f.path, `line ${l}`, 'text that is not a JSON object');
  for (const l of scan.oversized) historyReject(out, ctx, source, f.path, `line ${l}`, 'object too large, skipped');
  const head = headHash(f.path, Math.min(HEAD_BYTES, st.size)).hash;
  const state: AppendState = { filter };
  return {
    events: batch.events,
    rejects: batch.rejects,
    skipped: batch.skipped ?? {},
    bytesRead: scan.bytesRead,
    reset: !!cp && !resume,
    // size/mtime are those seen at stat time: bytes written after it make the next pass read again.
    checkpoint: {
      path: f.path,
      agent: f.agent,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ino,
      offset: scan.offset,
      lineNo: scan.line,
      headHash: head,
      state,
      included: true,
    },
  };
}
